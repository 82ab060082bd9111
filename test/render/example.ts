// A realistic group of updates run through the real parsers, diff and renderers: the README's example body.
import type { PlannedUpdate } from '../../src/engine/types.js';
import type { ImageFacts } from '../../src/insight/image-facts.js';
import { parseDpkgStatus } from '../../src/insight/installed-packages.js';
import { compareUrl } from '../../src/insight/links.js';
import { diffPackages } from '../../src/insight/package-diff.js';
import type { FixedVulnerability } from '../../src/insight/security.js';
import { renderWhatChanged } from '../../src/insight/what-changed-markdown.js';
import { dpkgStatus } from '../insight/images.js';

const oldDigest = `sha256:${'3f'.repeat(32)}`;
const newDigest = `sha256:${'a9'.repeat(32)}`;

function facts(digest: string, created: string, revision: string, status: string): ImageFacts {
  return {
    digest, platform: 'linux/amd64', manifestDigest: digest, created, revision, version: '12.6',
    source: 'https://github.com/debuerreotype/docker-debian-artifacts', distro: 'debian', release: '12',
    installed: { format: 'dpkg', packages: parseDpkgStatus(status) }, warnings: [],
  };
}

export function exampleUpdates(): PlannedUpdate[] {
  const before = facts(oldDigest, '2024-06-13T00:00:00Z', '5a1c2b3d4e', dpkgStatus([
    { name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' },
    { name: 'openssl', version: '3.0.11-1~deb12u2' },
    { name: 'libc6', version: '2.36-9+deb12u4', source: 'glibc' },
    { name: 'tzdata', version: '2024a-0+deb12u1' },
    { name: 'wget', version: '1.21.3-1+b2', source: 'wget (1.21.3-1)' },
  ]));
  const after = facts(newDigest, '2024-07-02T00:00:00Z', '9f8e7d6c5b', dpkgStatus([
    { name: 'libssl3', version: '3.0.13-1~deb12u1', source: 'openssl' },
    { name: 'openssl', version: '3.0.13-1~deb12u1' },
    { name: 'libc6', version: '2.36-9+deb12u7', source: 'glibc' },
    { name: 'tzdata', version: '2024a-0+deb12u1' },
    { name: 'ca-certificates', version: '20230311' },
  ]));
  const diff = diffPackages(before.installed!, after.installed!, { distro: 'debian', release: '12' });
  const rendered = renderWhatChanged({ platform: 'linux/amd64', before, after, diff, compareUrl: compareUrl(after.source, before.revision, after.revision) });
  const strip = ({ installed: _i, ...rest }: ImageFacts) => rest;
  const vulnerabilitiesFixed: FixedVulnerability[] = [
    { id: 'DSA-5678-1', aliases: ['CVE-2024-0727'], severity: 'MODERATE', package: 'openssl (Debian:12)', summary: 'openssl: denial of service via a crafted PKCS12 file' },
    { id: 'DLA-1234-1', aliases: ['CVE-2024-33599'], severity: 'HIGH', package: 'glibc (Debian:12)', summary: 'glibc: buffer overflow in the nscd netgroup cache' },
  ];
  const image: PlannedUpdate = {
    manager: 'dockerfile', file: 'Dockerfile', line: 1, depName: 'docker.io/library/debian', depIndex: 0,
    from: `debian:bookworm@${oldDigest}`, to: `debian:bookworm@${newDigest}`, updateType: 'digest', newValue: 'bookworm', newDigest,
    extra: { whatChanged: { ...rendered, platform: 'linux/amd64', packageDiff: diff, before: strip(before), after: strip(after) }, vulnerabilitiesFixed, security: true },
  };
  const npm: PlannedUpdate = {
    manager: 'npm', file: 'package.json', line: 12, depName: 'express', depIndex: 0,
    from: '4.19.1', to: '4.19.2', updateType: 'patch', newValue: '4.19.2', newDigest: null,
    extra: {
      releaseNotes: {
        markdown: '## 4.19.2\n\n- Improved fix for open redirect allow list bypass\n',
        sourceUrl: 'https://github.com/expressjs/express',
        compareUrl: 'https://github.com/expressjs/express/compare/4.19.1...4.19.2',
      },
    },
  };
  return [image, npm];
}
