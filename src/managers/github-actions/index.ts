// GitHub Actions workflows: job containers, service containers and `docker://` step images, rewritten by byte range.
import { isScalar, isSeq } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Dependency, ExtractResult, LocatedError, Manager } from '../../types.js';
import {
  imageValueDependency,
  mapEntries,
  mapGet,
  parseYamlFile,
  referenceTooLong,
  resolveNode,
  scalarString,
  skippedImageDependency,
  sliceSourced,
  updateImageValue,
} from '../yaml-values.js';
import type { ParsedYaml } from '../yaml-values.js';

const MANAGER = 'github-actions';
const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const DOCKER_PREFIX = 'docker://';

interface Walk {
  file: string;
  doc: Document.Parsed;
  parsed: ParsedYaml;
  deps: Dependency[];
  errors: LocatedError[];
  /** Scalars already seen: an alias of the same value is not a second dependency. */
  seen: Set<number>;
}

/** Records the image written in a scalar (after `prefix`), unless it is empty, an expression or seen before. */
function imageAt(node: Node | null, where: string, walk: Walk, prefix = ''): void {
  if (node === null || (isScalar(node) && node.value === null)) return;
  const start = node.range?.[0] ?? 0;
  if (!isScalar(node)) {
    walk.errors.push({ file: walk.file, line: walk.parsed.lineOf(start), message: `${where} must be a string` });
    return;
  }
  const written = scalarString(node, walk.parsed.text);
  if (!written || !written.text.startsWith(prefix) || written.text === prefix) return;
  const tooLong = referenceTooLong(written, where);
  if (tooLong) return void walk.errors.push({ file: walk.file, line: walk.parsed.lineOf(start), message: tooLong });
  if (walk.seen.has(start)) return;
  walk.seen.add(start);
  const image = sliceSourced(written, prefix.length);
  const site = { manager: MANAGER, file: walk.file, valueStart: start, lineOf: walk.parsed.lineOf };
  if (image.text.includes('${{')) walk.deps.push(skippedImageDependency(image.text, 'expression', site));
  else walk.deps.push(imageValueDependency(image, site));
}

function job(name: string, node: Node | null, walk: Walk): void {
  const container = mapGet(node, 'container', walk.doc);
  if (isScalar(container)) imageAt(container, `jobs.${name}.container`, walk);
  else imageAt(mapGet(container, 'image', walk.doc), `jobs.${name}.container.image`, walk);

  for (const service of mapEntries(mapGet(node, 'services', walk.doc), walk.doc) ?? []) {
    imageAt(mapGet(service.value, 'image', walk.doc), `jobs.${name}.services.${service.key}.image`, walk);
  }

  const steps = mapGet(node, 'steps', walk.doc);
  if (!isSeq(steps)) return;
  steps.items.forEach((step, i) => {
    imageAt(mapGet(resolveNode(step, walk.doc), 'uses', walk.doc), `jobs.${name}.steps[${i}].uses`, walk, DOCKER_PREFIX);
  });
}

function extract(text: string, file: string): ExtractResult {
  const parsed = parseYamlFile(text, file);
  if (Array.isArray(parsed)) return { deps: [], errors: parsed };
  const deps: Dependency[] = [];
  const errors: LocatedError[] = [];
  const seen = new Set<number>();
  for (const doc of parsed.documents) {
    const walk: Walk = { file, doc, parsed, deps, errors, seen };
    for (const entry of mapEntries(mapGet(doc.contents, 'jobs', doc), doc) ?? []) job(entry.key, entry.value, walk);
  }
  return { deps, errors };
}

export const githubActionsManager: Manager = {
  name: MANAGER,
  matches: (path) => WORKFLOW_FILE.test(path),
  extract,
  update: (text, dep, change) => updateImageValue(text, dep, change, extract),
};
