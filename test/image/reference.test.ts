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
