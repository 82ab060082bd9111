// `.github/freshen.yml` and the files it `_extends` are written by whoever can push: read through a size cap, parsed in linear time.
import { describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../src/github/repo-config-loader.js';
import type { GitHub } from '../../src/github/types.js';

const repo = { installationId: 1, repoId: 2, owner: 'acme', repo: 'app' };
const MB = 1024 * 1024;

/** GitHub's contents API as it answers: JSON with the size, base64 content only up to 1 MB. */
function contentsApi(files: Record<string, string>): { gh: GitHub; asked: string[] } {
  const asked: string[] = [];
  const request = async (route: string, params: { owner: string; repo: string; path: string; mediaType?: unknown }) => {
    const key = `${params.owner}/${params.repo}:${params.path}`;
    asked.push(`${route} ${key}${params.mediaType ? ' raw' : ''}`);
    const text = files[key];
    if (text === undefined) throw Object.assign(new Error('Not Found'), { status: 404 });
    const size = Buffer.byteLength(text);
    const content = size <= MB ? Buffer.from(text).toString('base64') : '';
    return { data: { type: 'file', size, encoding: size <= MB ? 'base64' : 'none', content } };
  };
  return { gh: { request } as unknown as GitHub, asked };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('hostile config files', () => {
  it('a 100 MB config is one located problem, and its bytes are never downloaded', async () => {
    const { gh, asked } = contentsApi({ 'acme/app:.github/freshen.yml': `labels: [${'"x",'.repeat(25 * MB)}]\n` });
    const { value, ms } = await timed(() => loadRepoConfig(gh, repo));
    expect(value).toEqual({ ok: false, problems: [{ file: '.github/freshen.yml', path: '', message: expect.stringMatching(/^larger than 262144 bytes \(\d+ bytes\); not read$/) }] });
    expect(asked.every((a) => !a.endsWith(' raw'))).toBe(true);
    expect(ms).toBeLessThan(2000);
  });

  it('30,000 distinct keys in one mapping (the YAML library checks each against every earlier one: 10 s) load in linear time', async () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `  k${i}: x`).join('\n');
    const { gh } = contentsApi({ 'acme/app:.github/freshen.yml': `osMirrors:\n${keys}\n` });
    const { value, ms } = await timed(() => loadRepoConfig(gh, repo));
    expect(value.ok).toBe(false);
    expect(ms).toBeLessThan(3000);
  });

  it('nesting past the cap and too many aliases are located problems', async () => {
    const deep = contentsApi({ 'acme/app:.github/freshen.yml': `labels: ${'['.repeat(100_000)}\n` });
    expect(await loadRepoConfig(deep.gh, repo)).toEqual({ ok: false, problems: [{ file: '.github/freshen.yml', path: '', line: 1, message: 'nested more than 64 levels deep; not read' }] });
    const aliases = contentsApi({ 'acme/app:.github/freshen.yml': `a: &a [x]\nlabels: [${'*a,'.repeat(50_000)}]\n` });
    expect(await loadRepoConfig(aliases.gh, repo)).toEqual({ ok: false, problems: [{ file: '.github/freshen.yml', path: '', message: 'invalid YAML: more than 100 aliases' }] });
  });

  it('an _extends chain is followed as the plugin follows it, stops at a loop and after 10 files', async () => {
    const fine = contentsApi({ 'acme/app:.github/freshen.yml': '_extends: .github\nlabels: [mine]\n', 'acme/.github:.github/freshen.yml': 'prLimit: 2\nlabels: [theirs]\n' });
    const merged = await loadRepoConfig(fine.gh, repo);
    expect(merged.ok && { labels: merged.config.labels, prLimit: merged.config.prLimit }).toEqual({ labels: ['mine'], prLimit: 2 });

    const loop = contentsApi({ 'acme/app:.github/freshen.yml': '_extends: other\n', 'acme/other:.github/freshen.yml': '_extends: app\n' });
    expect(await loadRepoConfig(loop.gh, repo)).toEqual({ ok: false, problems: [{ file: 'acme/other:.github/freshen.yml', path: '', message: '_extends: "app" was already read (a loop)' }] });

    const chain: Record<string, string> = { 'acme/app:.github/freshen.yml': '_extends: r0\n' };
    for (let i = 0; i < 50; i++) chain[`acme/r${i}:.github/freshen.yml`] = `_extends: r${i + 1}\n`;
    const long = contentsApi(chain);
    const result = await loadRepoConfig(long.gh, repo);
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual(['_extends: more than 10 files in a row']);
    expect(long.asked).toHaveLength(11);
  });
});
