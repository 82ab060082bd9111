// `# freshen: datasource=github-releases depName=tianon/gosu [versioning=…] [extractVersion=…]` above an ARG/ENV.

export const TOOL_DATASOURCES = ['github-releases', 'github-tags', 'npm', 'pypi', 'docker'] as const;
export type ToolDatasource = (typeof TOOL_DATASOURCES)[number];
export const TOOL_VERSIONINGS = ['loose', 'semver', 'pep440', 'docker'] as const;

export interface ToolSource {
  datasource: ToolDatasource;
  depName: string;
  /** How versions order: `loose` (dotted numbers, the default), `semver`, `pep440`, `docker`. */
  versioning: string;
  /** A regular expression with a `version` group that reads the version out of a tag. */
  extractVersion?: string;
  /** The tag is written `<prefix><version><suffix>` (inferred from a GitHub URL). */
  tagPrefix?: string;
  tagSuffix?: string;
  /** 'comment' when declared, 'url' when read from the download URL, 'install' from a RUN's `pip install`/`npm install`. */
  from: 'comment' | 'url' | 'install';
}

const KEYS = new Set(['datasource', 'depName', 'versioning', 'extractVersion']);
const MAX_PATTERN = 200;
// A group that repeats something that itself repeats: the shape of patterns that backtrack for ever.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/;

/** The comment's text after `# freshen:`, or null when the line is not such a comment. */
export function annotationText(line: string): string | null {
  const m = /^\s*#\s*freshen:\s*(.*?)\s*$/.exec(line);
  return m ? m[1]! : null;
}

/** The declared source, or a message saying what is wrong with the comment. */
export function parseAnnotation(text: string): ToolSource | { problem: string } {
  const fields = new Map<string, string>();
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    const key = eq < 0 ? word : word.slice(0, eq);
    if (!KEYS.has(key) || eq < 0) return { problem: `"${word}" is not one of datasource=, depName=, versioning=, extractVersion=` };
    fields.set(key, word.slice(eq + 1));
  }
  const datasource = fields.get('datasource');
  const depName = fields.get('depName');
  if (!datasource || !(TOOL_DATASOURCES as readonly string[]).includes(datasource)) {
    return { problem: `datasource=${datasource ?? ''} is not one of ${TOOL_DATASOURCES.join(', ')}` };
  }
  if (!depName) return { problem: 'depName= is missing' };
  if (datasource.startsWith('github-') && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(depName)) {
    return { problem: `depName=${depName} is not owner/repository` };
  }
  const versioning = fields.get('versioning') ?? 'loose';
  if (!(TOOL_VERSIONINGS as readonly string[]).includes(versioning)) return { problem: `versioning=${versioning} is not one of ${TOOL_VERSIONINGS.join(', ')}` };
  const source: ToolSource = { datasource: datasource as ToolDatasource, depName, versioning, from: 'comment' };
  const extractVersion = fields.get('extractVersion');
  if (extractVersion !== undefined) {
    const problem = patternProblem(extractVersion);
    if (problem) return { problem };
    source.extractVersion = extractVersion;
  }
  return source;
}

function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN) return `extractVersion is longer than ${MAX_PATTERN} characters`;
  if (NESTED_QUANTIFIER.test(pattern)) return 'extractVersion repeats a repeated group; write it without nested repetition';
  try {
    if (!new RegExp(pattern).source.includes('(?<version>')) return 'extractVersion has no (?<version>…) group';
  } catch (err) {
    return `extractVersion is not a regular expression: ${(err as Error).message}`;
  }
  return null;
}
