import { describe, expect, it } from 'vitest';
import { formatReference, imageDependency, nameOfWritten, parseImageReference } from '../../src/image/reference.js';

const D = 'sha256:' + 'a'.repeat(64);

describe('parseImageReference normalizes like Docker', () => {
  it.each([
    ['node', 'docker.io', 'library/node', null, null],
    ['node:20.11-alpine', 'docker.io', 'library/node', '20.11-alpine', null],
    ['library/node:20', 'docker.io', 'library/node', '20', null],
    ['index.docker.io/library/node:20', 'docker.io', 'library/node', '20', null],
    ['docker.io/bitnami/redis:7.2', 'docker.io', 'bitnami/redis', '7.2', null],
    ['localhost/app', 'localhost', 'app', null, null],
    ['localhost:5000/team/app:1.0', 'localhost:5000', 'team/app', '1.0', null],
    ['127.0.0.1:5000/team/app', '127.0.0.1:5000', 'team/app', null, null],
    ['ghcr.io/org/img:v1.2.3', 'ghcr.io', 'org/img', 'v1.2.3', null],
    [`node@${D}`, 'docker.io', 'library/node', null, D],
    [`node:20@${D}`, 'docker.io', 'library/node', '20', D],
    ['Registry.Example.com/a_b/c-d__e:x', 'Registry.Example.com', 'a_b/c-d__e', 'x', null],
    ['[::1]:5000/app:1', '[::1]:5000', 'app', '1', null],
    ['foo--bar/baz', 'docker.io', 'foo--bar/baz', null, null],
  ])('%s', (text, domain, path, tag, digest) => {
    const ref = parseImageReference(text);
    expect(ref).toEqual({ domain, path, name: `${domain}/${path}`, tag, digest });
  });

  it.each([
    ['', /empty/],
    ['Node:20', /lowercase/],
    ['docker.io/Library/node', /lowercase/],
    ['node:', /invalid tag/],
    ['node:-bad', /invalid tag/],
    ['node:' + 'x'.repeat(129), /invalid tag/],
    [`node@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
    ['node@sha256:abc', /invalid digest/],
    ['a'.repeat(64), /image ID/],
    ['foo_/bar', /bad path component/],
    ['-foo', /bad path component/],
    ['node:20 x', /white space/],
    ['/node', /bad path component/],
    ['x'.repeat(256), /255/],
  ])('rejects %s', (text, reason) => {
    expect(() => parseImageReference(text)).toThrow(reason);
  });
});

describe('formatReference keeps the name as written', () => {
  it.each([
    ['node:20', '22', null, 'node:22'],
    ['node:20', '20', D, `node:20@${D}`],
    [`node:20@${D}`, '22', null, 'node:22'],
    ['localhost:5000/app', '1.1', D, `localhost:5000/app:1.1@${D}`],
    ['localhost:5000/app:1', null, D, `localhost:5000/app@${D}`],
  ])('%s with %s %s', (original, tag, digest, expected) => {
    expect(formatReference(original, tag, digest)).toBe(expected);
  });
});

describe('imageDependency', () => {
  it('fills normalized fields', () => {
    const dep = imageDependency(`python:3.13-slim@${D}`, { manager: 'dockerfile', file: 'Dockerfile', line: 3 });
    expect(dep).toMatchObject({
      datasource: 'docker',
      depName: 'docker.io/library/python',
      currentValue: '3.13-slim',
      currentDigest: D,
      reference: `python:3.13-slim@${D}`,
      line: 3,
    });
    expect(dep.skipReason).toBeUndefined();
  });
  it('gives a skipReason for an invalid reference', () => {
    const dep = imageDependency('Bad:ref', { manager: 'compose', file: 'compose.yaml', line: 2 });
    expect(dep.skipReason).toMatch(/^invalid-reference: repository name must be lowercase/);
    expect(dep.depName).toBe('Bad');
  });
  it.each([
    ['node:bad!tag', 'docker.io/library/node'],
    ['node@sha256:abc', 'docker.io/library/node'],
    ['ghcr.io/Acme/App:1', 'ghcr.io/Acme/App'],
    ['${REG}/app:1', '${REG}/app:1'],
    ['registry.test/app:${TAG}', 'registry.test/app'],
  ])('names an invalid reference %s without its tag: %s', (written, depName) => {
    expect(nameOfWritten(written)).toBe(depName);
    if (!written.includes('$')) expect(imageDependency(written, { manager: 'compose', file: 'compose.yaml', line: 1 }).depName).toBe(depName);
  });
});

// distribution/reference's TestReferenceParse table, normalized as Docker's ParseNormalizedNamed does
// (a name without a registry host is Docker Hub's; a single one gets `library/`).
describe("distribution/reference's own cases", () => {
  const F64 = 'f'.repeat(64);
  const F128 = 'f'.repeat(128);
  it.each([
    ['test_com', 'docker.io/library/test_com', null, null],
    ['test.com:tag', 'docker.io/library/test.com', 'tag', null],
    ['test.com:5000', 'docker.io/library/test.com', '5000', null],
    ['test.com/repo:tag', 'test.com/repo', 'tag', null],
    ['test:5000/repo', 'test:5000/repo', null, null],
    ['test:5000/repo:tag', 'test:5000/repo', 'tag', null],
    [`test:5000/repo@sha256:${F64}`, 'test:5000/repo', null, `sha256:${F64}`],
    [`test:5000/repo:tag@sha256:${F64}`, 'test:5000/repo', 'tag', `sha256:${F64}`],
    ['lowercase:Uppercase', 'docker.io/library/lowercase', 'Uppercase', null],
    [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, `docker.io/${'a/'.repeat(127)}a`, 'tag-puts-this-over-max', null],
    ['sub-dom1.foo.com/bar/baz/quux', 'sub-dom1.foo.com/bar/baz/quux', null, null],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com/bar/baz/quux', 'some-long-tag', null],
    ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io/test.example.com/my-app', 'test.example.com', null],
    ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com/myimage', 'xn--n3h.com', null],
    [`xn--7o8h.com/myimage:xn--7o8h.com@sha512:${F128}`, 'xn--7o8h.com/myimage', 'xn--7o8h.com', `sha512:${F128}`],
    ['foo_bar.com:8080', 'docker.io/library/foo_bar.com', '8080', null],
    ['foo/foo_bar.com:8080', 'docker.io/foo/foo_bar.com', '8080', null],
    ['192.168.1.1', 'docker.io/library/192.168.1.1', null, null],
    ['192.168.1.1:tag', 'docker.io/library/192.168.1.1', 'tag', null],
    ['192.168.1.1:5000', 'docker.io/library/192.168.1.1', '5000', null],
    ['192.168.1.1/repo', '192.168.1.1/repo', null, null],
    ['192.168.1.1:5000/repo', '192.168.1.1:5000/repo', null, null],
    ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000/repo', '5050', null],
    ['[2001:db8::1]/repo', '[2001:db8::1]/repo', null, null],
    ['[2001:db8:1:2:3:4:5:6]/repo:tag', '[2001:db8:1:2:3:4:5:6]/repo', 'tag', null],
    ['[2001:db8::1]:5000/repo', '[2001:db8::1]:5000/repo', null, null],
    ['[2001:db8::1]:5000/repo:tag', '[2001:db8::1]:5000/repo', 'tag', null],
    [`[2001:db8::1]:5000/repo@sha256:${F64}`, '[2001:db8::1]:5000/repo', null, `sha256:${F64}`],
    [`[2001:db8::1]:5000/repo:tag@sha256:${F64}`, '[2001:db8::1]:5000/repo', 'tag', `sha256:${F64}`],
    ['[2001:db8::]:5000/repo', '[2001:db8::]:5000/repo', null, null],
    ['[::1]:5000/repo', '[::1]:5000/repo', null, null],
    // A 255-character repository path under a registry host is the longest allowed; the host does not count.
    [`example.com/${'a'.repeat(255)}:tag`, `example.com/${'a'.repeat(255)}`, 'tag', null],
    [`127.0.0.1:5000/${'a'.repeat(100)}/${'b'.repeat(154)}`, `127.0.0.1:5000/${'a'.repeat(100)}/${'b'.repeat(154)}`, null, null],
  ])('accepts %s', (text, name, tag, digest) => {
    expect(parseImageReference(text)).toMatchObject({ name, tag, digest });
  });

  it.each([
    ['', /empty/],
    [':justtag', /no repository name/],
    [`@sha256:${F64}`, /no repository name/],
    ['repo@sha256:' + 'f'.repeat(34), /expected 64 lowercase hex/],
    [`validname@invaliddigest:${F64}`, /unsupported digest algorithm "invaliddigest"/],
    [`validname@sha384:${'f'.repeat(96)}`, /unsupported digest algorithm "sha384"/],
    [`validname@sha512:${F64}`, /expected 128 lowercase hex/],
    ['Uppercase:tag', /lowercase/],
    ['test:5000/Uppercase/lowercase:tag', /lowercase/],
    [`domain/${'a'.repeat(256)}:tag`, /not be longer than 255/],
    [`example.com/${'a'.repeat(256)}`, /not be longer than 255 characters \(this one is 256\)/],
    // Docker Hub's `library/` counts: the path Docker looks up is what is limited.
    ['a'.repeat(250), /not be longer than 255/],
    ['aa/asdf$$^/aa', /bad path component/],
    ['[2001:db8::1]', /invalid/],
    ['[2001:db8::1]:5000', /invalid/],
    ['[2001:db8::1]:tag', /invalid/],
    ['[fe80::1%eth0]:5000/repo', /invalid/],
    ['[fe80::1%@invalidzone]:5000/repo', /invalid/],
  ])('refuses %s', (text, reason) => {
    expect(() => parseImageReference(text)).toThrow(reason);
  });
});
