// Compose files: the image of every service (`services.*.image`) and base images in `build.args`, rewritten in place by byte range.
import { isScalar } from 'yaml';
import type { Document } from 'yaml';
import type { Dependency, ExtractResult, LocatedError, Manager } from '../../types.js';
import {
  imageValueDependency,
  mapEntries,
  mapGet,
  parseYamlFile,
  referenceTooLong,
  scalarString,
  skippedImageDependency,
  updateImageValue,
} from '../yaml-values.js';
import type { ImageSite, ParsedYaml } from '../yaml-values.js';
import { buildArgumentImages, builtImageDependency, isBuiltHere } from './build.js';
import { interpolate } from './interpolate.js';

const MANAGER = 'compose';
// `docker-compose*.yml` as the README promises (`docker-compose-prod.yml` too), never `composer.yml`.
const COMPOSE_FILE = /(?:^|\/)(?:docker-)?compose(?:[._-][^/]*)?\.ya?ml$/;

interface Found {
  deps: Dependency[];
  errors: LocatedError[];
  /** Scalars already seen: an alias or merge of the same value is not a second dependency. */
  seen: Set<number>;
}

function serviceImages(name: string, service: unknown, doc: Document.Parsed, parsed: ParsedYaml, file: string, found: Found): void {
  serviceImage(name, service, doc, parsed, file, found);
  const site = (valueStart: number): ImageSite => ({ manager: MANAGER, file, valueStart, lineOf: parsed.lineOf });
  found.deps.push(...buildArgumentImages(service, doc, parsed.text, site, found.seen));
}

function serviceImage(name: string, service: unknown, doc: Document.Parsed, parsed: ParsedYaml, file: string, found: Found): void {
  const image = mapGet(service, 'image', doc);
  if (image === null || (isScalar(image) && image.value === null)) return;
  const start = image.range?.[0] ?? 0;
  if (!isScalar(image)) {
    found.errors.push({ file, line: parsed.lineOf(start), message: `services.${name}.image must be a string` });
    return;
  }
  if (found.seen.has(start)) return;
  found.seen.add(start);
  const written = scalarString(image, parsed.text);
  if (!written || written.text === '') return;
  const tooLong = referenceTooLong(written, `services.${name}.image`);
  if (tooLong) return void found.errors.push({ file, line: parsed.lineOf(start), message: tooLong });
  const site: ImageSite = { manager: MANAGER, file, valueStart: start, lineOf: parsed.lineOf };
  // With `build:`, `image:` names what the build produces (Compose tags the build with it).
  if (isBuiltHere(service, doc)) return void found.deps.push(builtImageDependency(written.text, site));
  const resolved = interpolate(written);
  if ('skipReason' in resolved) found.deps.push(skippedImageDependency(written.text, resolved.skipReason, site));
  else found.deps.push(imageValueDependency(resolved.value, site));
}

function extract(text: string, file: string): ExtractResult {
  const parsed = parseYamlFile(text, file);
  if (Array.isArray(parsed)) return { deps: [], errors: parsed };
  const found: Found = { deps: [], errors: [], seen: new Set() };
  for (const doc of parsed.documents) {
    const services = mapGet(doc.contents, 'services', doc);
    if (services === null || (isScalar(services) && services.value === null)) continue;
    const entries = mapEntries(services, doc);
    if (!entries) {
      found.errors.push({ file, line: parsed.lineOf(services.range?.[0] ?? 0), message: 'services must be a mapping' });
      continue;
    }
    for (const { key, value } of entries) serviceImages(key, value, doc, parsed, file, found);
  }
  return { deps: found.deps, errors: found.errors };
}

export const composeManager: Manager = {
  name: MANAGER,
  matches: (path) => COMPOSE_FILE.test(path),
  extract,
  update: (text, dep, change) => updateImageValue(text, dep, change, extract),
};
