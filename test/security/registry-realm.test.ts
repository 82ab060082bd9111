// A registry's token realm is chosen by whoever answers for it: that registry's credentials never go to an unrelated host.
import { afterEach, describe, expect, it } from 'vitest';
import { realmMayReceiveCredentials } from '../../src/datasources/oci/auth.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('token realm and credentials', () => {
  it('keeps credentials within the registry host or its parent domain', () => {
    const realm = (href: string) => new URL(href);
    expect(realmMayReceiveCredentials('registry-1.docker.io', realm('https://auth.docker.io/token'))).toBe(true);
    expect(realmMayReceiveCredentials('registry.gitlab.com', realm('https://gitlab.com/jwt/auth'))).toBe(true);
    expect(realmMayReceiveCredentials('ghcr.io', realm('https://ghcr.io/token'))).toBe(true);
    expect(realmMayReceiveCredentials('127.0.0.1:5000', realm('http://127.0.0.1:5001/token'))).toBe(true);
    expect(realmMayReceiveCredentials('ghcr.io', realm('https://attacker.example/token'))).toBe(false);
    expect(realmMayReceiveCredentials('ghcr.io', realm('https://ghcr.io.attacker.example/token'))).toBe(false);
    expect(realmMayReceiveCredentials('registry.corp.example', realm('https://corp.example.attacker.example/t'))).toBe(false);
    expect(realmMayReceiveCredentials('127.0.0.1:5000', realm('http://localhost:5001/token'))).toBe(false);
  });

  it('refuses to send a registry credential to a realm on another host; the realm never hears from us', async () => {
    const realm = await startLoopbackServer((_req, res) => void res.end(JSON.stringify({ token: 't' })));
    servers.push(realm);
    const registry = await startLoopbackServer((_req, res) =>
      void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://localhost:${realm.port}/token",service="r"` }).end(),
    );
    servers.push(registry);
    const client = createOciClient({
      insecureRegistries: [registry.host, `localhost:${realm.port}`],
      credentials: { [registry.host]: { username: 'ci', password: 'REGISTRY-PASSWORD-789' } },
    });
    await expect(client.getTags(`${registry.host}/team/app`)).rejects.toThrow(/neither that registry's host nor in its domain/);
    expect(realm.requests).toEqual([]);
  });
});
