// applyUpdates where one edit changes several dependencies (an ARG default used by several FROM lines).
import { describe, expect, it } from 'vitest';
import { applyUpdates } from '../../src/engine/index.js';
import type { PlannedUpdate } from '../../src/engine/types.js';
import { dockerfileManager } from '../../src/managers/dockerfile/index.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function plan(text: string, depIndex: number, newValue: string, newDigest: string | null): PlannedUpdate {
  const dep = dockerfileManager.extract(text, 'Dockerfile').deps[depIndex]!;
  const to = `${dep.depName}:${newValue}${newDigest ? `@${newDigest}` : ''}`;
  return { manager: 'dockerfile', file: 'Dockerfile', line: dep.line, depName: dep.depName, depIndex, newValue, newDigest, updateType: 'minor', from: dep.reference!, to };
}

describe('applyUpdates with a shared ARG', () => {
  it('refuses an edit that would move another image to a value nobody planned, and undoes nothing already written', () => {
    const text = 'ARG V=20.11\nFROM registry.test/a:$V\nFROM registry.test/b:$V\n';
    const result = applyUpdates(new Map([['Dockerfile', text]]), [plan(text, 0, '22.1', D1), plan(text, 1, '20.12', D2)]);
    expect(result.applied).toEqual([]);
    expect(result.files.size).toBe(0);
    expect(result.errors.map((e) => [e.line, e.message])).toEqual([
      [2, expect.stringMatching(/shared with registry\.test\/b:20\.11 \(line 3\), which it would turn into registry\.test\/b:22\.1/)],
      [3, expect.stringMatching(/shared with registry\.test\/a:20\.11 \(line 2\), which it would turn into registry\.test\/a:20\.12/)],
    ]);
  });

  it('writes an edit that takes every image sharing the ARG to its own planned value', () => {
    const text = 'ARG V=20.11\nFROM registry.test/a:$V\nARG V\nCOPY --from=registry.test/a:$V /x /y\nFROM registry.test/b:$V-alpine\n';
    const updates = [plan(text, 0, '20.12', D1), plan(text, 1, '20.12', D1), plan(text, 2, '20.12-alpine', D2)];
    const result = applyUpdates(new Map([['Dockerfile', text]]), updates);
    expect(result.errors).toEqual([]);
    expect(result.files.get('Dockerfile')).toBe(
      `ARG V=20.12\nFROM registry.test/a:$V@${D1}\nARG V\nCOPY --from=registry.test/a:$V@${D1} /x /y\nFROM registry.test/b:$V-alpine@${D2}\n`,
    );
  });

  it('refuses an edit that drags along an image with no update planned', () => {
    const text = 'ARG V=20.11\nFROM registry.test/a:$V\nFROM registry.test/b:$V\n';
    const result = applyUpdates(new Map([['Dockerfile', text]]), [plan(text, 0, '20.12', null)]);
    expect(result.applied).toEqual([]);
    expect(result.errors[0]?.message).toMatch(/shared with registry\.test\/b:20\.11/);
  });
});
