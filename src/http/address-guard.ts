// SSRF guard: which hosts may be reached, checked on the address actually connected to.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { buildConnector } from 'undici';
import { BlockedHostError } from './errors.js';

/** Resolves a host name to all its addresses (injectable so tests can simulate DNS answers). */
export type DnsLookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemLookup: DnsLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** IPv6 ranges that carry an IPv4 address in their last 32 bits: judge the embedded address. */
const EMBEDS_IPV4 = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052']);

/** True for globally routable unicast addresses; false for private, loopback, link-local etc. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  if (EMBEDS_IPV4.has(range)) {
    const bytes = v6.toByteArray().slice(-4);
    return isPublicAddress(bytes.join('.'));
  }
  return range === 'unicast';
}

/**
 * Hosts listed as insecure (`host:port` or `host`, like FRESHEN_INSECURE_REGISTRIES): they may
 * resolve to private addresses and may be spoken to over plain HTTP. Everything else: https and
 * public addresses only.
 */
export class HostPolicy {
  private readonly listed: Set<string>;

  constructor(insecureHosts: readonly string[] = []) {
    this.listed = new Set(insecureHosts.map((h) => h.trim().toLowerCase()).filter((h) => h !== ''));
  }

  /** `hostname` without brackets; `port` as a number (defaulted by scheme). */
  isListed(hostname: string, port: number): boolean {
    const name = hostname.toLowerCase();
    const bracketed = name.includes(':') ? `[${name}]` : name;
    return this.listed.has(bracketed) || this.listed.has(`${bracketed}:${port}`);
  }

  /** Throws BlockedHostError when the URL's scheme is not allowed for its host. */
  checkScheme(url: URL): void {
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && this.isListed(unbracket(url.hostname), portOf(url))) return;
    throw new BlockedHostError(
      `refusing ${url.protocol}//${url.host}: only https is allowed unless the host is listed as insecure (FRESHEN_INSECURE_REGISTRIES=${url.host})`,
      url.host,
    );
  }
}

/** Parses `host:port,host2` (the FRESHEN_INSECURE_REGISTRIES format) into a list. */
export function parseHostList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'http:' ? 80 : 443;
}

/** Resolves a host and returns the address to connect to, or throws when it is not allowed. */
export async function resolveAllowedAddress(
  hostname: string,
  port: number,
  policy: HostPolicy,
  lookup: DnsLookup,
): Promise<string> {
  const hostPort = `${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
  const addresses = isIP(hostname) ? [{ address: hostname }] : await lookup(hostname);
  const first = addresses[0];
  if (!first) throw new BlockedHostError(`${hostPort}: the name resolved to no address`, hostPort);
  if (policy.isListed(hostname, port)) return first.address;
  const blocked = addresses.find((a) => !isPublicAddress(a.address));
  if (blocked) {
    throw new BlockedHostError(
      `refusing to connect to ${hostPort}: it resolves to ${blocked.address}, a private, loopback or otherwise non-public address; list it in FRESHEN_INSECURE_REGISTRIES to allow it`,
      hostPort,
    );
  }
  return first.address;
}

/**
 * An undici connector that checks the resolved address before connecting and then connects to
 * exactly that address, so a second DNS answer cannot swap in a private one.
 */
export function guardedConnector(
  policy: HostPolicy,
  lookup: DnsLookup,
  connectTimeoutMs: number,
): buildConnector.connector {
  const connect = buildConnector({ timeout: connectTimeoutMs });
  return (options, callback) => {
    const hostname = unbracket(options.hostname);
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    resolveAllowedAddress(hostname, port, policy, lookup).then(
      // `host` keeps the original name, so TLS still verifies the certificate against it.
      (address) => connect({ ...options, hostname: address }, callback),
      (err: Error) => callback(err, null),
    );
  };
}
