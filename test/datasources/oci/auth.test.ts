import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOciClient, RegistryError, type OciClientOptions } from '../../../src/datasources/oci/index.js';
import { createHttpClient, type HttpClient } from '../../../src/http/index.js';
import { pushImage, type PushedImage } from '../../support/oci-push.js';
import { requestToken, type IssuedToken } from '../../support/token-server.js';

const basic = inject('basicAuthRegistry');
const token = inject('tokenAuthRegistry');
const repo = (name: string) => `t${randomUUID().slice(0, 8)}/${name}`;
const basicHeader = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

let http: HttpClient;
const tokenServerHost = new URL(token.tokenServerUrl).host;
beforeAll(() => {
  // The token service lives on loopback too, so it must be listed like the registries.
  http = createHttpClient({ insecureHosts: [basic.host, token.host, tokenServerHost], retryBaseMs: 10 });
});
afterAll(() => http.close());

const client = (options: Omit<OciClientOptions, 'http'> = {}) =>
  createOciClient({ http, dockerConfigDir: join(tmpdir(), 'freshen-no-docker-config'), ...options });

describe('basic auth registry', () => {
  const name = repo('private');
  let image: PushedImage;
  beforeAll(async () => {
    image = await pushImage(`http://${basic.host}`, name, '1.0', {}, { authorization: basicHeader(basic.username, basic.password) });
  });

  it('works with credentials from Freshen options', async () => {
    const oci = client({ credentials: { [basic.host]: { username: basic.username, password: basic.password } } });
    expect(await oci.getDigest(`${basic.host}/${name}`, '1.0')).toBe(image.digest);
    expect(await oci.getTags(`${basic.host}/${name}`)).toEqual(['1.0']);
  });

  it('fails clearly without credentials', async () => {
    const err = await client().getDigest(`${basic.host}/${name}`, '1.0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ status: 401 });
    expect((err as Error).message).toMatch(new RegExp(`^${basic.host}/${name}:1.0: asking for the digest failed: the registry answered 401; no credentials are configured for ${basic.host}`));
    const tags = await client().getTags(`${basic.host}/${name}`).catch((e: unknown) => e);
    expect(tags).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('fails clearly with wrong credentials', async () => {
    const oci = client({ credentials: { [basic.host]: { username: basic.username, password: 'wrong' } } });
    await expect(oci.getTags(`${basic.host}/${name}`)).rejects.toThrow(/401 UNAUTHORIZED.*credentials for .* were refused/);
  });

  describe('credentials from DOCKER_CONFIG', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'freshen-docker-config-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a base64 `auth` entry keyed by host:port', async () => {
      const auth = Buffer.from(`${basic.username}:${basic.password}`).toString('base64');
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth } } }));
      expect(await client({ dockerConfigDir: dir }).getDigest(`${basic.host}/${name}`, '1.0')).toBe(image.digest);
    });

    it('reads username/password fields under a URL key', async () => {
      const sub = mkdtempSync(join(dir, 'userpass-'));
      writeFileSync(join(sub, 'config.json'), JSON.stringify({ auths: { [`http://${basic.host}`]: { username: basic.username, password: basic.password } } }));
      expect(await client({ dockerConfigDir: sub }).getDigest(`${basic.host}/${name}`, '1.0')).toBe(image.digest);
    });

    it('lets Freshen options win over Docker config', async () => {
      const auth = Buffer.from(`${basic.username}:${basic.password}`).toString('base64');
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth } } }));
      const oci = client({ dockerConfigDir: dir, credentials: { [basic.host]: { username: basic.username, password: 'wrong' } } });
      await expect(oci.getDigest(`${basic.host}/${name}`, '1.0')).rejects.toThrow(/were refused/);
    });

    it('ignores a broken config.json with a warning instead of failing every lookup', async () => {
      const sub = mkdtempSync(join(dir, 'broken-'));
      writeFileSync(join(sub, 'config.json'), '{ not json');
      const warnings: string[] = [];
      const log = { debug() {}, info() {}, error() {}, warn: (_o: object | string, msg?: string) => void warnings.push(msg ?? '') };
      await expect(client({ dockerConfigDir: sub, log }).getDigest(`${basic.host}/${name}`, '1.0')).rejects.toThrow(/no credentials are configured/);
      expect(warnings.join('\n')).toMatch(/ignoring Docker config: not valid JSON/);
    });
  });
});

describe('token auth registry', () => {
  const user = { username: token.username, password: token.password };
  const a = repo('alpha');
  const b = repo('beta');
  const images: Record<string, PushedImage> = {};

  const issuedFor = async (name: string): Promise<IssuedToken[]> => {
    const log = (await (await fetch(`${token.tokenServerUrl}/log`)).json()) as IssuedToken[];
    return log.filter((t) => t.scopes.some((s) => s.includes(`:${name}:`)));
  };

  beforeAll(async () => {
    for (const name of [a, b]) {
      const push = await requestToken(token.realm, token.service, `repository:${name}:pull,push`, user);
      images[name] = await pushImage(`http://${token.host}`, name, 'stable', { labels: { name } }, { authorization: `Bearer ${push}` });
    }
  });

  it('gets a pull token per repository and reuses it', async () => {
    const oci = client({ credentials: { [token.host]: user } });
    expect(await oci.getDigest(`${token.host}/${a}`, 'stable')).toBe(images[a]!.digest);
    expect(await oci.getTags(`${token.host}/${a}`)).toEqual(['stable']);
    expect((await oci.getImageConfig(`${token.host}/${a}`, 'stable')).labels).toEqual({ name: a });
    expect(await oci.getDigest(`${token.host}/${b}`, 'stable')).toBe(images[b]!.digest);
    const forA = await issuedFor(a);
    const forB = await issuedFor(b);
    const pulls = (issued: IssuedToken[], name: string) => issued.filter((t) => t.scopes.join() === `repository:${name}:pull`);
    expect(pulls(forA, a)).toHaveLength(1);
    expect(pulls(forA, a)[0]).toMatchObject({ user: user.username, granted: [{ name: a, actions: ['pull'] }] });
    expect(pulls(forB, b)).toHaveLength(1);
  });

  it('pulls anonymously where the token service allows it', async () => {
    const open = 'public/open';
    const push = await requestToken(token.realm, token.service, `repository:${open}:pull,push`, user);
    const image = await pushImage(`http://${token.host}`, open, 'latest', { labels: { open: 'yes' } }, { authorization: `Bearer ${push}` });
    expect(await client().getDigest(`${token.host}/${open}`, 'latest')).toBe(image.digest);
  });

  it('fails clearly when an anonymous token does not grant the repository', async () => {
    const before = (await issuedFor(a)).length;
    const err = await client().getDigest(`${token.host}/${a}`, 'stable').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ status: 401 });
    expect((err as Error).message).toMatch(new RegExp(`^${token.host}/${a}:stable: .*answered 401; no credentials are configured for ${token.host}`));
    // One token, then one more after the registry's re-challenge, and no endless loop.
    expect((await issuedFor(a)).length - before).toBe(2);
  });

  it('fails clearly when the token service refuses the credentials', async () => {
    const oci = client({ credentials: { [token.host]: { username: user.username, password: 'wrong' } } });
    await expect(oci.getTags(`${token.host}/${a}`)).rejects.toThrow(/token service of .* answered 401 UNAUTHORIZED .*the credentials were refused/);
  });
});
