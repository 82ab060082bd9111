// Loads `.github/freshen.yml` through Probot's config plugin (so `_extends` works) and validates it.
import { CONFIG_PATH, parseRepoConfig, type ConfigResult } from '../config/repo-config.js';
import type { GitHub, RepoRef } from './types.js';

export async function loadRepoConfig(gh: GitHub, repo: RepoRef, branch?: string): Promise<ConfigResult> {
  let raw: unknown;
  try {
    const result = await gh.config.get({ owner: repo.owner, repo: repo.repo, path: CONFIG_PATH, branch });
    raw = result.config;
  } catch (err) {
    const problem = describeLoadError(err);
    if (!problem) throw err;
    return { ok: false, problems: [problem] };
  }
  return parseRepoConfig(raw, CONFIG_PATH);
}

/** YAML and shape errors from the plugin become a located problem; other errors (network) are rethrown. */
function describeLoadError(err: unknown): { file: string; path: string; line?: number; message: string } | null {
  if (!(err instanceof Error) || !err.message.includes('[@probot/octokit-plugin-config]')) return null;
  const cause = err.cause as { linePos?: { line: number }[]; message?: string } | undefined;
  const line = cause?.linePos?.[0]?.line;
  const what = /\(([^)]+)\)\s*$/.exec(err.message)?.[1] ?? 'could not be read';
  const detail = cause?.message ? `: ${cause.message.split('\n')[0]}` : '';
  return { file: fileOf(err.message), path: '', ...(line ? { line } : {}), message: `${what}${detail}` };
}

function fileOf(message: string): string {
  // The plugin names the contents URL; an `_extends` target lives in another repository.
  const match = /\/repos\/([^/]+\/[^/]+)\/contents\/(\S+?)(\?|\s|$)/.exec(message);
  if (!match?.[2]) return CONFIG_PATH;
  const path = decodeURIComponent(match[2]);
  return path === CONFIG_PATH ? CONFIG_PATH : `${match[1]}:${path}`;
}
