// Download URLs in a RUN command, the variables they use, and the version source a URL implies.
import type { ToolSource } from './annotation.js';

export interface FoundUrl {
  /** The URL as written in the command (variables not expanded). */
  text: string;
  /** Index in the command text. */
  start: number;
}

export interface VariableRef {
  name: string;
  /** Index in the URL text, and length of `$NAME` / `${NAME}`. */
  start: number;
  length: number;
  /** `${NAME#v}` and other operators: not expanded by Freshen. */
  plain: boolean;
}

const URL_PATTERN = /https?:\/\/[^\s"'`|;&<>()\\]+/g;
const VARIABLE_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
export const VERSION_NAME = /(?:^|_)(?:VERSION|VER|TAG)$/i;
/** Files that sign or list checksums: they are fetched beside the tool, never guarded by its checksum. */
const SIDE_FILE = /(?:\.asc|\.sig|\.sign|\.pem|\.sha256|\.sha512|\.sha256sum|\.sha512sum|\.sbom(?:\.json)?|\.intoto\.jsonl|SHASUMS256\.txt(?:\.asc|\.sig)?|SHA256SUMS(?:\.asc|\.sig)?|SHA512SUMS|checksums\.txt)$/i;

export function findUrls(command: string): FoundUrl[] {
  return [...command.matchAll(URL_PATTERN)].map((m) => ({ text: m[0].replace(/[.,]+$/, ''), start: m.index }));
}

export function variableRefs(text: string): VariableRef[] {
  return [...text.matchAll(VARIABLE_REF)].map((m) => ({ name: m[1] ?? m[3]!, start: m.index, length: m[0].length, plain: !m[2] }));
}

export function isSideFile(url: string): boolean {
  return SIDE_FILE.test(url);
}

const ref = (name: string) => `(?:\\$\\{${name}\\}|\\$${name}(?![A-Za-z0-9_]))`;

/** The version source a download URL names: a GitHub release or tag archive, an npm tarball, a PyPI source file. */
export function sourceFromUrl(url: string, variable: string): ToolSource | null {
  const v = ref(variable);
  const release = new RegExp(`^https?://github\\.com/([\\w.-]+)/([\\w.-]+)/releases/download/([^/$]*)${v}([^/$]*)/`).exec(url);
  if (release) return github('github-releases', release);
  const archive = new RegExp(`^https?://github\\.com/([\\w.-]+)/([\\w.-]+)/archive/(?:refs/tags/)?([^/$]*)${v}([^/$]*?)\\.(?:tar\\.gz|tgz|zip)$`).exec(url);
  if (archive) return github('github-tags', archive);
  const npm = new RegExp(`^https?://[^/]+/((?:@[\\w.-]+/)?[\\w.-]+)/-/[\\w.-]+-${v}\\.tgz$`).exec(url);
  if (npm) return { datasource: 'npm', depName: npm[1]!, versioning: 'semver', from: 'url' };
  const pypi = new RegExp(`^https?://[^/]+/packages/source/\\w/([\\w.-]+)/[\\w.-]+-${v}\\.(?:tar\\.gz|zip)$`).exec(url);
  if (pypi) return { datasource: 'pypi', depName: pypi[1]!, versioning: 'pep440', from: 'url' };
  return null;
}

function github(datasource: 'github-releases' | 'github-tags', m: RegExpExecArray): ToolSource {
  return { datasource, depName: `${m[1]}/${m[2]}`, versioning: 'loose', tagPrefix: m[3]!, tagSuffix: m[4]!, from: 'url' };
}
