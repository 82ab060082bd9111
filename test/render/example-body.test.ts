// The README's example PR body is rendered by this test; a stale copy fails it. Refresh with:
//   FRESHEN_UPDATE_EXAMPLE=1 npx vitest run test/render/example-body.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderBody, toProposed } from '../../src/render/pr.js';
import { exampleUpdates } from './example.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DOC = `${root}docs/example-pr-body.md`;
const README = `${root}README.md`;
const START = '<!-- example-pr-body:start -->';
const END = '<!-- example-pr-body:end -->';
const HINT = 'run `FRESHEN_UPDATE_EXAMPLE=1 npx vitest run test/render/example-body.test.ts` to refresh it';

function rendered(): string {
  const updates = exampleUpdates();
  return renderBody('container-images', updates.map(toProposed), updates) + '\n';
}

function readmeWith(readme: string, body: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  return readme.slice(0, start + START.length) + '\n' + body + readme.slice(end);
}

describe('example PR body', () => {
  it('docs/example-pr-body.md and the README block are what the renderer produces today', () => {
    const body = rendered();
    if (process.env.FRESHEN_UPDATE_EXAMPLE) {
      writeFileSync(DOC, body);
      writeFileSync(README, readmeWith(readFileSync(README, 'utf8'), body));
    }
    expect(existsSync(DOC), `docs/example-pr-body.md is missing: ${HINT}`).toBe(true);
    expect(readFileSync(DOC, 'utf8'), `docs/example-pr-body.md is stale: ${HINT}`).toBe(body);
    const readme = readFileSync(README, 'utf8');
    expect(readmeWith(readme, body), `the README's example body is stale: ${HINT}`).toBe(readme);
  });
});
