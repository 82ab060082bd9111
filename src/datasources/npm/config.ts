// npm registry settings from the repository's .npmrc and the app's own npmrc, parsed by npm's `ini`.
import ini from 'ini';

/** The flat options npm-registry-fetch reads: `registry`, `@scope:registry`, `//host/:_authToken`... */
export type NpmOptions = Record<string, string>;

// Only registry choice and credentials are taken from a repository's file: cert/key/ca paths,
// proxies or scripts settings would make the app read its own disk or route through the repo's host.
const ALLOWED_KEY = /^(registry|@[^:]+:registry|\/\/.+:(_authToken|_auth|username|_password))$/;
const SECRET_KEY = /:(_authToken|_auth|_password)$/;
/**
 * The app's own settings: a repository's .npmrc never pulls them in with `${NAME}`, or it could
 * write `//its-host/:_authToken=${FRESHEN_NPMRC}` and be sent the app's tokens.
 */
const APP_SETTING = /^(FRESHEN_\w*|PIP_INDEX_URL|PIP_EXTRA_INDEX_URL|PRIVATE_KEY\w*|WEBHOOK_SECRET|ADMIN_PASSWORD|REDIS_\w*|GITHUB_TOKEN|GH_TOKEN)$/;

export interface NpmrcInput {
  /** The repository's .npmrc text, if it has one. */
  repoNpmrc?: string;
  /** The app's npmrc text (FRESHEN_NPMRC): wins over the repository's for the same key. */
  appNpmrc?: string;
  /** Values `${NAME}` in an npmrc may refer to; nothing else of the process environment is visible. */
  vars?: Record<string, string | undefined>;
}

function substitute(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/(\\*)\$\{([^}]+)\}/g, (whole, escapes: string, name: string) => {
    if (escapes.length % 2 === 1) return whole.slice(1);
    const found = vars[name.replace(/\?$/, '')];
    return escapes + (found ?? (name.endsWith('?') ? '' : whole));
  });
}

function readNpmrc(text: string | undefined, vars: Record<string, string | undefined>): NpmOptions {
  if (!text) return {};
  const parsed = ini.parse(text) as Record<string, unknown>;
  const out: NpmOptions = {};
  for (const [rawKey, rawValue] of Object.entries(parsed)) {
    if (typeof rawValue !== 'string' && typeof rawValue !== 'boolean') continue;
    const key = substitute(rawKey, vars);
    if (!ALLOWED_KEY.test(key)) continue;
    out[key] = substitute(String(rawValue), vars);
  }
  return out;
}

export function npmOptionsFrom(input: NpmrcInput): NpmOptions {
  const vars = input.vars ?? {};
  const repoVars = Object.fromEntries(Object.entries(vars).filter(([name]) => !APP_SETTING.test(name)));
  return { ...readNpmrc(input.repoNpmrc, repoVars), ...readNpmrc(input.appNpmrc, vars) };
}

const CREDENTIAL_KEY = /:(_authToken|_auth|username|_password)$/;

/**
 * Whether npm would send credentials with a request to `url`: `user:pass@` in it, or a
 * `//host/path/:_authToken`-style setting for any prefix of it (npm picks the longest; any one counts).
 */
export function sendsCredentials(url: string, options: NpmOptions): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true;
  }
  if (parsed.username !== '' || parsed.password !== '') return true;
  const target = `//${parsed.host}${parsed.pathname}`.toLowerCase();
  return Object.entries(options).some(([key, value]) => {
    if (!CREDENTIAL_KEY.test(key) || value === '') return false;
    return target.startsWith(key.slice(0, key.lastIndexOf(':')).toLowerCase());
  });
}

/** The credential values in these options, to scrub from any text shown to people. */
export function secretsOf(options: NpmOptions): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (!SECRET_KEY.test(key) || value.length < 4) continue;
    out.push(value);
    if (key.endsWith(':_auth')) out.push(...Buffer.from(value, 'base64').toString('utf8').split(':').filter((s) => s.length >= 4));
  }
  return out;
}

/** Removes credentials from text (npm's output, error messages): known values and anything token-shaped. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out
    .replace(/(_authToken|_auth|_password)\s*=\s*\S+/g, '$1=***')
    .replace(/(authorization:\s*(bearer|basic)\s+)\S+/gi, '$1***')
    .replace(/\/\/([^/\s:@]+):([^/\s@]+)@/g, '//$1:***@');
}

/** The options as an npmrc text (for a temporary npm run), never written into a repository. */
export function toNpmrc(options: NpmOptions): string {
  return Object.entries(options).map(([key, value]) => `${key}=${value}`).join('\n') + '\n';
}
