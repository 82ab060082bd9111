// The main job on a fresh machine: freshen scan on examples/demo-repo against a real local registry.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startRegistry } from '../test/support/registry.js';
import { pushImage, pushIndex } from '../test/support/oci-push.js';

const images: Record<string, string[]> = {
  'docker/dockerfile': ['1.7', '1.8', '1.9'],
  'library/node': ['20.10-alpine', '20.11-alpine', '20.12-alpine', '22.11-alpine', '23.0-alpine', '20.12-slim'],
  'library/python': ['3.12-slim', '3.13-slim', '3.14-slim'],
  'library/redis': ['7.2', '7.4', '8.0'],
  'library/postgres': ['16.1', '16.4', '17.2'],
  'library/tini': ['0.19'],
};

function filesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

const registry = await startRegistry();
let checkout: string | undefined;
try {
  console.log(`A throw-away OCI registry is listening on ${registry.url}; pushing demo images...`);
  for (const [repository, tags] of Object.entries(images)) {
    for (const tag of tags) {
      if (repository === 'library/redis' && tag === '7.2') {
        await pushIndex(registry.url, repository, tag, [
          { platform: { os: 'linux', architecture: 'amd64' } },
          { platform: { os: 'linux', architecture: 'arm64' } },
        ]);
      } else {
        await pushImage(registry.url, repository, tag, { labels: { 'org.opencontainers.image.version': tag } });
      }
    }
  }
  checkout = mkdtempSync(join(tmpdir(), 'freshen-demo-'));
  cpSync('examples/demo-repo', checkout, { recursive: true });
  for (const file of filesBelow(checkout)) {
    const path = join(checkout, file);
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll('localhost:5000', registry.host));
  }
  spawnSync('git', ['init', '-q', checkout]);
  spawnSync('git', ['-C', checkout, 'add', '-A']);
  spawnSync('git', ['-C', checkout, '-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', 'commit', '-qm', 'demo']);

  const env = { ...process.env, FRESHEN_INSECURE_REGISTRIES: registry.host };
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { stdio: 'inherit', env });
  console.log(`\n$ freshen extract ${checkout}`);
  run(['extract', checkout]);
  console.log(`\n$ freshen scan ${checkout}`);
  run(['scan', checkout]);
  console.log(`\n$ freshen scan ${checkout} --write && git diff`);
  run(['scan', checkout, '--write']);
  spawnSync('git', ['-C', checkout, '--no-pager', 'diff', '--stat'], { stdio: 'inherit' });
  spawnSync('git', ['-C', checkout, '--no-pager', 'diff'], { stdio: 'inherit' });
} finally {
  // The copy only exists to show the diff above; nothing of the demo stays behind.
  if (checkout) rmSync(checkout, { recursive: true, force: true });
  await registry.stop();
}
