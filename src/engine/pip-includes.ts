// Follows pip's `-r` / `-c` includes to files of any name, as pip and Dependabot do, so their pins are scanned too.
import { parseRequirementsFile, pipManager } from '../managers/pip/index.js';
import { resolveInclude } from '../managers/pip/includes.js';
import type { Dependency, LocatedError } from '../types.js';
import type { ExtractAllResult } from './extract.js';
import type { FileSource } from './types.js';

/** Files read only because an include names them; a repository naming more is told so. */
export const MAX_INCLUDED_FILES = 200;

type Extract = (text: string, file: string) => { deps: Dependency[]; errors: LocatedError[] };

/**
 * Walks the includes of every pip file in `result`, depth first. A file already extracted is not
 * read again; one named only by an include is read and extracted by the pip manager. An include
 * that leaves the repository, is missing or closes a cycle is a located error on its line.
 */
export async function followPipIncludes(source: FileSource, result: ExtractAllResult, extract: Extract): Promise<void> {
  const texts = new Map(result.files.map((f) => [f.file, f.text]));
  const finished = new Set<string>();
  const stack: string[] = [];
  let added = 0;

  const read = async (file: string, where: LocatedError): Promise<string | null> => {
    if (added >= MAX_INCLUDED_FILES) {
      result.errors.push({ ...where, message: `${where.message}: more than ${MAX_INCLUDED_FILES} included files; not followed` });
      return null;
    }
    try {
      const text = await source.read(file);
      added++;
      const { deps, errors } = extract(text, file);
      result.files.push({ file, text, depsByManager: new Map([[pipManager.name, deps]]) });
      result.dependencies.push(...deps);
      result.errors.push(...errors);
      texts.set(file, text);
      return text;
    } catch {
      result.errors.push({ ...where, message: `${where.message}: not found in the repository (or not a regular file)` });
      return null;
    }
  };

  const visit = async (file: string, text: string): Promise<void> => {
    stack.push(file);
    for (const include of parseRequirementsFile(text).includes) {
      const written = `${include.kind === 'constraint' ? '-c' : '-r'} ${include.path}`;
      const where = { file, line: include.line, message: written };
      const target = resolveInclude(file, include.path);
      if ('refused' in target) {
        result.errors.push({ ...where, message: `${written}: ${target.refused}; not followed` });
        continue;
      }
      if (stack.includes(target.path)) {
        const cycle = [...stack.slice(stack.indexOf(target.path)), target.path].join(' → ');
        result.errors.push({ ...where, message: `${written}: a cycle (${cycle}), which pip refuses` });
        continue;
      }
      if (finished.has(target.path)) continue;
      const included = texts.get(target.path) ?? (await read(target.path, where));
      if (included !== null) await visit(target.path, included);
    }
    stack.pop();
    finished.add(file);
  };

  const roots = result.files.filter((f) => f.depsByManager.has(pipManager.name));
  for (const root of roots) if (!finished.has(root.file)) await visit(root.file, root.text);
}
