// `.github/freshen.yml` and the files it `_extends`, found as Probot's config plugin finds them, each read through a size cap and parsed in linear time.
import { isAlias, visit } from 'yaml';
import { MAX_YAML_BYTES } from '../managers/limits.js';
import { parseYamlFile } from '../managers/yaml-values.js';
import type { GitHub } from './types.js';

export interface ConfigFile {
  owner: string;
  repo: string;
  path: string;
  /** null when the file does not exist. */
  config: Record<string, unknown> | null;
  text?: string;
}

/** A config file that cannot be used, located in it where possible. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
  constructor(
    message: string,
    readonly file: { owner: string; repo: string; path: string },
    readonly line?: number,
  ) {
    super(message);
  }
}

// The plugin's own pattern: `repo`, `owner/repo`, `owner/repo:path.yml`.
const EXTENDS = /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i;
/** Files one config may pull in through `_extends`, one after another. */
export const MAX_EXTENDS = 10;
/** Aliases per file: a config needs few, and each costs a walk of the document. */
const MAX_ALIASES = 100;

/**
 * The repository's file (else the owner's `.github` repository's), then each `_extends` target in
 * turn, as the plugin reads them; `_extends` is removed from each config.
 */
export async function readConfigFiles(gh: GitHub, where: { owner: string; repo: string; path: string; ref?: string }): Promise<ConfigFile[]> {
  const own = await readConfigFile(gh, where);
  const files = [own];
  if (!own.config && where.repo !== '.github') files.push(await readConfigFile(gh, { owner: where.owner, repo: '.github', path: where.path }));
  for (;;) {
    const last = files[files.length - 1]!;
    const target = last.config?._extends;
    if (!last.config || target === undefined) return files;
    delete last.config._extends;
    const match = typeof target === 'string' ? EXTENDS.exec(target) : null;
    if (!match) throw new ConfigFileError(`invalid value ${JSON.stringify(target)?.slice(0, 80)} for _extends`, last);
    const next = { owner: match[1] ?? where.owner, repo: match[2]!, path: match[3] ?? where.path };
    if (files.some((f) => f.owner === next.owner && f.repo === next.repo && f.path === next.path)) {
      throw new ConfigFileError(`_extends: "${target}" was already read (a loop)`, last);
    }
    if (files.length > MAX_EXTENDS) throw new ConfigFileError(`_extends: more than ${MAX_EXTENDS} files in a row`, last);
    files.push(await readConfigFile(gh, next));
  }
}

/** The configs merged: the repository's own keys win over those it extends. */
export function mergedConfig(files: readonly ConfigFile[]): Record<string, unknown> {
  return Object.assign({}, ...files.map((f) => f.config).reverse().filter(Boolean)) as Record<string, unknown>;
}

async function readConfigFile(gh: GitHub, file: { owner: string; repo: string; path: string; ref?: string }): Promise<ConfigFile> {
  const { ref, ...named } = file;
  let data: unknown;
  try {
    // The JSON answer gives the size first; its content is there up to 1 MB and never more.
    ({ data } = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', { ...named, ...(ref ? { ref } : {}) }));
  } catch (err) {
    if ((err as { status?: unknown }).status === 404) return { ...named, config: null };
    throw err;
  }
  const entry = data as { type?: string; size?: number; encoding?: string; content?: string };
  if (Array.isArray(data) || entry.type !== 'file') throw new ConfigFileError('is a directory or a submodule, not a file', named);
  if ((entry.size ?? 0) > MAX_YAML_BYTES || entry.encoding !== 'base64' || typeof entry.content !== 'string') {
    throw new ConfigFileError(`larger than ${MAX_YAML_BYTES} bytes (${entry.size ?? '?'} bytes); not read`, named);
  }
  const text = Buffer.from(entry.content, 'base64').toString('utf8');
  return { ...named, config: parseConfigText(text, named), text };
}

function parseConfigText(text: string, file: { owner: string; repo: string; path: string }): Record<string, unknown> {
  const parsed = parseYamlFile(text, file.path);
  if (Array.isArray(parsed)) {
    const first = parsed[0]!;
    throw new ConfigFileError(first.message.replace(/ at line \d+, column \d+:?$/, ''), file, first.line);
  }
  if (parsed.documents.length > 1) throw new ConfigFileError('invalid YAML: more than one document', file);
  const doc = parsed.documents[0];
  if (!doc) return {};
  let aliases = 0;
  visit(doc, { Node: (_key, node) => void (isAlias(node) && aliases++) });
  if (aliases > MAX_ALIASES) throw new ConfigFileError(`invalid YAML: more than ${MAX_ALIASES} aliases`, file);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES }) || {};
  } catch (err) {
    throw new ConfigFileError(`invalid YAML: ${(err as Error).message}`, file);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigFileError('YAML is not an object', file);
  return value as Record<string, unknown>;
}
