// Alpine's published release data (releases.json): each release branch and when it reaches end of life.
import { z } from 'zod';

export interface AlpineBranch {
  /** `v3.20`. */
  branch: string;
  /** YYYY-MM-DD, or null (edge). */
  eol: string | null;
}

const releasesJson = z.object({
  release_branches: z.array(z.object({ rel_branch: z.string(), eol_date: z.string().nullish() })),
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseAlpineReleases(text: string): AlpineBranch[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('the Alpine release data is not JSON');
  }
  const parsed = releasesJson.safeParse(raw);
  if (!parsed.success) throw new Error('the Alpine release data has no release_branches list');
  return parsed.data.release_branches
    .filter((b) => /^(v\d{1,3}\.\d{1,3}|edge)$/.test(b.rel_branch))
    .map((b) => ({ branch: b.rel_branch, eol: b.eol_date && DATE.test(b.eol_date) ? b.eol_date : null }));
}

/** os-release `VERSION_ID` 3.20.3 → branch `v3.20`; null for anything else (edge writes `3.21_alpha…`). */
export function alpineBranchOf(release: string | null): string | null {
  const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(release ?? '');
  return m ? `v${m[1]}.${m[2]}` : null;
}
