import { describe, expect, it } from 'vitest';
import {
  applyOsMirrors,
  parseApkRepositories,
  parseDeb822Sources,
  parseOsRelease,
  parseSourcesList,
  type OsInfo,
} from '../../src/image/os-info.js';

describe('os-release', () => {
  it('reads quoted and unquoted values, ignoring comments', () => {
    const fields = parseOsRelease('# comment\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\'Ubuntu 24.04.1 LTS\'\nX="a \\"q\\""\n');
    expect(fields).toMatchObject({ ID: 'ubuntu', VERSION_ID: '24.04', VERSION_CODENAME: 'noble', ID_LIKE: 'debian', PRETTY_NAME: 'Ubuntu 24.04.1 LTS', X: 'a "q"' });
  });
});

describe('one-line apt sources', () => {
  it('reads deb and deb-src lines with options, skipping comments', () => {
    const text = [
      '# deb http://commented.test/debian bookworm main',
      'deb [arch=amd64,arm64 signed-by=/usr/share/keyrings/x.gpg] http://a.test/debian bookworm main contrib # trailing',
      '',
      'deb-src http://a.test/debian bookworm main',
      'deb http://flat.test/repo ./',
    ].join('\n');
    const sources = parseSourcesList(text, '/etc/apt/sources.list');
    expect(sources).toEqual([
      { type: 'deb', uri: 'http://a.test/debian', suite: 'bookworm', components: ['main', 'contrib'], architectures: ['amd64', 'arm64'], file: '/etc/apt/sources.list', line: 2 },
      { type: 'deb-src', uri: 'http://a.test/debian', suite: 'bookworm', components: ['main'], file: '/etc/apt/sources.list', line: 4 },
      { type: 'deb', uri: 'http://flat.test/repo', suite: './', components: [], file: '/etc/apt/sources.list', line: 5 },
    ]);
  });

  it('warns, with the line, about a line it cannot read', () => {
    const warnings: OsInfo['warnings'] = [];
    expect(parseSourcesList('deb http://a.test/debian bookworm main\nrpm http://x y\n', '/etc/apt/sources.list.d/x.list', warnings)).toHaveLength(1);
    expect(warnings).toEqual([{ file: '/etc/apt/sources.list.d/x.list', line: 2, message: 'not an apt source line: rpm http://x y' }]);
  });
});

describe('deb822 sources', () => {
  it('flattens URIs × Suites, honours Enabled: no, comments and multi-line fields', () => {
    const text = `# Ubuntu sources
Types: deb
URIs: http://a.test/ubuntu/ http://b.test/ubuntu/
Suites: noble noble-updates
Components: main universe
Architectures: amd64
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 abc
 -----END PGP PUBLIC KEY BLOCK-----

Types: deb deb-src
URIs: http://c.test/ubuntu/
Suites: noble-security
Components: main
Enabled: no

Types: deb
URIs: http://c.test/ubuntu/
# the security pocket
Suites: noble-security
Components: main
`;
    const sources = parseDeb822Sources(text, '/etc/apt/sources.list.d/ubuntu.sources');
    expect(sources.map((s) => `${s.type} ${s.uri} ${s.suite} ${s.components.join(',')} @${s.line} ${s.architectures ?? '*'}`)).toEqual([
      'deb http://a.test/ubuntu/ noble main,universe @2 amd64',
      'deb http://a.test/ubuntu/ noble-updates main,universe @2 amd64',
      'deb http://b.test/ubuntu/ noble main,universe @2 amd64',
      'deb http://b.test/ubuntu/ noble-updates main,universe @2 amd64',
      'deb http://c.test/ubuntu/ noble-security main @19 *',
    ]);
  });

  it('warns about a paragraph without URIs', () => {
    const warnings: OsInfo['warnings'] = [];
    expect(parseDeb822Sources('Types: deb\nSuites: x\n', '/f.sources', warnings)).toEqual([]);
    expect(warnings).toEqual([{ file: '/f.sources', line: 1, message: 'apt source paragraph needs Types, URIs and Suites' }]);
  });
});

describe('apk repositories', () => {
  it('reads URLs, tags and comments', () => {
    const text = 'http://a.test/alpine/v3.20/main\n# http://a.test/alpine/v3.20/testing\n@edge http://a.test/alpine/edge/community\n\n/local/repo # local\n';
    expect(parseApkRepositories(text, '/etc/apk/repositories')).toEqual([
      { url: 'http://a.test/alpine/v3.20/main', file: '/etc/apk/repositories', line: 1 },
      { url: 'http://a.test/alpine/edge/community', tag: 'edge', file: '/etc/apk/repositories', line: 3 },
      { url: '/local/repo', file: '/etc/apk/repositories', line: 5 },
    ]);
  });
});

describe('osMirrors', () => {
  const info: OsInfo = {
    distro: 'debian',
    idLike: [],
    release: '12',
    codename: 'bookworm',
    warnings: [],
    aptSources: [
      { type: 'deb', uri: 'http://deb.test/debian', suite: 'bookworm', components: ['main'], file: 'f', line: 1 },
      { type: 'deb', uri: 'http://deb.test/debian-security/', suite: 'bookworm-security', components: ['main'], file: 'f', line: 2 },
      { type: 'deb', uri: 'http://other.test/debian', suite: 'x', components: ['main'], file: 'f', line: 3 },
    ],
    apkRepositories: [{ url: 'http://apk.test/alpine/v3.20/main', file: 'r', line: 1 }],
  };

  it('replaces the longest matching prefix and leaves others as the image wrote them', () => {
    const mapped = applyOsMirrors(info, {
      'http://deb.test/debian': 'http://internal.test/mirror/debian/',
      'http://deb.test/debian-security': 'http://internal.test/security',
      'http://apk.test/alpine': 'http://internal.test/alpine',
    });
    expect(mapped.aptSources.map((s) => s.uri)).toEqual(['http://internal.test/mirror/debian', 'http://internal.test/security/', 'http://other.test/debian']);
    expect(mapped.apkRepositories.map((r) => r.url)).toEqual(['http://internal.test/alpine/v3.20/main']);
    expect(info.aptSources[0]?.uri).toBe('http://deb.test/debian');
  });

  it('does not match a prefix in the middle of a path segment', () => {
    expect(applyOsMirrors(info, { 'http://deb.test/deb': 'http://x.test' }).aptSources[0]?.uri).toBe('http://deb.test/debian');
  });
});
