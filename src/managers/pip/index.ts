// pip: `==` pins in requirements/constraints files, with extras, markers and `--hash` options kept in their layout.
import type { Dependency, DependencyChange, ExtractResult, Manager } from '../../types.js';
import { UpdateError } from '../../types.js';
import { pipLanguage } from './language.js';
import { joinHashes, normalizeName, parseRequirementsFile, REQUIREMENTS_FILE, splitHashes, type HashToken, type RequirementLine } from './parse.js';

export { joinHashes, normalizeName, parseRequirementsFile, splitHashes, type RequirementsFile, type RequirementLine } from './parse.js';

const MANAGER = 'pip';
const PIN = /^==\s*([^\s,;*]+)$/;

/** text.slice(start, end) is the pinned version; hashes are the `--hash` options after it. */
export interface PipLocation {
  start: number;
  end: number;
  hashes: HashToken[];
  contentEnd: number;
}

export interface PipDependencyExtra {
  extras: string[];
  marker?: string;
  indexUrl?: string;
  extraIndexUrls: string[];
  /** How the name was written (depName is PEP 503 normalized). */
  writtenName: string;
}

declare module '../../types.js' {
  interface DependencyData {
    pip: PipDependencyExtra;
  }
}


function dependencyOf(req: RequirementLine, file: string, options: Pick<PipDependencyExtra, 'indexUrl' | 'extraIndexUrls'>): Dependency {
  const extra: PipDependencyExtra = { extras: req.extras, writtenName: req.name, extraIndexUrls: options.extraIndexUrls };
  if (req.marker) extra.marker = req.marker;
  if (options.indexUrl) extra.indexUrl = options.indexUrl;
  const base = { manager: MANAGER, datasource: 'pypi', file, line: req.line, depName: normalizeName(req.name), extra: { ...extra } };
  const digest = joinHashes(req.hashes.map((h) => h.value));
  if (req.unsupported) return { ...base, depName: req.name, currentValue: null, currentDigest: null, skipReason: req.unsupported };
  const pin = PIN.exec(req.specifier);
  if (!pin) {
    return { ...base, currentValue: req.specifier || null, currentDigest: digest, skipReason: req.specifier ? 'not pinned with ==' : 'no version pinned' };
  }
  const version = pin[1]!;
  const start = req.specifierStart + req.specifier.indexOf(version, 2);
  const location: PipLocation = { start, end: start + version.length, hashes: req.hashes, contentEnd: req.contentEnd };
  return { ...base, currentValue: version, currentDigest: digest, location };
}

function extract(text: string, file: string): ExtractResult {
  const parsed = parseRequirementsFile(text);
  const options = { ...(parsed.indexUrl ? { indexUrl: parsed.indexUrl } : {}), extraIndexUrls: parsed.extraIndexUrls };
  return {
    deps: parsed.requirements.map((req) => dependencyOf(req, file, options)),
    errors: parsed.errors.map((e) => ({ file, line: e.line, message: e.message })),
  };
}

/** The new `--hash` options, laid out like the old ones: same separator (a space, or ` \` + newline + indent). */
function hashText(text: string, location: PipLocation, hashes: string[]): { start: number; end: number; value: string } {
  const old = location.hashes;
  if (old.length === 0) {
    return { start: location.contentEnd, end: location.contentEnd, value: hashes.map((h) => ` --hash=${h}`).join('') };
  }
  const first = old[0]!;
  const last = old.at(-1)!;
  for (let i = 1; i < old.length; i++) {
    if (!/^(\s|\\\r?\n)*$/.test(text.slice(old[i - 1]!.end, old[i]!.start))) throw new UpdateError('--hash options are mixed with other options; not rewritten');
  }
  const before = /(?:[ \t]|\\\r?\n)*$/.exec(text.slice(location.contentEnd, first.start))?.[0] ?? ' ';
  const separator = old.length > 1 ? text.slice(old[0]!.end, old[1]!.start) : before.includes('\n') ? before : ' ';
  const style = (h: string) => (/^--hash\s/.test(text.slice(first.start, first.end)) ? `--hash ${h}` : `--hash=${h}`);
  if (hashes.length === 0) return { start: first.start - before.length, end: last.end, value: '' };
  return { start: first.start, end: last.end, value: hashes.map(style).join(separator) };
}

function update(text: string, dep: Dependency, change: DependencyChange): string {
  const location = dep.location as PipLocation | undefined;
  if (!location) throw new UpdateError(`${dep.depName}: not pinned with ==; not rewritten`);
  if (change.newValue === null || !/^[^\s,;\\#]+$/.test(change.newValue)) throw new UpdateError(`${dep.depName}: "${change.newValue}" is not a version pip can read`);
  const hashes = splitHashes(change.newDigest);
  if (hashes.some((h) => !/^[a-z0-9]+:[0-9a-f]+$/.test(h))) throw new UpdateError(`${dep.depName}: invalid hash in "${change.newDigest}"`);
  const sameHashes = change.newDigest === dep.currentDigest;
  // Hashes come after the version, so the later edit goes first and the version's offsets stay valid.
  let out = text;
  if (!sameHashes) {
    const edit = hashText(text, location, hashes);
    out = out.slice(0, edit.start) + edit.value + out.slice(edit.end);
  }
  return out.slice(0, location.start) + change.newValue + out.slice(location.end);
}

export const pipManager: Manager = {
  name: MANAGER,
  matches: (path) => REQUIREMENTS_FILE.test(path),
  extract,
  update,
  language: pipLanguage,
};
