import { describe, expect, it } from 'vitest';
import { checkCommandPermission, decidePermission } from '../../src/commands/permission.js';

describe('decidePermission', () => {
  it.each<[string, string | undefined, boolean]>([
    ['admin', 'admin', true],
    ['write', 'maintain', true], // GitHub's legacy field shows maintain as write
    ['write', 'write', true],
    ['read', 'triage', false], // and triage as read
    ['read', 'read', false],
    ['none', undefined, false],
    ['write', 'release-manager', true], // a custom role based on write
    ['read', 'auditor', false],
  ])('permission %s, role %s → allowed %s', (permission, role, allowed) => {
    expect(decidePermission('bob', { permission, role_name: role ?? null }).allowed).toBe(allowed);
  });

  it('refuses politely, naming who can run commands and the role seen', () => {
    const decision = decidePermission('bob', { permission: 'read', role_name: 'triage' });
    expect(decision.refusal).toContain('@bob');
    expect(decision.refusal).toContain('write, maintain or admin');
    expect(decision.refusal).toContain('triage');
    expect(decidePermission('amy', { permission: 'admin', role_name: 'admin' }).refusal).toBeUndefined();
  });
});

describe('checkCommandPermission', () => {
  it('asks GitHub for the commenter', async () => {
    const asked: string[] = [];
    const decision = await checkCommandPermission(async (login) => {
      asked.push(login);
      return { permission: 'write', role_name: 'maintain' };
    }, 'carol');
    expect(asked).toEqual(['carol']);
    expect(decision).toEqual({ allowed: true, role: 'maintain' });
  });

  it('treats "not a collaborator" (404) as no permission', async () => {
    const decision = await checkCommandPermission(async () => {
      throw Object.assign(new Error('Not Found'), { status: 404 });
    }, 'dave');
    expect(decision.allowed).toBe(false);
    expect(decision.role).toBe('none');
  });

  it('lets other failures through so the job retries', async () => {
    await expect(
      checkCommandPermission(async () => {
        throw Object.assign(new Error('Bad gateway'), { status: 502 });
      }, 'erin'),
    ).rejects.toThrow('Bad gateway');
  });
});
