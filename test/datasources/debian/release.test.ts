import { describe, expect, it } from 'vitest';
import { parsePackages, decompressIndex } from '../../../src/datasources/debian/packages.js';
import { parseRelease, pickPackagesIndex, ReleaseParseError, stripClearsign } from '../../../src/datasources/debian/release.js';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { hasXz } from '../../support/os-mirror.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'B'.repeat(64);

const release = `Origin: Debian
Suite: stable
Codename: bookworm
Date: Sat, 09 Nov 2024 10:00:00 UTC
Valid-Until: Sat, 16 Nov 2024 10:00:00 UTC
Architectures: all amd64 arm64
Components: main contrib
No-Support-for-Architecture-all: Packages
MD5Sum:
 0123456789abcdef0123456789abcdef 100 main/binary-amd64/Packages
SHA256:
 ${HASH_A}   1234 main/binary-amd64/Packages.xz
 ${HASH_B}   99999 main/binary-amd64/Packages.gz
`;

describe('Release files', () => {
  it('parses fields and SHA256 lines (not MD5Sum)', () => {
    const r = parseRelease(release);
    expect(r).toMatchObject({ suite: 'stable', codename: 'bookworm', date: 'Sat, 09 Nov 2024 10:00:00 UTC', validUntil: 'Sat, 16 Nov 2024 10:00:00 UTC' });
    expect(r.architectures).toEqual(['all', 'amd64', 'arm64']);
    expect(r.components).toEqual(['main', 'contrib']);
    expect(r.archAllInEveryArch).toBe(true);
    expect([...r.sha256.entries()]).toEqual([
      ['main/binary-amd64/Packages.xz', { sha256: HASH_A, size: 1234 }],
      ['main/binary-amd64/Packages.gz', { sha256: HASH_B.toLowerCase(), size: 99999 }],
    ]);
  });

  it('prefers xz, then gz, then plain, among the files the Release lists', () => {
    const r = parseRelease(release);
    expect(pickPackagesIndex(r, 'main', 'amd64')?.path).toBe('main/binary-amd64/Packages.xz');
    r.sha256.delete('main/binary-amd64/Packages.xz');
    expect(pickPackagesIndex(r, 'main', 'amd64')?.path).toBe('main/binary-amd64/Packages.gz');
    expect(pickPackagesIndex(r, 'contrib', 'amd64')).toBeUndefined();
  });

  it('rejects a malformed checksum line', () => {
    expect(() => parseRelease('SHA256:\n nothex 12 main/x\n')).toThrow(ReleaseParseError);
  });

  it('strips clearsign armor and dash-escaping', () => {
    const signed = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nSuite: stable\n- -odd: line\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n';
    expect(stripClearsign(signed)).toBe('Suite: stable\n-odd: line\n');
    expect(stripClearsign('Suite: x\n')).toBe('Suite: x\n');
    expect(() => stripClearsign('-----BEGIN PGP SIGNED MESSAGE-----\n\nSuite: x\n')).toThrow(/without a signature/);
  });
});

const packages = `Package: curl
Source: curl (7.88.1-10)
Version: 7.88.1-10+deb12u8
Architecture: amd64
Description: command line tool
 with a long description
 .
 over several lines
Filename: pool/main/c/curl/curl_7.88.1-10+deb12u8_amd64.deb
SHA256: ${HASH_A}

Package: curl
Version: 7.88.1-10+deb12u5
Architecture: amd64

Package: ca-certificates
Version: 20230311
Architecture: all

Package: broken-no-version
Architecture: amd64
`;

describe('Packages indexes', () => {
  it('parses paragraphs, Source with its version, and skips entries without a version', () => {
    const index = parsePackages(packages);
    expect(index.get('curl')).toEqual([
      { name: 'curl', version: '7.88.1-10+deb12u8', architecture: 'amd64', source: 'curl', sourceVersion: '7.88.1-10', filename: 'pool/main/c/curl/curl_7.88.1-10+deb12u8_amd64.deb', sha256: HASH_A },
      { name: 'curl', version: '7.88.1-10+deb12u5', architecture: 'amd64', source: 'curl', sourceVersion: '7.88.1-10+deb12u5', filename: null, sha256: null },
    ]);
    expect(index.get('ca-certificates')?.[0]?.architecture).toBe('all');
    expect(index.has('broken-no-version')).toBe(false);
  });

  it('decompresses gz and plain', async () => {
    expect((await decompressIndex('x/Packages.gz', gzipSync(packages))).toString()).toBe(packages);
    expect((await decompressIndex('x/Packages', Buffer.from(packages))).toString()).toBe(packages);
  });

  it.skipIf(!hasXz)('decompresses xz (xz tool needed to make the fixture)', async () => {
    const compressed = spawnSync('xz', ['-c'], { input: packages }).stdout;
    expect((await decompressIndex('x/Packages.xz', compressed)).toString()).toBe(packages);
    await expect(decompressIndex('x/Packages.xz', Buffer.from('not xz at all'))).rejects.toThrow();
  });
});
