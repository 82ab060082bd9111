// Planner: says when .nvmrc, engines.node, .python-version, requires-python or go.mod disagree with a language base image.
import { isIgnored } from '../engine/scan.js';
import type { PlannedUpdate, Planner, PlanState, ScanContext } from '../engine/types.js';
import { MAX_FILE_BYTES } from '../managers/limits.js';
import { inlineCode } from '../markdown-safe.js';
import type { Dependency } from '../types.js';
import { agrees, baseRuntime, type BaseRuntime } from './runtime-agreement.js';
import { RUNTIME_FILES, type Language, type RuntimeClaim } from './runtime-files.js';
import { dependencyOf } from './platforms.js';

/** `dependency.extra.runtimeDisagreement`: the files that already disagree with the base image as it is now. */
export interface RuntimeDisagreement {
  /** The image as written, without its digest: `node:22-alpine`. */
  image: string;
  files: Pick<RuntimeClaim, 'file' | 'field' | 'says'>[];
}

declare module '../types.js' {
  interface DependencyInsights {
    runtimeDisagreement: RuntimeDisagreement;
  }
}

/** Folders walked up from a Dockerfile towards the root; deeper trees are not real build contexts. */
const MAX_PARENT_DIRS = 32;

export function runtimePlanner(): Planner {
  return {
    name: 'runtime',
    async plan(state: PlanState, ctx: ScanContext): Promise<void> {
      const files = new RuntimeFiles(state, ctx);
      for (const dep of state.dependencies) {
        if (dep.manager !== 'dockerfile' || dep.skipReason || isIgnored(dep, state.options.ignore ?? [])) continue;
        const base = baseRuntime(dep.depName, dep.currentValue);
        if (!base) continue;
        const off = (await files.claimsFor(dep.file, base.language)).filter((c) => !agrees(c.constraint, base.release));
        if (off.length > 0) dep.extra = { ...dep.extra, runtimeDisagreement: { image: withoutDigest(dep.reference ?? dep.depName), files: off.map(said) } satisfies RuntimeDisagreement };
      }
      for (const update of [...state.updates, ...state.held.map((h) => h.update)]) {
        const note = await moveNote(update, dependencyOf(state, update), files);
        if (note) update.notes = [...(update.notes ?? []), note];
      }
    },
  };
}

/** "`node:22` → `node:24`: `.nvmrc` says `22` — it will disagree with the new base image", or null when nothing disagrees. */
async function moveNote(update: PlannedUpdate, dep: Dependency | undefined, files: RuntimeFiles): Promise<string | null> {
  if (update.manager !== 'dockerfile' || !dep?.currentValue || !update.newValue || update.newValue === dep.currentValue) return null;
  const before = baseRuntime(update.depName, dep.currentValue);
  const after = baseRuntime(update.depName, update.newValue);
  if (!before || !after || sameRelease(before, after)) return null;
  const claims = await files.claimsFor(update.file, after.language);
  const off = claims.filter((c) => !agrees(c.constraint, after.release));
  const move = `${inlineCode(withoutDigest(update.from))} → ${inlineCode(withoutDigest(update.to))}`;
  if (off.length === 0) {
    const fixed = claims.filter((c) => !agrees(c.constraint, before.release));
    return fixed.length > 0 ? `${move}: ${listClaims(fixed)} — ${fixed.length === 1 ? 'it disagrees' : 'they disagree'} with the current base image; the new one agrees` : null;
  }
  const already = off.every((c) => !agrees(c.constraint, before.release));
  const outcome = already
    ? `${off.length === 1 ? 'it disagrees' : 'they disagree'} with the current base image and will with the new one too`
    : `${off.length === 1 ? 'it' : 'they'} will disagree with the new base image`;
  return `${move}: ${listClaims(off)} — ${outcome}`;
}

function sameRelease(a: BaseRuntime, b: BaseRuntime): boolean {
  return a.release.length === b.release.length && a.release.every((n, i) => n === b.release[i]);
}

/** "`.nvmrc` says `22` and `package.json` engines.node says `^22`". */
export function listClaims(claims: readonly Pick<RuntimeClaim, 'file' | 'field' | 'says'>[], code: (text: string) => string = inlineCode): string {
  const phrases = claims.map((c) => `${code(c.file)}${c.field ? ` ${c.field}` : ''} says ${code(c.says)}`);
  return phrases.length <= 1 ? (phrases[0] ?? '') : `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)}`;
}

function said(claim: RuntimeClaim): Pick<RuntimeClaim, 'file' | 'field' | 'says'> {
  return { file: claim.file, field: claim.field, says: claim.says };
}

function withoutDigest(reference: string): string {
  return reference.replace(/@[a-z0-9]+:[0-9a-f]+$/i, '');
}

/**
 * The runtime files that apply to a Dockerfile: for each file name, the nearest one in the
 * Dockerfile's folder or a parent up to the root, as nvm, pyenv, npm and go find theirs. Each file
 * is read and parsed once per scan; one that cannot be read or parsed says nothing.
 */
class RuntimeFiles {
  private readonly texts = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly state: PlanState,
    private readonly ctx: ScanContext,
  ) {}

  async claimsFor(dockerfile: string, language: Language): Promise<RuntimeClaim[]> {
    const claims: RuntimeClaim[] = [];
    for (const { name, read } of RUNTIME_FILES[language]) {
      for (const dir of parentDirs(dockerfile)) {
        const path = dir ? `${dir}/${name}` : name;
        const text = await this.read(path);
        if (text === undefined) continue;
        claims.push(...read(text).map((claim) => ({ file: path, ...claim })));
        break;
      }
    }
    return claims;
  }

  private read(path: string): Promise<string | undefined> {
    let text = this.texts.get(path);
    if (!text) {
      const scanned = this.state.texts.get(path);
      text = scanned !== undefined ? Promise.resolve(scanned) : this.readUnlisted(path);
      this.texts.set(path, text);
    }
    return text;
  }

  private async readUnlisted(path: string): Promise<string | undefined> {
    if (!this.state.source) return undefined;
    try {
      const text = await this.state.source.read(path);
      return text.length <= MAX_FILE_BYTES ? text : undefined;
    } catch (err) {
      this.ctx.log.debug({ file: path, err: err instanceof Error ? err.message : String(err) }, 'runtime file not read');
      return undefined;
    }
  }
}

/** `a/b/Dockerfile` → `a/b`, `a`, `` (the root): the nearest MAX_PARENT_DIRS folders, then the root. */
export function parentDirs(file: string): string[] {
  const dirs: string[] = [];
  let dir = file.slice(0, Math.max(0, file.lastIndexOf('/')));
  while (dir && dirs.length < MAX_PARENT_DIRS) {
    dirs.push(dir);
    dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')));
  }
  return [...dirs, ''];
}
