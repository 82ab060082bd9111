// Test helpers for the rebuild process: Redis connections with a private key prefix, a recording dispatcher.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Redis } from 'ioredis';
import type { DispatchPort } from '../../src/rebuild/dispatch.js';
import type { RepoRef } from '../../src/rebuild/types.js';

const open: Redis[] = [];

/** A new connection to the test run's Redis. */
export function connect(): Redis {
  const redis = new Redis(inject('redisUrl'), { lazyConnect: false });
  open.push(redis);
  return redis;
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map(async (r) => r.disconnect()));
}

export function uniquePrefix(): string {
  return `test:${randomUUID()}:`;
}

export const repo: RepoRef = { id: 4242, owner: 'acme', name: 'app' };

export interface RecordedDispatch {
  kind: 'workflow_dispatch' | 'repository_dispatch';
  repo: RepoRef;
  target: string;
  ref?: string;
  payload: Record<string, unknown>;
}

/** Records dispatches like GitHub would; `refuse` makes the next calls fail as GitHub's 422 does. */
export function recordingDispatcher(): DispatchPort & { sent: RecordedDispatch[]; refuse: string | null } {
  const state = {
    sent: [] as RecordedDispatch[],
    refuse: null as string | null,
    async createWorkflowDispatch(r: RepoRef, workflow: string, ref: string, inputs: Record<string, string>) {
      if (state.refuse) throw Object.assign(new Error(state.refuse), { status: 422 });
      state.sent.push({ kind: 'workflow_dispatch', repo: r, target: workflow, ref, payload: inputs });
    },
    async createRepositoryDispatch(r: RepoRef, eventType: string, clientPayload: Record<string, unknown>) {
      if (state.refuse) throw Object.assign(new Error(state.refuse), { status: 422 });
      state.sent.push({ kind: 'repository_dispatch', repo: r, target: eventType, payload: clientPayload });
    },
  };
  return state;
}
