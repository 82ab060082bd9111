// Go modules: `require` lines of go.mod (and the versions `replace` points at), rewritten in place, version bytes only.
import type { Dependency, DependencyChange, ExtractResult, LocatedError, Manager } from '../../types.js';
import { UpdateError } from '../../types.js';
import { isCanonical, isValid } from '../../versioning/go/index.js';
import { isModulePath } from '../../versioning/go/module-path.js';
import { excerpt } from '../limits.js';
import { goModLanguage } from './language.js';
import { parseGoMod, type Directive, type Token } from './parse.js';

export { parseGoMod, type Directive, type GoModFile, type Token } from './parse.js';

const MANAGER = 'gomod';

/** text.slice(start, end) is the version. */
export interface GoModLocation {
  start: number;
  end: number;
}

export interface GoModDependencyExtra {
  /** Marked `// indirect`: required only by other modules. */
  indirect?: boolean;
  /** Versions of this module an `exclude` line forbids, with their lines. */
  excluded?: { version: string; line: number }[];
  /** On a require line: the replace that takes its place (a local path, or module@version). */
  replacedBy?: string;
  /** On a replace line: the module path whose code this replacement provides. */
  replaces?: string;
}

/** `./x`, `../x`, `/x`, `C:\x`: a replacement in the file system rather than a module. */
export function isLocalPath(path: string): boolean {
  return /^(\.\.?([/\\]|$)|[/\\]|[A-Za-z]:[/\\])/.test(path);
}

interface Replace {
  from: string;
  fromVersion?: string;
  to: string;
  toVersion?: Token;
  line: number;
}

function readReplace(d: Directive): Replace {
  const arrow = d.args.findIndex((t) => t.text === '=>' && !t.quoted);
  const left = d.args.slice(0, arrow);
  const right = d.args.slice(arrow + 1);
  if (arrow < 1 || left.length > 2 || right.length < 1 || right.length > 2) throw new Error('replace needs: module [version] => path | module version');
  const to = right[0]!.text;
  if (right.length === 1 && !isLocalPath(to)) throw new Error(`replacement ${excerpt(to)} is neither a local path (./ ../ /) nor module version`);
  if (right.length === 2 && isLocalPath(to)) throw new Error(`a local replacement ${excerpt(to)} takes no version`);
  return { from: left[0]!.text, ...(left[1] ? { fromVersion: left[1].text } : {}), to, ...(right[1] ? { toVersion: right[1] } : {}), line: d.line };
}

function versionSkip(version: string): string | undefined {
  if (isCanonical(version)) return undefined;
  return isValid(version) ? 'not a canonical Go version (go mod tidy writes vX.Y.Z)' : 'not a Go module version';
}

// `<module> <version>[/go.mod] <algorithm>:<base64>`: go.sum is read so it travels with go.mod, never updated here.
const GO_SUM_LINE = /^[^\s]+ [^\s]+ [a-z0-9]+:[A-Za-z0-9+/]+=*$/;

/** go.sum has no dependencies of its own; a line Go would refuse is reported (the first only). */
function checkGoSum(text: string, file: string): ExtractResult {
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    const entry = raw.replace(/\r$/, '');
    if (entry !== '' && !GO_SUM_LINE.test(entry)) return { deps: [], errors: [{ file, line, message: `not a go.sum line: ${excerpt(entry)}` }] };
  }
  return { deps: [], errors: [] };
}

declare module '../../types.js' {
  interface DependencyData {
    gomod: GoModDependencyExtra;
  }
}

function extract(text: string, file: string): ExtractResult {
  if (file === 'go.sum' || file.endsWith('/go.sum')) return checkGoSum(text, file);
  const parsed = parseGoMod(text);
  const errors: LocatedError[] = parsed.errors.map((e) => ({ file, line: e.line, message: e.message }));
  const replaces: Replace[] = [];
  const excluded = new Map<string, { version: string; line: number }[]>();
  for (const d of parsed.directives) {
    try {
      if (d.verb === 'replace') replaces.push(readReplace(d));
      if (d.verb === 'exclude') {
        if (d.args.length !== 2) throw new Error('exclude needs: module version');
        excluded.set(d.args[0]!.text, [...(excluded.get(d.args[0]!.text) ?? []), { version: d.args[1]!.text, line: d.line }]);
      }
    } catch (err) {
      errors.push({ file, line: d.line, message: (err as Error).message });
    }
  }
  const deps: Dependency[] = [];
  for (const d of parsed.directives) {
    const base = { manager: MANAGER, datasource: 'go', file, line: d.line, currentDigest: null };
    if ((d.verb === 'go' || d.verb === 'toolchain') && d.args.length === 1) {
      // Shown, and changed only when the repository's config says `goDirective: bump` (ScanOptions.include).
      const version = d.args[0]!;
      const location: GoModLocation = { start: version.start, end: version.end };
      deps.push({ ...base, datasource: 'golang-version', depName: d.verb, currentValue: version.text, location, skipReason: `${d.verb} line: left alone (\`goDirective: bump\` in .github/freshen.yml moves it)` });
    } else if (d.verb === 'require') {
      if (d.args.length !== 2) {
        errors.push({ file, line: d.line, message: 'require needs: module version' });
        continue;
      }
      const [path, version] = d.args as [Token, Token];
      if (!isModulePath(path.text)) {
        errors.push({ file, line: d.line, depName: excerpt(path.text), message: `${excerpt(path.text)} is not a Go module path` });
        continue;
      }
      const replace = replaces.findLast((r) => r.from === path.text && (r.fromVersion === undefined || r.fromVersion === version.text));
      const extra: GoModDependencyExtra = {};
      if (/^indirect(;|$)/.test(d.comment)) extra.indirect = true;
      if (excluded.has(path.text)) extra.excluded = excluded.get(path.text)!;
      if (replace) extra.replacedBy = replace.toVersion ? `${replace.to}@${replace.toVersion.text}` : replace.to;
      const skipReason = replace ? 'replaced' : versionSkip(version.text);
      const location: GoModLocation = { start: version.start, end: version.end };
      deps.push({ ...base, depName: path.text, currentValue: version.text, location, extra: { ...extra }, ...(skipReason ? { skipReason } : {}) });
    }
  }
  for (const r of replaces) {
    if (!r.toVersion) continue;
    if (!isModulePath(r.to)) {
      errors.push({ file, line: r.line, depName: excerpt(r.to), message: `${excerpt(r.to)} is not a Go module path` });
      continue;
    }
    const skipReason = versionSkip(r.toVersion.text);
    const extra: GoModDependencyExtra = { replaces: r.from };
    const location: GoModLocation = { start: r.toVersion.start, end: r.toVersion.end };
    deps.push({ manager: MANAGER, datasource: 'go', file, line: r.line, depName: r.to, currentValue: r.toVersion.text, currentDigest: null, location, extra: { ...extra }, ...(skipReason ? { skipReason } : {}) });
  }
  return { deps, errors };
}

const VERSION_TEXT = /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/;

function update(text: string, dep: Dependency, change: DependencyChange): string {
  const location = dep.location as GoModLocation | undefined;
  if (!location) throw new UpdateError(`${dep.depName}: its version is not written in go.mod; not rewritten`);
  if (change.newValue === null || !VERSION_TEXT.test(change.newValue)) throw new UpdateError(`${dep.depName}: "${excerpt(change.newValue ?? '')}" is not a version go.mod can hold`);
  if (text.slice(location.start, location.end) !== dep.currentValue) throw new UpdateError(`${dep.depName}: go.mod changed since it was read; not rewritten`);
  return text.slice(0, location.start) + change.newValue + text.slice(location.end);
}

export const goModManager: Manager = {
  name: MANAGER,
  matches: (path) => /(^|\/)go\.(mod|sum)$/.test(path),
  extract,
  update,
  language: goModLanguage,
};
