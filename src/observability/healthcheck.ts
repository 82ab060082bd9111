// The container HEALTHCHECK: asks /healthz of this process's role (slim images have no curl).
const role = process.env.FRESHEN_ROLE ?? 'all';
const port = role === 'worker' ? (process.env.HEALTH_PORT ?? '9464') : (process.env.PORT ?? '3000');

try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4_000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
