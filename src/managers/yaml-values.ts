// Image references inside YAML files: reading scalars with their byte offsets, and rewriting a tag or digest in place.
import { Composer, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, visit, YAMLParseError } from 'yaml';
import type { Alias, CST, Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { imageDependency, MAX_REFERENCE_LENGTH, nameOfWritten } from '../image/reference.js';
import { UpdateError } from '../types.js';
import type { Dependency, DependencyChange, ExtractResult, LocatedError } from '../types.js';
import { excerpt, LimitError, MAX_NESTING, MAX_YAML_BYTES } from './limits.js';

/** A string from a file with the file offset of each of its characters (-1: not written as such in the file). */
export interface SourcedString {
  text: string;
  /** null when the characters cannot be tied to the file (YAML escapes, folded lines, block scalars). */
  offsets: number[] | null;
}

/** What update() needs: where the scalar holding the reference starts and where each character of it sits. */
interface ImageValueLocation {
  valueStart: number;
  reference: string;
  offsets: number[] | null;
  /** Why the value cannot be edited, when offsets is null. */
  notEditable?: string;
}

export interface ParsedYaml {
  text: string;
  documents: Document.Parsed[];
  /** 1-based line of an offset in the text. */
  lineOf(offset: number): number;
}

/**
 * Parses every document of a YAML file; any syntax error makes the whole file an error with its
 * line. Past MAX_YAML_BYTES or MAX_NESTING the file is one error: the YAML library's time grows
 * with nesting depth per token, and checks duplicate keys against every earlier key.
 */
export function parseYamlFile(text: string, file: string): ParsedYaml | LocatedError[] {
  if (text.length > MAX_YAML_BYTES) return [{ file, message: `larger than ${MAX_YAML_BYTES} bytes; not read` }];
  const lineCounter = new LineCounter();
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  let documents: Document.Parsed[];
  try {
    documents = Array.from(new Composer({ merge: true, uniqueKeys: false }).compose(nestingCapped(text, lineCounter)));
  } catch (err) {
    if (!(err instanceof LimitError)) throw err;
    return [{ file, ...(err.line ? { line: err.line } : {}), message: err.message }];
  }
  for (const doc of documents) checkUniqueKeys(doc);
  // An error at the end of the input (an unclosed bracket) is reported on the last written line.
  const lastWritten = Math.max(0, text.trimEnd().length - 1);
  const errors = documents.flatMap((doc) =>
    doc.errors.map((e) => ({
      file,
      line: lineOf(Math.min(e.pos[0], lastWritten)),
      message: `invalid YAML: ${e.message.split('\n')[0]}`,
    })),
  );
  return errors.length > 0 ? errors : { text, documents, lineOf };
}

/** The CST tokens of `text`, stopping with a LimitError when collections nest deeper than MAX_NESTING. */
function* nestingCapped(text: string, lineCounter: LineCounter): Generator<CST.Token> {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > MAX_NESTING) {
      throw new LimitError(`nested more than ${MAX_NESTING} levels deep; not read`, lineCounter.linePos(parser.offset).line);
    }
  }
  yield* parser.end();
}

/** Duplicate keys in one pass per mapping (the library's own check compares each key with every earlier one). */
export function checkUniqueKeys(doc: Document.Parsed): void {
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (seen.has(key)) doc.errors.push(new YAMLParseError(offsetsOf(pair.key), 'DUPLICATE_KEY', 'Map keys must be unique'));
        seen.add(key);
      }
    },
  });
}

function offsetsOf(node: Scalar): [number, number] {
  const start = node.range?.[0] ?? 0;
  return [start, start + 1];
}

/** Alias → its node, per document: found in one walk (Alias.resolve walks the whole document for each alias). */
const aliasTargets = new WeakMap<Document.Parsed, Map<Alias, Node | null>>();

function aliasTarget(alias: Alias, doc: Document.Parsed): Node | null {
  let targets = aliasTargets.get(doc);
  if (!targets) {
    const found = new Map<Alias, Node | null>();
    const anchors = new Map<string, Node>();
    // The last node with the anchor before the alias, in document order, as YAML defines it.
    visit(doc, {
      Node(_key, node) {
        if (isAlias(node)) found.set(node, anchors.get(node.source) ?? null);
        else if (node.anchor) anchors.set(node.anchor, node);
      },
    });
    targets = found;
    aliasTargets.set(doc, targets);
  }
  return targets.get(alias) ?? null;
}

/** The node an alias points to, or the node itself. */
export function resolveNode(node: unknown, doc: Document.Parsed): Node | null {
  if (isAlias(node)) return aliasTarget(node, doc);
  return (node as Node | null | undefined) ?? null;
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const value = key.value;
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}

/** What mapGet learned about each mapping: its own keys, and each key's value after merges. */
interface MapFacts {
  own: Map<unknown, Pair>;
  merged: Map<string, Node | null>;
}

const mapFacts = new WeakMap<YAMLMap, MapFacts>();

function factsOf(map: YAMLMap): MapFacts {
  let facts = mapFacts.get(map);
  if (!facts) {
    const own = new Map<unknown, Pair>();
    for (const pair of map.items as Pair[]) if (isScalar(pair.key) && !own.has(pair.key.value)) own.set(pair.key.value, pair);
    facts = { own, merged: new Map() };
    mapFacts.set(map, facts);
  }
  return facts;
}

/**
 * The value of `key` in a mapping, following aliases and `<<` merge keys (keys written in the map
 * win over merged ones, earlier merge sources over later ones, as YAML's merge key defines).
 * Each mapping answers each key once, so merges of merges (a billion laughs) cost their size.
 */
export function mapGet(map: unknown, key: string, doc: Document.Parsed, depth = 0): Node | null {
  const resolved = resolveNode(map, doc);
  if (!isMap(resolved) || depth > 16) return null;
  const facts = factsOf(resolved);
  const known = facts.merged.get(key);
  if (known !== undefined) return known;
  // A merge cycle back to this mapping finds nothing.
  facts.merged.set(key, null);
  const found = lookUp(resolved, facts, key, doc, depth);
  facts.merged.set(key, found);
  return found;
}

function lookUp(map: YAMLMap, facts: MapFacts, key: string, doc: Document.Parsed, depth: number): Node | null {
  const own = facts.own.get(key);
  if (own) return resolveNode(own.value, doc);
  for (const pair of (map.items as Pair[]).filter((p) => isMergeKey(p.key))) {
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const found = mapGet(source, key, doc, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** The entries of a mapping (aliases resolved), or null when the node is not a mapping. */
export function mapEntries(node: Node | null, doc: Document.Parsed): { key: string; value: Node | null }[] | null {
  if (!isMap(node)) return null;
  return (node as YAMLMap).items
    .filter((pair) => !isMergeKey(pair.key))
    .map((pair) => ({ key: String(isScalar(pair.key) ? pair.key.value : pair.key), value: resolveNode(pair.value, doc) }));
}

/** The string a scalar holds, tied to file offsets when its characters are written one-to-one in the file. */
export function scalarString(scalar: Scalar, text: string): SourcedString | null {
  if (scalar.value === null || scalar.value === undefined || !scalar.range) return null;
  const [start, end] = scalar.range;
  const raw = text.slice(start, end);
  const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
  const inner = quoted ? raw.slice(1, -1) : raw;
  const innerStart = quoted ? start + 1 : start;
  // A plain `image: 20` reads as a number; the image is what is written.
  const value = typeof scalar.value === 'string' ? scalar.value : scalar.type === 'PLAIN' ? raw : String(scalar.value);
  const at = inner === value ? innerStart : blockValueStart(scalar, raw, value);
  if (at < 0) return { text: value, offsets: null };
  return { text: value, offsets: Array.from(value, (_, i) => at + i) };
}

/**
 * Where a one-line block scalar (`image: >-` then `node:20` on the next line) writes its value,
 * relative to the scalar's start plus that start, or -1 when it is not written one-to-one.
 */
function blockValueStart(scalar: Scalar, raw: string, value: string): number {
  if ((scalar.type !== 'BLOCK_FOLDED' && scalar.type !== 'BLOCK_LITERAL') || value === '' || /\s/.test(value)) return -1;
  const header = raw.indexOf('\n');
  if (header < 0) return -1;
  const body = raw.slice(header + 1);
  const lead = body.length - body.trimStart().length;
  if (!body.startsWith(value, lead) || body.slice(lead + value.length).trim() !== '') return -1;
  return scalar.range![0] + header + 1 + lead;
}

/** Why an image value is not read: longer than any reference, e.g. `${a:-${a:-…}}` nested thousands deep. */
export function referenceTooLong(value: SourcedString, where: string): string | null {
  return value.text.length > MAX_REFERENCE_LENGTH ? `${excerpt(where)} is longer than ${MAX_REFERENCE_LENGTH} characters; not read` : null;
}

/** The part of a sourced string from `from` on (e.g. after a `docker://` prefix). */
export function sliceSourced(value: SourcedString, from: number): SourcedString {
  return { text: value.text.slice(from), offsets: value.offsets ? value.offsets.slice(from) : null };
}

export interface ImageSite {
  manager: string;
  file: string;
  /** Offset where the YAML scalar starts: identifies the value between extract() calls. */
  valueStart: number;
  lineOf(offset: number): number;
}

/** A dependency for an image reference read from a YAML value. */
export function imageValueDependency(reference: SourcedString, site: ImageSite): Dependency {
  const firstOffset = reference.offsets?.find((o) => o >= 0) ?? site.valueStart;
  const dep = imageDependency(reference.text, { manager: site.manager, file: site.file, line: site.lineOf(firstOffset) });
  const location: ImageValueLocation = { valueStart: site.valueStart, reference: reference.text, offsets: reference.offsets };
  if (!reference.offsets) location.notEditable = 'the value uses YAML escapes or line folding, so it cannot be rewritten in place';
  return { ...dep, location };
}

/** A dependency Freshen will not look up, reported with why (unresolved variable, expression...). */
export function skippedImageDependency(written: string, skipReason: string, site: ImageSite): Dependency {
  return {
    manager: site.manager,
    datasource: 'docker',
    file: site.file,
    line: site.lineOf(site.valueStart),
    depName: nameOfWritten(written),
    currentValue: null,
    currentDigest: null,
    reference: written,
    skipReason,
  };
}

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

function locationOf(dep: Dependency): ImageValueLocation {
  const loc = dep.location as Partial<ImageValueLocation> | undefined;
  if (!loc || typeof loc.valueStart !== 'number' || typeof loc.reference !== 'string') {
    throw new UpdateError(`${dep.file}:${dep.line}: dependency ${dep.depName} has no location from this manager`);
  }
  return loc as ImageValueLocation;
}

interface Edit {
  start: number;
  end: number;
  text: string;
  /** Digest edits come after tag edits at the same offset. */
  order: number;
}

/** Source range of the reference's characters [from, to); an empty range is an insertion after `from - 1`. */
function sourceRange(offsets: number[], from: number, to: number): { start: number; end: number } | null {
  if (from === to) {
    const before = offsets[from - 1];
    return before === undefined || before < 0 ? null : { start: before + 1, end: before + 1 };
  }
  const first = offsets[from]!;
  for (let i = from; i < to; i++) if (offsets[i]! < 0 || offsets[i] !== first + (i - from)) return null;
  return { start: first, end: first + (to - from) };
}

/**
 * Replaces reference[from, to) with `wanted`, touching only the characters that differ, so a tag
 * half in a default and half written (`${TAG:-20.11}-alpine`) is edited inside the default.
 */
function smallestEdit(reference: string, from: number, to: number, wanted: string): { from: number; to: number; text: string } {
  const old = reference.slice(from, to);
  let prefix = 0;
  while (prefix < old.length && prefix < wanted.length && old[prefix] === wanted[prefix]) prefix++;
  let suffix = 0;
  while (suffix < old.length - prefix && suffix < wanted.length - prefix && old.at(-1 - suffix) === wanted.at(-1 - suffix)) suffix++;
  return { from: from + prefix, to: to - suffix, text: wanted.slice(prefix, wanted.length - suffix) };
}

/** The edits that turn the reference's tag and digest into the new ones, in reference coordinates. */
function plannedEdits(reference: string, dep: Dependency, change: DependencyChange): { from: number; to: number; text: string; order: number }[] {
  const at = reference.indexOf('@');
  const nameTagEnd = at < 0 ? reference.length : at;
  const colon = reference.lastIndexOf(':', nameTagEnd - 1);
  const hasTag = colon > reference.lastIndexOf('/', nameTagEnd - 1);
  const nameEnd = hasTag ? colon : nameTagEnd;
  const edits = [];
  if (change.newValue !== dep.currentValue) {
    if (hasTag && change.newValue !== null) edits.push({ ...smallestEdit(reference, colon + 1, nameTagEnd, change.newValue), order: 0 });
    else if (hasTag) edits.push({ from: colon, to: nameTagEnd, text: '', order: 0 });
    else edits.push({ from: nameEnd, to: nameEnd, text: `:${change.newValue}`, order: 0 });
  }
  if (change.newDigest !== dep.currentDigest) {
    if (at >= 0 && change.newDigest !== null) edits.push({ from: at + 1, to: reference.length, text: change.newDigest, order: 1 });
    else if (at >= 0) edits.push({ from: at, to: reference.length, text: '', order: 1 });
    else edits.push({ from: nameTagEnd, to: nameTagEnd, text: `@${change.newDigest}`, order: 1 });
  }
  return edits;
}

function checkChange(dep: Dependency, change: DependencyChange): void {
  if (change.newValue !== null && !TAG.test(change.newValue)) {
    throw new UpdateError(`${dep.file}:${dep.line}: "${change.newValue}" is not a valid tag`);
  }
  if (change.newDigest !== null && !DIGEST.test(change.newDigest)) {
    throw new UpdateError(`${dep.file}:${dep.line}: "${change.newDigest}" is not a valid digest`);
  }
}

/**
 * Rewrites only the tag and digest bytes of an image reference in a YAML value, then extracts the
 * new text again and checks the dependency now has the new values.
 */
export function updateImageValue(
  text: string,
  dep: Dependency,
  change: DependencyChange,
  extract: (text: string, file: string) => ExtractResult,
): string {
  const where = `${dep.file}:${dep.line}`;
  if (dep.skipReason) throw new UpdateError(`${where}: ${dep.depName} is not updatable (${dep.skipReason})`);
  const loc = locationOf(dep);
  if (!loc.offsets) throw new UpdateError(`${where}: ${loc.notEditable ?? 'value cannot be rewritten in place'}`);
  checkChange(dep, change);
  const offsets = loc.offsets;
  const unchanged = offsets.length === loc.reference.length && offsets.every((o, i) => o < 0 || text[o] === loc.reference[i]);
  if (!unchanged) throw new UpdateError(`${where}: the file changed since ${dep.depName} was extracted`);

  const edits: Edit[] = plannedEdits(loc.reference, dep, change).map((edit) => {
    const range = sourceRange(offsets, edit.from, edit.to);
    if (!range) throw new UpdateError(`${where}: the tag or digest of ${loc.reference} is split across variables`);
    return { ...range, text: edit.text, order: edit.order };
  });
  edits.sort((a, b) => b.start - a.start || b.order - a.order);
  let result = text;
  for (const edit of edits) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  verifyUpdate(result, dep, change, loc.valueStart, extract);
  return result;
}

function verifyUpdate(
  result: string,
  dep: Dependency,
  change: DependencyChange,
  valueStart: number,
  extract: (text: string, file: string) => ExtractResult,
): void {
  const again = extract(result, dep.file);
  const updated = again.deps.find((d) => (d.location as ImageValueLocation | undefined)?.valueStart === valueStart);
  // A file that no longer parses has no dependencies, so `updated` is then undefined.
  const ok =
    updated !== undefined &&
    !updated.skipReason &&
    updated.depName === dep.depName &&
    updated.currentValue === change.newValue &&
    updated.currentDigest === change.newDigest;
  if (!ok) {
    const got = updated ? `${updated.currentValue ?? '(no tag)'}@${updated.currentDigest ?? '(no digest)'}` : 'nothing';
    throw new UpdateError(`${dep.file}:${dep.line}: rewriting ${dep.depName} did not round-trip (re-extracted ${got})`);
  }
}
