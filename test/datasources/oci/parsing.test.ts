import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../../../src/datasources/oci/auth.js';
import { registryFromAuthKey } from '../../../src/datasources/oci/credentials.js';
import { parseManifest, parsePlatform, selectPlatform, type IndexManifest } from '../../../src/image/manifest.js';
import { parseRepositoryName } from '../../../src/datasources/oci/registry-name.js';
import { nextLink } from '../../../src/datasources/oci/tags.js';

describe('parseRepositoryName', () => {
  it.each([
    ['docker.io/library/node', 'docker.io', 'registry-1.docker.io', 'library/node'],
    ['node', 'docker.io', 'registry-1.docker.io', 'library/node'],
    ['bitnami/redis', 'docker.io', 'registry-1.docker.io', 'bitnami/redis'],
    ['index.docker.io/library/alpine', 'docker.io', 'registry-1.docker.io', 'library/alpine'],
    ['ghcr.io/org/tool', 'ghcr.io', 'ghcr.io', 'org/tool'],
    ['127.0.0.1:5000/team/app', '127.0.0.1:5000', '127.0.0.1:5000', 'team/app'],
    ['localhost/app', 'localhost', 'localhost', 'app'],
  ])('%s → %s %s %s', (depName, registry, apiHost, repository) => {
    expect(parseRepositoryName(depName)).toEqual({ registry, apiHost, repository });
  });

  it('refuses names with a tag or digest left on, and uppercase paths', () => {
    expect(() => parseRepositoryName('node@sha256:abc')).toThrow(/invalid image name/);
    expect(() => parseRepositoryName('ghcr.io/Org/tool')).toThrow(/lowercase/);
  });
});

describe('registryFromAuthKey (Docker config.json keys)', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['https://ghcr.io', 'ghcr.io'],
    ['http://127.0.0.1:5000/v2/', '127.0.0.1:5000'],
  ])('%s → %s', (key, registry) => {
    expect(registryFromAuthKey(key)).toBe(registry);
  });
});

describe('parseChallenge', () => {
  it('reads bearer parameters, including a quoted scope with commas', () => {
    expect(
      parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push",error="insufficient_scope"'),
    ).toEqual({ scheme: 'bearer', realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push', error: 'insufficient_scope' });
  });

  it('reads basic, and treats missing or unknown challenges as none', () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', realm: 'Registry Realm' });
    expect(parseChallenge(undefined)).toEqual({ scheme: 'none' });
    expect(parseChallenge('Bearer service="x"')).toEqual({ scheme: 'none' });
  });
});

describe('nextLink', () => {
  it.each([
    ['</v2/a/tags/list?last=b&n=2>; rel="next"', '/v2/a/tags/list?last=b&n=2'],
    ['<https://r.example/v2/a/tags/list?last=b>; rel=next', 'https://r.example/v2/a/tags/list?last=b'],
    ['</first>; rel="prev", </second>; rel="next"', '/second'],
    ['</only>; rel="prev"', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(nextLink(header)).toBe(expected);
  });
});

describe('parseManifest', () => {
  const digest = 'sha256:' + 'a'.repeat(64);

  it('reads an OCI index with platforms', () => {
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 10, platform: { os: 'linux', architecture: 'arm64' } },
        ],
      }),
    );
    const manifest = parseManifest(body, undefined, 'sha256:' + 'b'.repeat(64)) as IndexManifest;
    expect(manifest.kind).toBe('index');
    expect(manifest.manifests[0]!.platform).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(selectPlatform(manifest, parsePlatform('linux/arm64/v8'))?.digest).toBe(digest);
    expect(selectPlatform(manifest, parsePlatform('linux/amd64'))).toBeUndefined();
  });

  it('takes the media type from Content-Type when the body has none (Docker v2)', () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest, size: 1 }, layers: [] }));
    const manifest = parseManifest(body, 'application/vnd.docker.distribution.manifest.v2+json', digest);
    expect(manifest).toMatchObject({ kind: 'image', mediaType: 'application/vnd.docker.distribution.manifest.v2+json' });
  });

  it('says what is wrong with a broken manifest', () => {
    expect(() => parseManifest(Buffer.from('{'), undefined, digest)).toThrow(/not valid JSON/);
    expect(() => parseManifest(Buffer.from('{"schemaVersion":1,"fsLayers":[]}'), undefined, digest)).toThrow(/schemaVersion/);
    expect(() => parsePlatform('linux')).toThrow(/os\/architecture/);
  });
});
