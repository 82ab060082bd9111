// app.yml asks for exactly what the app uses: every handled event subscribed, every permission explained in docs/app.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const manifest = parse(readFileSync('app.yml', 'utf8')) as { default_events: string[]; default_permissions: Record<string, string> };
const appSource = readFileSync('src/app.ts', 'utf8');
const docs = readFileSync('docs/app.md', 'utf8');
/** Delivered to every app without subscribing. */
const ALWAYS_DELIVERED = new Set(['installation', 'installation_repositories']);

describe('app.yml', () => {
  it('subscribes to every event the app handles, and to nothing it does not handle', () => {
    const handled = new Set([...appSource.matchAll(/app\.on\('([a-z_]+)/g)].map((m) => m[1]!).filter((e) => !ALWAYS_DELIVERED.has(e)));
    expect([...handled].sort()).toEqual([...manifest.default_events].sort());
  });

  it('explains every permission in docs/app.md at the level asked for', () => {
    const rows = new Map([...docs.matchAll(/^\| ([A-Z][a-z ]+) \| (read|write) \|/gm)].map((m) => [m[1]!.toLowerCase().replace(/ /g, '_'), m[2]!]));
    expect(Object.fromEntries(rows)).toEqual(manifest.default_permissions);
  });
});
