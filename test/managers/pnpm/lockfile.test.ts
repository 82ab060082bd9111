// pnpm-lock.yaml v5.4, v6 and v9 as pnpm writes them: the version locked per importer, alias and catalog; broken files give the line.
import { describe, expect, it } from 'vitest';
import { catalogLockedVersion, pnpmLockfile, versionOfReference } from '../../../src/managers/pnpm/lockfile.js';

const { lockedVersion } = pnpmLockfile;

// As pnpm 10 writes it (lockfile v9): a workspace with a catalog, an alias, a peer suffix, a link.
const v9 = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

catalogs:
  default:
    lib-a:
      specifier: ^1.0.0
      version: 1.1.0
  old:
    lib-b:
      specifier: ^1.0.0
      version: 1.0.0

importers:

  .:
    dependencies:
      '@private/sec':
        specifier: ^1.0.0
        version: 1.0.0
      alias-b:
        specifier: npm:lib-b@^1.0.0
        version: lib-b@1.0.0
      lib-a:
        specifier: 'catalog:'
        version: 1.1.0
    devDependencies:
      react-dom:
        specifier: ^18.0.0
        version: 18.2.0(react@18.2.0)

  apps/web:
    dependencies:
      lib-b:
        specifier: catalog:old
        version: 1.0.0
      root:
        specifier: workspace:*
        version: link:../..

packages:

  '@private/sec@1.0.0':
    resolution: {integrity: sha512-AAAA}

snapshots:

  '@private/sec@1.0.0': {}
`;

// As pnpm 8 writes it (lockfile v6), one project: sections at the top, `/name@version` paths for aliases.
const v6 = `lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  alias-b:
    specifier: npm:lib-b@^1.0.0
    version: /lib-b@1.0.3
  lib-a:
    specifier: ^1.0.0
    version: 1.0.2
  react-dom:
    specifier: ^18.0.0
    version: 18.2.0(react@18.2.0)

optionalDependencies:
  '@scope/opt':
    specifier: ~2.1.0
    version: /@scope/real@2.1.4

packages:

  /lib-a@1.0.2:
    resolution: {integrity: sha512-AAAA}
    dev: false
`;

// pnpm 7 (lockfile 5.4), a workspace: specifiers apart, `_peer` suffixes, `/name/version` paths.
const v5 = `lockfileVersion: 5.4

importers:

  .:
    specifiers:
      lib-a: ^1.0.0
    dependencies:
      lib-a: 1.0.1_react@18.2.0

  packages/api:
    specifiers:
      alias-b: npm:lib-b@^1.0.0
    dependencies:
      alias-b: /lib-b/1.0.9

packages:

  /lib-a/1.0.1_react@18.2.0:
    resolution: {integrity: sha512-AAAA}
`;

describe('pnpm-lock.yaml: the installed version of a package.json dependency', () => {
  it.each([
    ['v9 root', v9, 'package.json', '@private/sec', '^1.0.0', '1.0.0'],
    ['v9 alias (npm:lib-b@^1.0.0)', v9, 'package.json', 'alias-b', '^1.0.0', '1.0.0'],
    ['v9 peer suffix stripped', v9, 'package.json', 'react-dom', '^18.0.0', '18.2.0'],
    ['v9 workspace member', v9, 'apps/web/package.json', 'lib-b', 'catalog:old', '1.0.0'],
    ['v9 workspace link', v9, 'apps/web/package.json', 'root', 'workspace:*', undefined],
    ['v9 not in this importer', v9, 'apps/web/package.json', 'react-dom', '^18.0.0', undefined],
    ['v9 importer not in the lockfile', v9, 'apps/api/package.json', 'lib-b', '^1.0.0', undefined],
    ['v9 specifier differs: stale', v9, 'package.json', '@private/sec', '^2.0.0', undefined],
    ['v6 one project', v6, 'package.json', 'lib-a', '^1.0.0', '1.0.2'],
    ['v6 alias path /name@version', v6, 'package.json', 'alias-b', '^1.0.0', '1.0.3'],
    ['v6 scoped alias path', v6, 'package.json', '@scope/opt', '~2.1.0', '2.1.4'],
    ['v6 peer suffix', v6, 'package.json', 'react-dom', '^18.0.0', '18.2.0'],
    ['v6 member of no importer', v6, 'apps/web/package.json', 'lib-a', '^1.0.0', undefined],
    ['v5 _peer suffix', v5, 'package.json', 'lib-a', '^1.0.0', '1.0.1'],
    ['v5 alias path /name/version', v5, 'packages/api/package.json', 'alias-b', '^1.0.0', '1.0.9'],
  ])('%s', (_what, lock, packageFile, key, range, expected) => {
    expect(lockedVersion(lock, 'pnpm-lock.yaml', packageFile, key, range)).toBe(expected);
  });

  it('importers are relative to the lockfile: a project in a subfolder is `.`', () => {
    expect(lockedVersion(v9, 'svc/pnpm-lock.yaml', 'svc/package.json', 'alias-b', '^1.0.0')).toBe('1.0.0');
    expect(lockedVersion(v9, 'svc/pnpm-lock.yaml', 'svc/apps/web/package.json', 'lib-b', 'catalog:old')).toBe('1.0.0');
    expect(lockedVersion(v9, 'svc/pnpm-lock.yaml', 'other/package.json', 'alias-b', '^1.0.0')).toBeUndefined();
  });

  it('catalog entries are read from `catalogs`', () => {
    expect(catalogLockedVersion(v9, 'default', 'lib-a', '^1.0.0')).toBe('1.1.0');
    expect(catalogLockedVersion(v9, 'old', 'lib-b', '^1.0.0')).toBe('1.0.0');
    expect(catalogLockedVersion(v9, 'old', 'lib-b', '^2.0.0')).toBeUndefined();
    expect(catalogLockedVersion(v9, 'default', 'lib-b', '^1.0.0')).toBeUndefined();
  });

  it.each([
    ['1.2.3', '1.2.3'],
    ['1.2.3(react@18.0.0)(react-dom@18.0.0)', '1.2.3'],
    ['@scope/real@4.0.0-beta.1(x@1.0.0)', '4.0.0-beta.1'],
    ['/@scope/real/4.0.0_x@1.0.0', '4.0.0'],
    ['link:../lib', undefined],
    ['file:vendor/x.tgz', undefined],
    ['github.com/user/repo/0123abc', undefined],
  ])('the version in %s is %s', (reference, version) => {
    expect(versionOfReference(reference)).toBe(version);
  });

  it('a broken lockfile is an Error with its line', () => {
    const broken = v9.replace("      alias-b:\n", "      alias-b: [\n");
    expect(() => lockedVersion(broken, 'pnpm-lock.yaml', 'package.json', 'alias-b', '^1.0.0')).toThrow(expect.objectContaining({ line: expect.any(Number) }));
    let line: number | undefined;
    try {
      lockedVersion('lockfileVersion: "9.0"\nimporters:\n  .:\n    dependencies: {a: [1, 2}\n', 'pnpm-lock.yaml', 'package.json', 'a', '1');
    } catch (err) {
      line = (err as { line?: number }).line;
    }
    expect(line).toBe(4);
    expect(() => lockedVersion('- just\n- a list\n', 'pnpm-lock.yaml', 'package.json', 'a', '1')).toThrow(/must be a YAML mapping/);
  });

  it('a lockfile in flow style is read whole', () => {
    const flow = "{lockfileVersion: '9.0', importers: {'.': {dependencies: {lib-a: {specifier: ^1.0.0, version: 1.0.7}}}}}\n";
    expect(lockedVersion(flow, 'pnpm-lock.yaml', 'package.json', 'lib-a', '^1.0.0')).toBe('1.0.7');
  });
});
