// Variables in scope as an immutable hash trie: declaring one shares the rest, so a scope per instruction stays linear.
import type { Variable } from './types.js';

const BITS = 5;
const MASK = (1 << BITS) - 1;

/** Names whose hashes are equal, with their variables. */
interface Leaf {
  hash: number;
  entries: [string, Variable][];
}

type TrieNode = Leaf | (TrieNode | undefined)[];

function hashOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function insert(node: TrieNode | undefined, hash: number, shift: number, name: string, variable: Variable): TrieNode {
  if (node === undefined) return { hash, entries: [[name, variable]] };
  if (Array.isArray(node)) {
    const copy = node.slice();
    const slot = (hash >>> shift) & MASK;
    copy[slot] = insert(copy[slot], hash, shift + BITS, name, variable);
    return copy;
  }
  if (node.hash === hash) return { hash, entries: [...node.entries.filter(([key]) => key !== name), [name, variable]] };
  // Two different hashes part within the 32 bits, so this never splits past the last level.
  const branch: (TrieNode | undefined)[] = new Array(1 << BITS);
  branch[(node.hash >>> shift) & MASK] = node;
  return insert(branch, hash, shift, name, variable);
}

/** The variables visible at one point of a Dockerfile (the later declaration of a name wins). */
export class VariableScope {
  static readonly empty = new VariableScope(undefined);

  private constructor(private readonly root: TrieNode | undefined) {}

  get(name: string): Variable | undefined {
    const hash = hashOf(name);
    let node = this.root;
    for (let shift = 0; Array.isArray(node); shift += BITS) node = node[(hash >>> shift) & MASK];
    if (node === undefined || node.hash !== hash) return undefined;
    return node.entries.find(([key]) => key === name)?.[1];
  }

  /** A new scope with `name` declared; this one is unchanged. */
  with(name: string, variable: Variable): VariableScope {
    return new VariableScope(insert(this.root, hashOf(name), 0, name, variable));
  }
}
