// poetry.lock as Freshen reads it: the locked version of each package, by PEP 503 name.
import { parse, TomlError } from 'smol-toml';
import { LimitError, MAX_FILE_BYTES, MAX_NESTING } from '../limits.js';
import { ParseError } from '../../types.js';
import { memoByText } from '../parse-memo.js';

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** name → version of every `[[package]]` (remembered per text). Throws ParseError (with the line) for a file that is not TOML. */
export const lockedVersions = memoByText(readLockedVersions);

function readLockedVersions(text: string): Map<string, string> {
  if (text.length > MAX_FILE_BYTES) throw new LimitError(`larger than ${MAX_FILE_BYTES} bytes; not read`, 1);
  let doc: Record<string, unknown>;
  try {
    doc = parse(text, { maxDepth: MAX_NESTING }) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) throw new ParseError(`invalid TOML: ${err.message.split('\n')[0]}`, err.line);
    throw err;
  }
  const versions = new Map<string, string>();
  for (const pkg of Array.isArray(doc.package) ? doc.package : []) {
    const { name, version } = (pkg ?? {}) as { name?: unknown; version?: unknown };
    if (typeof name === 'string' && typeof version === 'string') versions.set(normalize(name), version);
  }
  return versions;
}
