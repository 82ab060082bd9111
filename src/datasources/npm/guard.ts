// Makes npm-registry-fetch's own HTTP stack obey the host policy, on every request and redirect.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { HostPolicy, isPublicAddress, portOf, resolveAllowedAddress, unbracket, type DnsLookup } from '../../http/address-guard.js';
import { BlockedHostError } from '../../http/errors.js';

/** What minipass-fetch accepts as `agent`: asked once per request URL, redirects included. */
export type AgentForUrl = (url: URL) => HttpAgent;

/**
 * An agent chooser for npm-registry-fetch: plain HTTP only to listed hosts, and a DNS lookup that
 * refuses private addresses and hands the socket exactly the address it checked (no rebinding).
 * IP literals never reach a lookup, so they are judged here.
 */
export function guardedNpmAgent(policy: HostPolicy, lookup: DnsLookup): AgentForUrl {
  const agents = new Map<string, HttpAgent>();
  return (url) => {
    policy.checkScheme(url);
    const hostname = unbracket(url.hostname);
    const port = portOf(url);
    if (isIP(hostname) && !policy.isListed(hostname, port) && !isPublicAddress(hostname)) {
      throw new BlockedHostError(
        `refusing to connect to ${url.host}: ${hostname} is a private, loopback or otherwise non-public address; list it in FRESHEN_INSECURE_REGISTRIES to allow it`,
        url.host,
      );
    }
    const key = `${url.protocol}//${url.host}`;
    let agent = agents.get(key);
    if (!agent) {
      const options = { keepAlive: true, lookup: checkedLookup(policy, lookup, port) };
      agent = url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
      agents.set(key, agent);
    }
    return agent;
  };
}

function checkedLookup(policy: HostPolicy, lookup: DnsLookup, port: number): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowedAddress(unbracket(hostname), port, policy, lookup).then(
      (address) => {
        const family = isIP(address);
        if (options.all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}
