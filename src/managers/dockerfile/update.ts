// Rewrites only the bytes of one image's tag and digest in a Dockerfile (in the instruction or its ARG default).
import { type Dependency, type DependencyChange, type TextRange, UpdateError } from '../../types.js';
import { type DockerfileLocation, extractDockerfile } from './extract.js';
import { isContiguous } from './mapped.js';

interface Edit {
  start: number;
  end: number;
  text: string;
}

export function updateDockerfile(text: string, dep: Dependency, change: DependencyChange): string {
  const where = `${dep.file}:${dep.line}`;
  if (dep.skipReason) throw new UpdateError(`${where}: ${dep.depName} cannot be updated (${dep.skipReason})`);
  const location = readLocation(dep, where);
  checkUnchanged(text, location, where);
  const editor = new ReferenceEditor(location, where);
  const edits = editor.plan(change);
  const result = applyEdits(text, edits, where);
  verify(result, dep, change, location, where);
  return result;
}

function readLocation(dep: Dependency, where: string): DockerfileLocation {
  const location = dep.location as Partial<DockerfileLocation> | undefined;
  const valid =
    location !== undefined &&
    typeof location.reference === 'string' &&
    Array.isArray(location.offsets) &&
    location.offsets.length === location.reference.length &&
    typeof location.index === 'number' &&
    location.instructionRange !== undefined &&
    location.tokenRange !== undefined;
  if (!valid) throw new UpdateError(`${where}: ${dep.depName} has no Dockerfile location (not from this manager's extract)`);
  return location as DockerfileLocation;
}

function checkUnchanged(text: string, location: DockerfileLocation, where: string): void {
  location.offsets.forEach((offset, i) => {
    if (offset >= 0 && text[offset] !== location.reference[i]) {
      throw new UpdateError(`${where}: the file changed since ${location.reference} was extracted from it`);
    }
  });
}

/** Plans the edits of the tag part (`:tag`) and the digest part (`@digest`) of one reference. */
class ReferenceEditor {
  private readonly reference: string;
  private readonly offsets: number[];

  constructor(
    private readonly location: DockerfileLocation,
    private readonly where: string,
  ) {
    this.reference = location.reference;
    this.offsets = location.offsets;
  }

  plan(change: DependencyChange): Edit[] {
    const at = this.reference.indexOf('@');
    const digestStart = at < 0 ? this.reference.length : at;
    const beforeDigest = this.reference.slice(0, digestStart);
    const colon = beforeDigest.lastIndexOf(':');
    const tagStart = colon > beforeDigest.lastIndexOf('/') ? colon : digestStart;
    const newTag = change.newValue === null ? '' : `:${change.newValue}`;
    const newDigest = change.newDigest === null ? '' : `@${change.newDigest}`;
    const edits = [
      this.partEdit('tag', tagStart, this.reference.slice(tagStart, digestStart), newTag),
      this.partEdit('digest', digestStart, this.reference.slice(digestStart), newDigest),
    ];
    return edits.filter((edit): edit is Edit => edit !== null);
  }

  private isLiteral(offset: number): boolean {
    const { start, end } = this.location.instructionRange;
    return offset >= start && offset < end;
  }

  private isVariable(offset: number | undefined): offset is number {
    return offset !== undefined && offset >= 0 && !this.isLiteral(offset);
  }

  /** The smallest edit turning the written part `old` (at `start`) into `wanted`. */
  private partEdit(what: string, start: number, old: string, wanted: string): Edit | null {
    if (old === wanted) return null;
    let prefix = 0;
    while (prefix < old.length && prefix < wanted.length && old[prefix] === wanted[prefix]) prefix++;
    let suffix = 0;
    while (suffix < old.length - prefix && suffix < wanted.length - prefix && old.at(-1 - suffix) === wanted.at(-1 - suffix)) suffix++;
    const from = start + prefix;
    const to = start + old.length - suffix;
    const text = wanted.slice(prefix, wanted.length - suffix);
    const fromVariable = this.offsets.slice(start, start + old.length).some((offset) => this.isVariable(offset));
    if (from === to) return { ...this.insertionPoint(from, fromVariable), text };
    if (!isContiguous(this.offsets, from, to)) {
      throw new UpdateError(`${this.where}: the ${what} of ${this.reference} is not written in one place; cannot make it "${wanted.slice(1)}"`);
    }
    const first = this.offsets[from]!;
    if (fromVariable && this.isLiteral(first)) {
      throw new UpdateError(
        `${this.where}: the ${what} of ${this.reference} comes partly from a variable; "${wanted.slice(1)}" must keep the text written around it`,
      );
    }
    return { start: first, end: this.offsets[to - 1]! + 1, text };
  }

  /** Where to insert new characters before reference index `index`. */
  private insertionPoint(index: number, preferVariable: boolean): TextRange {
    const left = this.offsets[index - 1];
    const right = this.offsets[index];
    const atEnd = index === this.reference.length;
    const point = (offset: number): TextRange => ({ start: offset, end: offset });
    if (preferVariable) {
      if (this.isVariable(left)) return point(left + 1);
      if (this.isVariable(right)) return point(right);
    } else {
      if (left !== undefined && right !== undefined && left >= 0 && right === left + 1) return point(right);
      // A reference that is one variable's whole value gets the new text in that value.
      if (atEnd && left !== undefined && isContiguous(this.offsets)) return point(left + 1);
      if (left !== undefined && this.isLiteral(left)) return point(left + 1);
      if (atEnd) return point(this.location.tokenRange.end);
      if (right !== undefined && this.isLiteral(right)) return point(right);
    }
    throw new UpdateError(`${this.where}: no place to write into ${this.reference} at position ${index}`);
  }
}

function applyEdits(text: string, edits: Edit[], where: string): string {
  const ordered = edits.map((edit, order) => ({ edit, order })).sort((a, b) => a.edit.start - b.edit.start || a.order - b.order);
  let result = '';
  let cursor = 0;
  for (const { edit } of ordered) {
    if (edit.start < cursor) throw new UpdateError(`${where}: the tag and digest edits overlap`);
    result += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

/** Extracts the new text again: the dependency must now have exactly the wanted tag and digest. */
function verify(result: string, dep: Dependency, change: DependencyChange, location: DockerfileLocation, where: string): void {
  const after = extractDockerfile(result, dep.file).deps[location.index];
  const ok =
    after !== undefined &&
    after.skipReason === undefined &&
    after.depName === dep.depName &&
    after.currentValue === change.newValue &&
    after.currentDigest === change.newDigest;
  if (ok) return;
  const got = after ? (after.skipReason ?? after.reference) : 'nothing';
  throw new UpdateError(`${where}: rewriting ${dep.depName} did not give the wanted reference (re-extracted: ${got})`);
}
