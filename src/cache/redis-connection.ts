// Redis connections for a single node (REDIS_URL), Sentinel (REDIS_SENTINELS) or Cluster (REDIS_CLUSTER_NODES).
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; password?: string | undefined }
  | { kind: 'cluster'; nodes: HostPort[]; password?: string | undefined };

/** `host:port,host:port` → entries; throws naming the bad entry. */
export function parseHostList(text: string, variable: string): HostPort[] {
  const entries = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error(`${variable}: expected host:port,host:port`);
  return entries.map((entry) => {
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) throw new Error(`${variable}: "${entry}" is not host:port`);
    return { host: match[1]!, port };
  });
}

/**
 * BullMQ on a cluster needs all of a queue's keys in one hash slot: the prefix is wrapped in a
 * hash tag (`{freshen}`). Single node and Sentinel keep the plain prefix.
 */
export function keyPrefixFor(target: RedisTarget, prefix: string): string {
  return target.kind === 'cluster' ? `{${prefix}}` : prefix;
}

/**
 * A connection to the target. For Cluster the result is an ioredis Cluster, which answers the
 * same commands; Freshen's keys share one hash tag (see keyPrefixFor), so multi-key commands work.
 */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  switch (target.kind) {
    case 'single':
      return new Redis(target.url, options);
    case 'sentinel':
      return new Redis({ ...options, sentinels: target.sentinels, name: target.name, password: target.password, sentinelPassword: target.password });
    case 'cluster': {
      const { keyPrefix, ...nodeOptions } = options;
      const cluster = new Cluster(target.nodes, {
        keyPrefix,
        redisOptions: { ...nodeOptions, password: target.password },
      });
      return cluster as unknown as Redis;
    }
  }
}
