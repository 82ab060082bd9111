// Loads `.github/freshen.yml` through Probot's config plugin (so `_extends` works) and validates it.
import { locateProblems } from '../config/config-file.js';
import { CONFIG_PATH, parseRepoConfig, type ConfigProblem, type ConfigResult } from '../config/repo-config.js';
import type { GitHub, RepoRef } from './types.js';

interface LoadedFile {
  owner: string;
  repo: string;
  path: string;
  config: Record<string, unknown> | null;
}

export async function loadRepoConfig(gh: GitHub, repo: RepoRef, branch?: string): Promise<ConfigResult> {
  let raw: unknown;
  let files: LoadedFile[];
  try {
    const result = await gh.config.get({ owner: repo.owner, repo: repo.repo, path: CONFIG_PATH, branch });
    raw = result.config;
    files = result.files as LoadedFile[];
  } catch (err) {
    const problem = describeLoadError(err);
    if (!problem) throw err;
    return { ok: false, problems: [problem] };
  }
  const parsed = parseRepoConfig(raw, CONFIG_PATH);
  if (parsed.ok) return parsed;
  const located = await locate(gh, repo, branch, files, parsed.problems);
  // The repository's own file first, top to bottom, as `freshen config check` lists them.
  const rank = (p: ConfigProblem) => (p.file === CONFIG_PATH ? 0 : 1);
  return { ok: false, problems: located.sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)) };
}

/**
 * Names the file each problem's top-level key came from (the repository's own file wins the
 * merge), and adds line and column for the repository's own file, read once more as text.
 */
async function locate(gh: GitHub, repo: RepoRef, branch: string | undefined, files: LoadedFile[], problems: ConfigProblem[]): Promise<ConfigProblem[]> {
  const own = files.find((f) => f.owner === repo.owner && f.repo === repo.repo && f.path === CONFIG_PATH && f.config);
  const topKey = (p: ConfigProblem) => /^[^.[]+/.exec(p.path)?.[0];
  const sourceOf = (p: ConfigProblem) => files.find((f) => f.config && Object.hasOwn(f.config, topKey(p) ?? ''));
  const named = problems.map((p) => {
    const from = sourceOf(p);
    return from && from !== own ? { ...p, file: `${from.owner}/${from.repo}:${from.path}` } : p;
  });
  if (!own) return named;
  try {
    const { data } = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: repo.owner, repo: repo.repo, path: CONFIG_PATH, mediaType: { format: 'raw' }, ...(branch ? { ref: branch } : {}),
    });
    return typeof data === 'string' ? locateProblems(data, named) : named;
  } catch {
    // Lines are a help, not a need: the problems stand without them.
    return named;
  }
}

/** YAML and shape errors from the plugin become a located problem; other errors (network) are rethrown. */
function describeLoadError(err: unknown): ConfigProblem | null {
  if (!(err instanceof Error) || !err.message.includes('[@probot/octokit-plugin-config]')) return null;
  const cause = err.cause as { linePos?: { line: number; col: number }[]; message?: string } | undefined;
  const pos = cause?.linePos?.[0];
  const what = /\(([^)]+)\)\s*$/.exec(err.message)?.[1] ?? 'could not be read';
  const detail = cause?.message ? `: ${cause.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` : '';
  return { file: fileOf(err.message), path: '', ...(pos ? { line: pos.line, column: pos.col } : {}), message: `${what}${detail}` };
}

function fileOf(message: string): string {
  // The plugin names the contents URL; an `_extends` target lives in another repository.
  const match = /\/repos\/([^/]+\/[^/]+)\/contents\/(\S+?)(\?|\s|$)/.exec(message);
  if (!match?.[2]) return CONFIG_PATH;
  const path = decodeURIComponent(match[2]);
  return path === CONFIG_PATH ? CONFIG_PATH : `${match[1]}:${path}`;
}
