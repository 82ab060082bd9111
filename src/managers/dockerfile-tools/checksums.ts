// Checksums a RUN writes: hex literals (`echo "<sha>  f" | sha256sum -c`, per-arch `case` arms) and `$X_SHA256` references.
import type { TextRange } from '../../types.js';

export type ChecksumAlgorithm = 'sha256' | 'sha512';

/** One place a checksum is written, as the RUN reads it. */
export interface ChecksumSite {
  algorithm: ChecksumAlgorithm;
  value: string;
  /** Index in the command text of the literal, or of the `$NAME` reference. */
  at: number;
  /** Set for a literal: where it is in the command text. */
  literal?: { start: number; end: number };
  /** Set for a reference to an ARG/ENV checksum. */
  variable?: string;
  /** The `case` arm it is written in: its first pattern, and the shell variables the arm means. */
  arm?: { label: string; assigns: Record<string, string> };
}

const HEX = /(?<![0-9A-Za-z:])([0-9a-fA-F]{128}|[0-9a-fA-F]{64})(?![0-9A-Za-z])/g;
const CHECKSUM_TOOL = /\b(?:sha256sum|sha512sum|shasum)\b|\bopenssl\s+(?:dgst|sha256|sha512)\b|\bsha(?:256|512)\b/;
export const CHECKSUM_NAME = /(?:SHA256|SHA512|SHA256SUM|SHA512SUM|SHASUM|CHECKSUM|SHA)$/i;
const CHECKSUM_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export function algorithmOf(hex: string): ChecksumAlgorithm | null {
  if (!/^[0-9a-fA-F]+$/.test(hex)) return null;
  return hex.length === 64 ? 'sha256' : hex.length === 128 ? 'sha512' : null;
}

/** True when the command checks a checksum at all (a hex literal alone may be anything). */
export function checksChecksums(command: string): boolean {
  return CHECKSUM_TOOL.test(command);
}

interface CaseArm {
  range: TextRange;
  label: string;
  subject: string | null;
  assigns: Record<string, string>;
}

/** The arms of every `case … in … esac`, with the subject variable and the assignments of each. */
export function caseArms(command: string): CaseArm[] {
  const arms: CaseArm[] = [];
  const open = /\bcase\s+(.+?)\s+in\b/g;
  for (let m = open.exec(command); m; m = open.exec(command)) {
    const bodyStart = m.index + m[0].length;
    const close = /\besac\b/g;
    close.lastIndex = bodyStart;
    const end = close.exec(command)?.index ?? command.length;
    // `"$arch"`, `"${dpkgArch##*-}"`: the arm's label stands for that variable.
    const subject = /^"?\$\{?([A-Za-z_][A-Za-z0-9_]*)(?:[#%][^}]*)?\}?"?$/.exec(m[1]!.trim())?.[1] ?? null;
    let armStart = bodyStart;
    for (const piece of command.slice(bodyStart, end).split(';;')) {
      const head = /^[\s\\]*\(?\s*([^()]*?)\s*\)/.exec(piece);
      if (head) {
        const label = head[1]!.split('|')[0]!.trim().replace(/^['"]|['"]$/g, '');
        arms.push({ range: { start: armStart, end: armStart + piece.length }, label, subject, assigns: assignments(piece.slice(head[0].length)) });
      }
      armStart += piece.length + 2;
    }
    open.lastIndex = end;
  }
  return arms;
}

function assignments(body: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of body.matchAll(/(?:^|[\s;])([A-Za-z_][A-Za-z0-9_]*)=(?:'([^']*)'|"([^"$`\\]*)"|([^\s;'"$`\\]*))/g)) {
    found[m[1]!] = m[2] ?? m[3] ?? m[4] ?? '';
  }
  return found;
}

/**
 * Checksum sites in a command: literals (when the command runs a checksum tool) and references to
 * variables named like checksums (`isChecksumVariable` says which hold one).
 */
export function findChecksumSites(command: string, isChecksumVariable: (name: string) => string | null): ChecksumSite[] {
  const sites: ChecksumSite[] = [];
  const arms = caseArms(command);
  const armAt = (at: number) => arms.find((a) => a.range.start <= at && at < a.range.end);
  const withArm = (site: ChecksumSite): ChecksumSite => {
    const arm = armAt(site.at);
    if (!arm || arm.label === '*') return site;
    const assigns = { ...arm.assigns };
    if (arm.subject) assigns[arm.subject] = arm.label;
    return { ...site, arm: { label: arm.label, assigns } };
  };
  if (checksChecksums(command)) {
    for (const m of command.matchAll(HEX)) {
      const value = m[1]!;
      sites.push(withArm({ algorithm: algorithmOf(value)!, value, at: m.index, literal: { start: m.index, end: m.index + value.length } }));
    }
  }
  for (const m of command.matchAll(CHECKSUM_REF)) {
    const name = m[1] ?? m[2]!;
    if (!CHECKSUM_NAME.test(name)) continue;
    const value = isChecksumVariable(name);
    const algorithm = value ? algorithmOf(value) : null;
    if (value && algorithm) sites.push(withArm({ algorithm, value, at: m.index, variable: name }));
  }
  return sites.sort((a, b) => a.at - b.at);
}

/** One checksum in a tool's digest: `amd64=sha256:<hex>`, or `sha256:<hex>` with no label. */
export interface DigestPart {
  label: string | null;
  algorithm: ChecksumAlgorithm;
  hex: string;
}

/** The checksums of a tool as one `currentDigest` string, in file order. */
export function encodeDigest(parts: readonly DigestPart[]): string | null {
  if (parts.length === 0) return null;
  return parts.map((p) => `${p.label !== null ? `${p.label}=` : ''}${p.algorithm}:${p.hex.toLowerCase()}`).join(' ');
}

export function decodeDigest(digest: string): DigestPart[] | null {
  const parts: DigestPart[] = [];
  for (const piece of digest.split(' ')) {
    const m = /^(?:([^=\s]+)=)?(sha256|sha512):([0-9a-fA-F]+)$/.exec(piece);
    if (!m || algorithmOf(m[3]!) !== m[2]) return null;
    parts.push({ label: m[1] ?? null, algorithm: m[2] as ChecksumAlgorithm, hex: m[3]! });
  }
  return parts;
}
