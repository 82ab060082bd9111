// PR bodies: fixed section order, and trimming to GitHub's limit section by section, never mid-markup.
import { describe, expect, it } from 'vitest';
import type { PlannedUpdate } from '../../src/engine/types.js';
import { GITHUB_BODY_LIMIT } from '../../src/render/body.js';
import { parseMarker, proposalKey, renderBody, toProposed } from '../../src/render/pr.js';
import { containMarkdown } from '../../src/render/sections.js';
import { exampleUpdates } from './example.js';

/** Every opening tag closed, code fences paired, tables intact, the marker readable. */
function expectWellFormed(body: string): void {
  expect(body.split('<details>').length).toBe(body.split('</details>').length);
  expect(body.split('<summary>').length).toBe(body.split('</summary>').length);
  expect(body.split('\n').filter((l) => /^\s*```/.test(l)).length % 2).toBe(0);
  for (const line of body.split('\n').filter((l) => l.startsWith('|'))) expect(line.endsWith('|')).toBe(true);
  expect(parseMarker(body)).not.toBeNull();
}

function hugeImageUpdate(n: number, packages: number): PlannedUpdate {
  const [image] = exampleUpdates();
  const rows = Array.from({ length: packages }, (_, i) => `| \`lib${n}-${i}\` | upgraded | \`1.0-${i}\` | \`1.1-${i}\` |  |`);
  const markdown = ['summary', '', '<details>', '<summary>Package changes</summary>', '', '| Package | Change | Before | After | Links |', '| --- | --- | --- | --- | --- |', ...rows, '', '</details>'].join('\n');
  const whatChanged = { ...image!.extra!.whatChanged!, markdown, summaryMarkdown: 'summary only' };
  return { ...image!, depName: `docker.io/library/img${n}`, to: `img${n}:2`, extra: { ...image!.extra, whatChanged } };
}

describe('PR body', () => {
  it('puts sections in a fixed order: table, images, release notes, notes, configuration, marker', () => {
    const updates = exampleUpdates();
    updates[0]!.notes = ['broken pin: the next build fails'];
    const body = renderBody('container-images', updates.map(toProposed), updates);
    const order = ['| Dependency |', '### What changed in `debian`', '**Vulnerabilities fixed (2)**', '### Release notes of `express`', '### Notes', '### Configure', '<!-- freshen:'];
    const positions = order.map((s) => body.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(body).toContain('| `debian` | `Dockerfile` |');
    expect(body).toContain('| digest 🔒 |');
    expect(body).toContain('[Compare](https://github.com/expressjs/express/compare/4.19.1...4.19.2)');
    expect(body).not.toContain('shortened');
    expectWellFormed(body);
  });

  it('trims the largest sections first, to a summary, then a note, then out; never mid-markup', () => {
    const updates = [hugeImageUpdate(1, 1500), hugeImageUpdate(2, 40), ...exampleUpdates().slice(1)];
    const proposed = updates.map(toProposed);
    const full = renderBody('g', proposed, updates, Number.MAX_SAFE_INTEGER);
    expect(full.length).toBeGreaterThan(GITHUB_BODY_LIMIT);
    const body = renderBody('g', proposed, updates);
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body).toContain("shortened to stay within GitHub's 65,536-character limit");
    // The huge one lost its package list; the small one kept it.
    expect(body).not.toContain('lib1-0');
    expect(body).toContain('lib2-39');
    expect(proposalKey(parseMarker(body)!.updates)).toBe(proposalKey(proposed));
    expectWellFormed(body);
    for (const limit of [20_000, 5_000, 2_500]) {
      const small = renderBody('g', proposed, updates, limit);
      expect(small.length).toBeLessThanOrEqual(limit);
      expectWellFormed(small);
    }
  });

  it('drops whole table rows as a last resort', () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ ...exampleUpdates()[1]!, depName: `package-number-${i}`, to: `1.0.${i}`, extra: {} }));
    // The hidden marker lists every update and is always kept; the rows go to make room.
    const limit = renderBody('g', many.map(toProposed), many, Number.MAX_SAFE_INTEGER).length - 5_000;
    const body = renderBody('g', many.map(toProposed), many, limit);
    expect(body.length).toBeLessThanOrEqual(limit);
    expect(body).toMatch(/…and \d+ more updates \(see the commit\)\./);
    expect(parseMarker(body)).not.toBeNull();
  });

  it('keeps foreign release notes from breaking the body', () => {
    expect(containMarkdown('```js\nconst a = 1;')).toBe('```js\nconst a = 1;\n```');
    expect(containMarkdown('</details><summary>x</summary>')).toBe('&lt;/details>&lt;summary>x&lt;/summary>');
  });
});
