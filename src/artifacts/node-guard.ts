// The SSRF guard for Node tool child processes (npm, yarn, pnpm): a preload script refusing non-public addresses.

/**
 * npm runs as a child process with its own HTTP stack, so our guarded agent cannot reach it. This
 * script, preloaded with `--require`, refuses connections to private, loopback, link-local and
 * other non-public addresses (after DNS, and for IP literals) unless the host is listed in
 * FRESHEN_GUARD_ALLOWED (`host` or `host:port`, comma-separated). It is plain CommonJS so the
 * child can load it from a temp file whatever our build output looks like.
 */
export const NPM_CHILD_GUARD = String.raw`'use strict';
const dns = require('node:dns');
const net = require('node:net');
// Entries are host or host:port ([v6]:port); the guard works per host, which is what DNS sees.
const hostOf = (entry) => entry.startsWith('[') ? entry.slice(1, entry.indexOf(']')) : (entry.split(':').length === 2 ? entry.split(':')[0] : entry);
const allowed = new Set((process.env.FRESHEN_GUARD_ALLOWED || '').split(',').map((s) => hostOf(s.trim().toLowerCase())).filter(Boolean));
const blocked = new net.BlockList();
for (const [net4, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]]) blocked.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['::ffff:0:0', 96], ['64:ff9b::', 96]]) blocked.addSubnet(net6, bits, 'ipv6');
const isAllowed = (host) => allowed.has(String(host).toLowerCase());
const isBlocked = (address) => { const family = net.isIP(address); return family !== 0 && blocked.check(address, family === 6 ? 'ipv6' : 'ipv4'); };
const refuse = (host) => Object.assign(new Error('freshen: refusing to connect to ' + host + ': not a public address (list it in FRESHEN_INSECURE_REGISTRIES)'), { code: 'EFRESHENBLOCKED' });
const originalLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (typeof options === 'number') options = { family: options };
  return originalLookup.call(dns, hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err);
    if (!isAllowed(hostname) && addresses.some((a) => isBlocked(a.address))) return callback(refuse(hostname));
    if (options && options.all) return callback(null, addresses);
    const first = addresses[0];
    return callback(null, first.address, first.family);
  });
};
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const options = args[0] && typeof args[0] === 'object' ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  const host = options && (options.host || options.hostname);
  if (host && net.isIP(host) && isBlocked(host) && !isAllowed(host)) {
    process.nextTick(() => this.destroy(refuse(host)));
    return this;
  }
  return originalConnect.apply(this, args);
};
`;
