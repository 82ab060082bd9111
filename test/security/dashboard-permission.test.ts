// Dashboard ticks act only for people GitHub says may write, asked at the time; everyone else gets nothing done.
import { describe, expect, it } from 'vitest';
import { handleDashboardEdit, type DashboardEdit } from '../../src/dashboard/ticks.js';
import type { CollaboratorPermission } from '../../src/commands/permission.js';
import { STATUS_MARKER } from '../../src/rebuild/status-issue.js';

const box = (ticked: boolean) => `${STATUS_MARKER}\n- [${ticked ? 'x' : ' '}] <!-- freshen:open:0123456789ab --> node 20 → 22\n`;

function edit(editor: { login: string; type: string }): DashboardEdit {
  return { body: box(true), previousBody: box(false), author: { login: 'freshen[bot]', type: 'Bot' }, appSlug: 'freshen', editor };
}

function deps(answer: (login: string) => Promise<CollaboratorPermission>) {
  const asked: string[] = [];
  const queued: string[][] = [];
  return {
    asked,
    queued,
    permission: async (login: string) => {
      asked.push(login);
      return answer(login);
    },
    enqueue: async (keys: string[]) => void queued.push(keys),
  };
}

describe('dashboard ticks and permission', () => {
  it('a user GitHub does not know as a collaborator (404) is refused, not an unhandled failure', async () => {
    const d = deps(async () => Promise.reject(Object.assign(new Error('Not Found'), { status: 404 })));
    const outcome = await handleDashboardEdit(edit({ login: 'stranger', type: 'User' }), d);
    expect(outcome).toEqual({ action: 'refused', login: 'stranger', role: 'none', keys: ['0123456789ab'] });
    expect(d.queued).toEqual([]);
  });

  it.each([['read'], ['triage']])('a %s user is refused and nothing is queued', async (role) => {
    const d = deps(async () => ({ permission: 'read', role_name: role }));
    expect((await handleDashboardEdit(edit({ login: 'viewer', type: 'User' }), d)).action).toBe('refused');
    expect(d.asked).toEqual(['viewer']);
    expect(d.queued).toEqual([]);
  });

  it('a bot editing the dashboard gets nothing done, and GitHub is not even asked', async () => {
    const d = deps(async () => ({ permission: 'admin' }));
    expect((await handleDashboardEdit(edit({ login: 'other-app[bot]', type: 'Bot' }), d)).action).toBe('none');
    expect(d.asked).toEqual([]);
    expect(d.queued).toEqual([]);
  });

  it('other failures of the permission check are not taken as a yes', async () => {
    const d = deps(async () => Promise.reject(Object.assign(new Error('Server Error'), { status: 502 })));
    await expect(handleDashboardEdit(edit({ login: 'alice', type: 'User' }), d)).rejects.toThrow('Server Error');
    expect(d.queued).toEqual([]);
  });

  it('a writer ticking a box queues it', async () => {
    const d = deps(async () => ({ permission: 'write', role_name: 'write' }));
    expect(await handleDashboardEdit(edit({ login: 'alice', type: 'User' }), d)).toEqual({ action: 'queued', keys: ['0123456789ab'] });
    expect(d.queued).toEqual([['0123456789ab']]);
  });
});
