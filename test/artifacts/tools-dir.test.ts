// Where tools run and are kept: never under the shared temp directory, whose parent folders yarn, npm and pnpm read config files from.
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolsDirOf, toolWorkDir } from '../../src/artifacts/tools-dir.js';

describe('tool directories', () => {
  it('default to the worker user\'s cache, not the temp directory', async () => {
    const saved = process.env.XDG_CACHE_HOME;
    delete process.env.XDG_CACHE_HOME;
    try {
      expect(toolsDirOf({})).toBe(join(homedir(), '.cache', 'freshen', 'tools'));
      const dir = await toolWorkDir({}, 'check-');
      try {
        expect(dirname(dir)).toBe(join(homedir(), '.cache', 'freshen', 'work'));
        expect(dir.startsWith(tmpdir() + '/')).toBe(false);
        expect(statSync(dir).mode & 0o077).toBe(0);
        expect(statSync(dirname(dir)).mode & 0o077).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      if (saved !== undefined) process.env.XDG_CACHE_HOME = saved;
    }
  });

  it('follow the operator\'s FRESHEN_TOOLS_DIR and FRESHEN_WORK_DIR', async () => {
    const base = join(tmpdir(), `freshen-work-${process.pid}`);
    expect(toolsDirOf({ FRESHEN_TOOLS_DIR: '/srv/tools' })).toBe('/srv/tools');
    const dir = await toolWorkDir({ FRESHEN_WORK_DIR: base }, 'x-');
    try {
      expect(dirname(dir)).toBe(base);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
