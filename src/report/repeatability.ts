// Repeatability report of one Dockerfile: what makes the next build differ from this one. Pure; never a failure.
import { parseImageReference } from '../image/reference.js';
import { baseImageOf, flagValue, parseDockerfile, type Instruction, type Stage } from '../managers/dockerfile/index.js';
import { findPackagePins } from '../managers/os-packages/index.js';

export type RepeatabilityRule =
  | 'from-without-digest'
  | 'latest-or-no-tag'
  | 'unpinned-packages'
  | 'download-without-checksum'
  | 'no-healthcheck'
  | 'runs-as-root'
  | 'secret-in-build-arg';

export interface RepeatabilityFinding {
  file: string;
  line: number;
  rule: RepeatabilityRule;
  /** What is wrong, in one sentence. */
  message: string;
  /** How to fix it, in one line. */
  fix: string;
}

export interface RepeatabilityOptions {
  /** The repository pins digests (process `pinned`): a FROM without one is worth reporting. */
  pinned?: boolean;
}

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY/i;
const CHECKSUM_CHECK = /\b(sha(1|224|256|384|512)sum|md5sum|b2sum|cksum)\b|gpg(v)?\s+--verify|\bcosign\s+verify|--checksum\b|--hash\b/;
const DOWNLOAD = /\b(curl|wget)\s[^;&|\n]*(https?:\/\/|\$)/;

export function repeatabilityReport(file: string, text: string, options: RepeatabilityOptions = {}): RepeatabilityFinding[] {
  const parsed = parseDockerfile(text);
  const findings: RepeatabilityFinding[] = [];
  const add = (line: number, rule: RepeatabilityRule, message: string, fix: string) => findings.push({ file, line, rule, message, fix });
  for (const stage of parsed.stages) {
    checkBase(parsed.stages, stage, options, add);
    for (const instruction of stage.instructions) checkInstruction(instruction, add);
  }
  for (const variable of parsed.variables) {
    if (!SECRET_NAME.test(variable.name)) continue;
    add(variable.line, 'secret-in-build-arg', `${variable.kind} ${variable.name} looks like a secret; ${variable.kind} values stay in the image history.`, 'Pass it with `RUN --mount=type=secret,id=...` instead of ARG/ENV.');
  }
  const final = parsed.stages.at(-1);
  if (final) checkFinalStage(final, add);
  return findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

type Add = (line: number, rule: RepeatabilityRule, message: string, fix: string) => void;

function checkBase(stages: readonly Stage[], stage: Stage, options: RepeatabilityOptions, add: Add): void {
  const base = baseImageOf(stages, stage);
  if (!base || base.reference.unresolved.length > 0) return;
  const written = base.reference.value.text;
  let reference;
  try {
    reference = parseImageReference(written);
  } catch {
    return;
  }
  const line = stage.from.line;
  if (reference.tag === null && reference.digest === null) {
    add(line, 'latest-or-no-tag', `\`${written}\` has no tag, so it means \`latest\`, whatever that is today.`, 'Name a version tag, e.g. `node:24-bookworm-slim`.');
  } else if (reference.tag === 'latest') {
    add(line, 'latest-or-no-tag', `\`${written}\` uses \`latest\`, which moves to new major versions.`, 'Name a version tag instead of `latest`.');
  }
  if (options.pinned && reference.digest === null) {
    add(line, 'from-without-digest', `\`${written}\` is not pinned by digest; the tag can point to a different image tomorrow.`, 'Append `@sha256:<digest>` (Freshen proposes it and keeps it fresh).');
  }
}

function checkInstruction(instruction: Instruction, add: Add): void {
  if (instruction.keyword === 'ADD') return checkAdd(instruction, add);
  if (instruction.keyword !== 'RUN') return;
  const command = [instruction.args.text, ...instruction.heredocs.map((h) => h.body)].join('\n');
  const unpinned = [...findPackagePins(command).unpinned, ...unpinnedPip(command)];
  if (unpinned.length > 0) {
    add(instruction.line, 'unpinned-packages', `Installs ${unpinned.map((p) => `\`${p}\``).join(', ')} without a version: each build may get a different one.`, 'Pin versions (`pkg=1.2.3`, `pkg==1.2.3`); Freshen keeps OS package pins fresh.');
  }
  if (DOWNLOAD.test(command) && !CHECKSUM_CHECK.test(command)) {
    add(instruction.line, 'download-without-checksum', 'Downloads with curl/wget and never checks what arrived.', 'Verify it in the same RUN: `echo "<sha256>  file" | sha256sum -c -`.');
  }
}

function checkAdd(instruction: Instruction, add: Add): void {
  const sources = instruction.args.text.split(/\s+/).slice(0, -1);
  if (!sources.some((s) => /^https?:\/\//.test(s)) || flagValue(instruction, 'checksum')) return;
  add(instruction.line, 'download-without-checksum', 'ADD downloads a URL without `--checksum`.', 'Add `--checksum=sha256:<digest>` to the ADD line.');
}

function checkFinalStage(stage: Stage, add: Add): void {
  const healthcheck = stage.instructions.some((i) => i.keyword === 'HEALTHCHECK');
  if (!healthcheck) {
    add(stage.from.line, 'no-healthcheck', 'The final stage has no HEALTHCHECK, so a hung process looks healthy.', 'Add `HEALTHCHECK CMD ...` (or `HEALTHCHECK NONE` to say it is deliberate).');
  }
  const users = stage.instructions.filter((i) => i.keyword === 'USER');
  const last = users.at(-1);
  const user = last?.args.text.trim().split(':')[0];
  if (!last || user === 'root' || user === '0') {
    add(last?.line ?? stage.from.line, 'runs-as-root', 'The final stage runs as root.', 'Add `USER <unprivileged user>` (e.g. `USER 10001`) after the last step that needs root.');
  }
}

/** Packages `pip install` is told to install without `==`, `===` or a file/URL. */
export function unpinnedPip(command: string): string[] {
  const found: string[] = [];
  for (const segment of command.split(/&&|\|\||;|\n|\|/)) {
    const words = segment.trim().split(/\s+/).map((w) => w.replace(/^["']|["']$/g, ''));
    const pip = words.findIndex((w) => /^pip(3(\.\d+)?)?$/.test(w) || w.endsWith('/pip') || w.endsWith('/pip3'));
    if (pip < 0 || words[pip + 1] !== 'install') continue;
    let skipNext = false;
    for (const word of words.slice(pip + 2)) {
      if (skipNext) {
        skipNext = false;
        continue;
      }
      if (/^-(r|c|e|i|-requirement|-constraint|-index-url|-extra-index-url|-target|t)$/.test(word)) {
        skipNext = true;
        continue;
      }
      if (word.startsWith('-') || word === '' || word === '\\') continue;
      if (/===?|@|\/|\.whl$|\.tar\.gz$/.test(word)) continue;
      found.push(word);
    }
  }
  return found;
}

/** Markdown for the dashboard: one row per finding, file:line and the fix. */
export function renderRepeatability(findings: readonly RepeatabilityFinding[]): string {
  if (findings.length === 0) return '_No findings: the images build the same way twice._';
  const rows = findings.map((f) => `| \`${f.file}:${f.line}\` | ${f.message.replace(/\|/g, '\\|')} | ${f.fix.replace(/\|/g, '\\|')} |`);
  return ['| Where | Finding | Fix |', '| --- | --- | --- |', ...rows].join('\n');
}
