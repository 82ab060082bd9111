// Loads `.github/freshen.yml` (and what it `_extends`, as Probot's config plugin does) and validates it.
import { locateProblems } from '../config/config-file.js';
import { CONFIG_PATH, parseRepoConfig, type ConfigProblem, type ConfigResult } from '../config/repo-config.js';
import { ConfigFileError, mergedConfig, readConfigFiles, type ConfigFile } from './config-files.js';
import type { GitHub, RepoRef } from './types.js';

export async function loadRepoConfig(gh: GitHub, repo: RepoRef, branch?: string): Promise<ConfigResult> {
  let files: ConfigFile[];
  try {
    files = await readConfigFiles(gh, { owner: repo.owner, repo: repo.repo, path: CONFIG_PATH, ...(branch ? { ref: branch } : {}) });
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    return { ok: false, problems: [{ file: nameOf(err.file, repo), path: '', ...(err.line ? { line: err.line } : {}), message: err.message }] };
  }
  const parsed = parseRepoConfig(mergedConfig(files), CONFIG_PATH);
  if (parsed.ok) return parsed;
  const located = locate(repo, files, parsed.problems);
  // The repository's own file first, top to bottom, as `freshen config check` lists them.
  const rank = (p: ConfigProblem) => (p.file === CONFIG_PATH ? 0 : 1);
  return { ok: false, problems: located.sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)) };
}

/** The repository's own file by its path; another repository's as `owner/repo:path`. */
function nameOf(file: { owner: string; repo: string; path: string }, repo: RepoRef): string {
  return file.owner === repo.owner && file.repo === repo.repo && file.path === CONFIG_PATH ? CONFIG_PATH : `${file.owner}/${file.repo}:${file.path}`;
}

/**
 * Names the file each problem's top-level key came from (the repository's own file wins the
 * merge), and adds line and column for the repository's own file from the text already read.
 */
function locate(repo: RepoRef, files: ConfigFile[], problems: ConfigProblem[]): ConfigProblem[] {
  const own = files.find((f) => nameOf(f, repo) === CONFIG_PATH && f.config);
  const topKey = (p: ConfigProblem) => /^[^.[]+/.exec(p.path)?.[0];
  const sourceOf = (p: ConfigProblem) => files.find((f) => f.config && Object.hasOwn(f.config, topKey(p) ?? ''));
  const named = problems.map((p) => {
    const from = sourceOf(p);
    return from && from !== own ? { ...p, file: nameOf(from, repo) } : p;
  });
  return own?.text === undefined ? named : locateProblems(own.text, named);
}
