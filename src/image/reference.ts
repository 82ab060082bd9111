// Image references parsed and normalized the way Docker does (github.com/distribution/reference).
import type { Dependency } from '../types.js';

export interface ImageReference {
  /** Registry host, with port if any: 'docker.io', '127.0.0.1:5000', 'ghcr.io'. */
  domain: string;
  /** Repository path in the registry: 'library/node', 'team/app'. */
  path: string;
  /** Normalized full name without tag or digest: 'docker.io/library/node'. */
  name: string;
  tag: string | null;
  digest: string | null;
}

export class InvalidReferenceError extends Error {
  override name = 'InvalidReferenceError';
}

export const DOCKER_HUB = 'docker.io';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const ANCHORED_ID = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;
/** Longest reference read (a name ≤ 255, a tag ≤ 128, a digest and a host fit many times over). */
export const MAX_REFERENCE_LENGTH = 1024;

function looksLikeDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

/** Splits `name[:tag][@digest]` into its three written parts without validating them. */
function splitWritten(text: string): { name: string; tag: string | null; digest: string | null } {
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

/** The registered algorithms and their hex lengths, as distribution's Parse accepts them (go-digest's Validate). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

function validateDigest(digest: string): void {
  if (!DIGEST.test(digest)) throw new InvalidReferenceError(`invalid digest "${digest}"`);
  const [algorithm = '', hex = ''] = digest.split(':');
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) {
    throw new InvalidReferenceError(`unsupported digest algorithm "${algorithm}": expected sha256 or sha512`);
  }
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
    throw new InvalidReferenceError(`invalid ${algorithm} digest "${digest}": expected ${length} lowercase hex characters`);
  }
}

export function parseImageReference(text: string): ImageReference {
  if (text === '') throw new InvalidReferenceError('empty reference');
  if (text.length > MAX_REFERENCE_LENGTH) throw new InvalidReferenceError(`longer than ${MAX_REFERENCE_LENGTH} characters`);
  if (/\s/.test(text)) throw new InvalidReferenceError(`invalid reference format "${text}": contains white space`);
  if (ANCHORED_ID.test(text)) {
    throw new InvalidReferenceError('cannot use a 64-character hexadecimal string (an image ID) as a reference');
  }
  const written = splitWritten(text);
  if (written.name === '') throw new InvalidReferenceError(`invalid reference format "${text}": no repository name`);
  if (written.tag !== null && !TAG.test(written.tag)) {
    throw new InvalidReferenceError(`invalid tag "${written.tag}"`);
  }
  if (written.digest !== null) validateDigest(written.digest);

  const components = written.name.split('/');
  let domain = DOCKER_HUB;
  if (components.length > 1 && looksLikeDomain(components[0]!)) {
    domain = components.shift()!;
    if (!DOMAIN.test(domain)) throw new InvalidReferenceError(`invalid registry host "${domain}"`);
  }
  for (const component of components) {
    if (component !== component.toLowerCase()) {
      throw new InvalidReferenceError(`repository name must be lowercase: "${written.name}"`);
    }
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidReferenceError(`invalid reference format "${text}": bad path component "${component}"`);
    }
  }
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && components.length === 1) components.unshift('library');
  const path = components.join('/');
  // distribution's limit is on the repository path (`library/node`), the registry host not counted.
  if (path.length > NAME_MAX) {
    throw new InvalidReferenceError(`repository name must not be longer than ${NAME_MAX} characters (this one is ${path.length})`);
  }
  return { domain, path, name: `${domain}/${path}`, tag: written.tag, digest: written.digest };
}

/** The name exactly as written in `original`, with the given tag and digest (null drops it). */
export function formatReference(original: string, tag: string | null, digest: string | null): string {
  const { name } = splitWritten(original);
  return `${name}${tag !== null ? `:${tag}` : ''}${digest !== null ? `@${digest}` : ''}`;
}

/**
 * The best name for a reference that cannot be looked up: the normalized name when the part before
 * the tag is a valid name (`node:bad!tag` → docker.io/library/node), else that part as written
 * (`Node:20` → Node), or the whole text when a variable stands in the name.
 */
export function nameOfWritten(text: string): string {
  const dollar = text.indexOf('$');
  const { name, tag, digest } = splitWritten(dollar < 0 ? text : text.slice(0, dollar));
  const variableInName = dollar >= 0 && tag === null && digest === null;
  if (name === '' || variableInName || /\s/.test(name)) return text;
  try {
    return parseImageReference(name).name;
  } catch {
    return name;
  }
}

/** A 'docker' dependency for a reference found in a file; invalid references get a skipReason. */
export function imageDependency(reference: string, base: { manager: string; file: string; line: number }): Dependency {
  try {
    const ref = parseImageReference(reference);
    return {
      ...base,
      datasource: 'docker',
      depName: ref.name,
      currentValue: ref.tag,
      currentDigest: ref.digest,
      reference,
    };
  } catch (err) {
    if (!(err instanceof InvalidReferenceError)) throw err;
    return {
      ...base,
      datasource: 'docker',
      depName: reference.length > MAX_REFERENCE_LENGTH ? `${reference.slice(0, 60)}…` : nameOfWritten(reference),
      currentValue: null,
      currentDigest: null,
      reference,
      skipReason: `invalid-reference: ${err.message}`,
    };
  }
}
