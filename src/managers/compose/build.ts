// What a service's `build:` means for its images: `image:` names the build's output, and base images arrive through `build.args`.
import { isScalar, isSeq } from 'yaml';
import type { Document, Node, Scalar } from 'yaml';
import { InvalidReferenceError, parseImageReference } from '../../image/reference.js';
import type { Dependency } from '../../types.js';
import { imageValueDependency, mapEntries, mapGet, scalarString, skippedImageDependency, sliceSourced } from '../yaml-values.js';
import type { ImageSite, SourcedString } from '../yaml-values.js';
import { interpolate } from './interpolate.js';

/** skipReason of a service's `image:` when the service also has `build:`: Compose builds and tags it, nothing to look up. */
export const BUILT_LOCALLY = 'built-locally';

/** Whether the service has a `build:` (a context path or a mapping), so its `image:` is built here. */
export function isBuiltHere(service: unknown, doc: Document.Parsed): boolean {
  const build = mapGet(service, 'build', doc);
  return build !== null && !(isScalar(build) && build.value === null);
}

/** An argument's name that says it holds an image: `BASE_IMAGE`, `NODE_IMAGE`, `BASE`, `FROM_IMAGE`, `BUILDER_FROM`. */
const IMAGE_ARG_NAME = /image|(?:^|_)(?:base|from)(?:_|$)/i;

/**
 * Whether a build argument's value is a base image, so a dependency. The value must parse as an
 * image reference with a tag or a digest (`altinity/clickhouse-server:25.8`, `node:22@sha256:…`),
 * and also look like one rather than like a host and port (`redis:6379`) or a version: it has a
 * digest, or a `/` (a namespace or registry), or the argument's name says image (`BASE_IMAGE`).
 */
export function isImageArgument(name: string, value: string): boolean {
  if (value.includes('://') || /\s/.test(value)) return false;
  let reference;
  try {
    reference = parseImageReference(value);
  } catch (err) {
    if (err instanceof InvalidReferenceError) return false;
    throw err;
  }
  if (reference.tag === null && reference.digest === null) return false;
  return reference.digest !== null || value.includes('/') || IMAGE_ARG_NAME.test(name);
}

interface BuildArgument {
  name: string;
  /** The value as written, with file offsets (after `NAME=` in the list form). */
  value: SourcedString;
  scalar: Scalar;
}

/** `args:` as a mapping (`BASE_IMAGE: node:22`) or a list (`- BASE_IMAGE=node:22`); `- NAME` alone takes the environment's value. */
function buildArguments(args: Node | null, doc: Document.Parsed, text: string): BuildArgument[] {
  const found: BuildArgument[] = [];
  if (isSeq(args)) {
    for (const item of args.items) {
      if (!isScalar(item)) continue;
      const written = scalarString(item, text);
      const eq = written?.text.indexOf('=') ?? -1;
      if (!written || eq <= 0) continue;
      found.push({ name: written.text.slice(0, eq), value: sliceSourced(written, eq + 1), scalar: item });
    }
    return found;
  }
  for (const { key, value } of mapEntries(args, doc) ?? []) {
    if (!isScalar(value)) continue;
    const written = scalarString(value, text);
    if (written) found.push({ name: key, value: written, scalar: value });
  }
  return found;
}

/**
 * Base images passed to the build as arguments. A value with a variable is resolved as Compose
 * would with nothing set; one that cannot be resolved is listed (skipped) only when the argument's
 * name says image, since otherwise nothing tells it is one.
 */
export function buildArgumentImages(
  service: unknown,
  doc: Document.Parsed,
  text: string,
  site: (valueStart: number) => ImageSite,
  seen: Set<number>,
): Dependency[] {
  const args = mapGet(mapGet(service, 'build', doc), 'args', doc);
  const deps: Dependency[] = [];
  for (const arg of buildArguments(args, doc, text)) {
    const start = arg.scalar.range?.[0] ?? 0;
    if (seen.has(start)) continue;
    const resolved = interpolate(arg.value);
    if ('skipReason' in resolved) {
      if (!IMAGE_ARG_NAME.test(arg.name)) continue;
      seen.add(start);
      deps.push(skippedImageDependency(arg.value.text, resolved.skipReason, site(start)));
      continue;
    }
    if (!isImageArgument(arg.name, resolved.value.text)) continue;
    seen.add(start);
    deps.push(imageValueDependency(resolved.value, site(start)));
  }
  return deps;
}

/** A service's `image:` that its `build:` produces: listed so it is seen, never looked up. */
export function builtImageDependency(written: string, site: ImageSite): Dependency {
  return skippedImageDependency(written, BUILT_LOCALLY, site);
}
