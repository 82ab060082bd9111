// End to end: a base image update held back because a pinned package has no version in the new release is said
// on the dashboard and in the PR of its group.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { AppStack } from '../support/app-stack.js';
import { buildLayer, pushImage } from '../support/oci-push.js';
import { startOsMirror, type OsMirror } from '../support/os-mirror.js';
import { DashboardRepo, OWNER, REPO, startProductionStack, uniqueName } from './dashboard-support.js';

const registryHost = inject('registryHost');
/** The host the images write in their apt sources; the repository's `osMirrors` points it at the loopback mirror. */
const IMAGE_MIRROR = 'http://image-mirror.test';
let mirror: OsMirror;
let stack: AppStack;

const deb = (Package: string, Version: string) => ({ Package, Version });

beforeAll(async () => {
  mirror = await startOsMirror({
    debian: {
      debian: [
        { suite: 'bookworm', origin: 'Debian', components: { main: { amd64: [deb('curl', '7.88.1-10+deb12u5'), deb('curl', '7.88.1-10+deb12u12'), deb('oldpkg', '1.0-1')] } } },
        { suite: 'trixie', origin: 'Debian', components: { main: { amd64: [deb('curl', '8.14.1-2')] } } },
      ],
    },
  });
  stack = await startProductionStack({ redisUrl: inject('redisUrl'), registryHost, insecure: [new URL(mirror.url).host] });
});
afterAll(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
  await mirror.close();
});

async function pushRelease(name: string, codename: string, version: string): Promise<string> {
  const layer = await buildLayer({
    'etc/os-release': `ID=debian\nVERSION_ID="${version}"\nVERSION_CODENAME=${codename}\n`,
    'etc/apt/sources.list': `deb ${IMAGE_MIRROR}/debian ${codename} main\n`,
  });
  return (await pushImage(`http://${registryHost}`, name, 'stable', { layers: [layer] })).digest;
}

it('holds the base bump blocked by a pinned package, and says so on the dashboard and in the open PR of its group', async () => {
  const name = uniqueName('debian');
  const bookworm = await pushRelease(name, 'bookworm', '12');
  const repo = new DashboardRepo(stack);
  await repo.install({
    Dockerfile: `FROM ${registryHost}/${name}:stable@${bookworm}\nRUN apt-get install -y oldpkg=1.0-1 curl=7.88.1-10+deb12u5\n`,
    '.github/freshen.yml': `osMirrors:\n  "${IMAGE_MIRROR}": "${mirror.url}"\n`,
  });
  const [pr] = repo.openPulls();
  expect(repo.openPulls()).toHaveLength(1);
  expect(pr!.body).not.toContain('held back');
  const headBefore = stack.sim.branches(OWNER, REPO)[pr!.head];

  // `stable` moves to the next release, where oldpkg does not exist: the base stays, the curl pin still moves.
  const trixie = await pushRelease(name, 'trixie', '13');
  await repo.scan();
  const [after] = repo.openPulls();
  expect(after!.number).toBe(pr!.number);
  expect(stack.sim.branches(OWNER, REPO)[pr!.head]).toBe(headBefore);
  const dockerfile = stack.sim.readFile(OWNER, REPO, pr!.head, 'Dockerfile')!;
  expect(dockerfile).toContain(`:stable@${bookworm}\n`);
  expect(dockerfile).toContain('curl=7.88.1-10+deb12u12');
  const why = /blocked by pinned package oldpkg: no version in debian 13 \(trixie\)/;
  expect(after!.body).toMatch(new RegExp(`- held back: \`[^\`]+\` → \`[^\`]+:stable@${trixie}\` \\(\`Dockerfile\`\\): ${why.source}`));
  const held = repo.dashboard().split('### Held back')[1]!.split('###')[0]!;
  expect(held).toMatch(new RegExp(`:stable@${trixie} — ${why.source}`));
  // No box: ticking cannot open a bump that would break the build.
  expect(held).not.toContain('- [ ]');
}, 60_000);
