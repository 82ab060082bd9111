// Table tests for variable expansion and ARG/ENV scoping, with the origin of every character.
import { describe, expect, it } from 'vitest';
import { expandWord, parseDockerfile } from '../../../src/managers/dockerfile/index.js';
import type { Expansion } from '../../../src/managers/dockerfile/index.js';

const GLOBALS = [
  'ARG A=1',
  'ARG EMPTY=',
  'ARG NODEF',
  'ARG T="node:20-alpine"',
  "ARG Q='it''s'",
  'ARG B=${A}2',
  'ARG C=$NODEF',
].join('\n');

/** Expands `word` in a FROM line after GLOBALS; checks every mapped character against the file. */
function expandInFrom(word: string): Expansion {
  const text = `${GLOBALS}\nFROM ${word}\n`;
  const parsed = parseDockerfile(text);
  const base = parsed.stages[0]!.base;
  if (base.kind !== 'image') throw new Error(`expected an image base, got ${base.kind}`);
  const { value } = base.reference;
  [...value.text].forEach((char, i) => {
    // -1: a character written nowhere (the replacement of ${V/a/b}).
    if (value.offsets[i] !== -1) expect(text[value.offsets[i]!]).toBe(char);
  });
  return base.reference;
}

describe('substitution forms', () => {
  const cases: Array<[word: string, value: string, unresolved?: string[]]> = [
    ['x$A', 'x1'],
    ['x${A}y', 'x1y'],
    ['x$Ay', 'x', ['Ay']],
    ['x${EMPTY:-w}', 'xw'],
    ['x${EMPTY-w}y', 'xy'],
    ['x${UNSET:-w}', 'xw'],
    ['x${UNSET-w}', 'xw'],
    ['x${NODEF:-w}', 'xw'],
    ['x${NODEF-w}', 'xw'],
    ['x${A:+w}', 'xw'],
    ['x${A+w}', 'xw'],
    ['x${EMPTY:+w}y', 'xy'],
    ['x${EMPTY+w}', 'xw'],
    ['x${UNSET+w}y', 'xy'],
    ['x${UNSET:-${A}z}', 'x1z'],
    ['x${UNSET:-"a-b"}', 'xa-b'],
    ['x\\$A', 'x$A'],
    ["x'$A'", 'x$A'],
    ['x"$A"', 'x1'],
    ['x"\\$A"', 'x$A'],
    ['x$', 'x$'],
    ['x$-', 'x$-'],
    ['x$NODEF', 'x', ['NODEF']],
    ['x${NODEF}', 'x', ['NODEF']],
    ['x$UNKNOWN', 'x', ['UNKNOWN']],
    ['x${NODEF:?need-it}', 'x', ['NODEF']], // a space would make FROM two words, which BuildKit refuses
    ['x$B', 'x12'],
    ['x$C', 'x', ['NODEF']],
    ['x$T', 'xnode:20-alpine'],
    ['x$Q', 'xits'],
    ['${T%-*}', 'node:20'],
    ['${T%%-*}', 'node:20'],
    ['${T#*:}', '20-alpine'],
    ['${T##*[:]}', '20-alpine'],
    ['${T#*[!a-z]}', '20-alpine'],
    ['${T/20/22}', 'node:22-alpine'],
    ['${T//[0-9]/9}', 'node:99-alpine'],
    ['x${A@x}', 'x', ['${A@x}']],
    ['${T%%:*}', 'node'],
    ['${T#node}', ':20-alpine'],
  ];
  it.each(cases)('%s → %s', (word, value, unresolved = []) => {
    const expansion = expandInFrom(word);
    expect(expansion.value.text).toBe(value);
    expect(expansion.unresolved).toEqual(unresolved);
  });

  it('maps an expanded value back to the ARG default it came from', () => {
    const text = 'ARG V=20\nFROM node:${V}-alpine\n';
    const base = parseDockerfile(text).stages[0]!.base;
    if (base.kind !== 'image') throw new Error('expected an image');
    const { offsets } = base.reference.value;
    expect(offsets.slice(5, 7)).toEqual([6, 7]);
    expect(text.slice(offsets[7]!, offsets[7]! + 7)).toBe('-alpine\n'.slice(0, 7));
  });

  it('follows the escape directive', () => {
    const scope = new Map();
    expect(expandWord({ text: 'a`$b\\c', offsets: [0, 1, 2, 3, 4, 5] }, scope, '`').value.text).toBe('a$b\\c');
  });
});

describe('ARG and ENV scoping', () => {
  /** The expanded --from value of the first COPY of the last stage. */
  function copyFrom(text: string): { value: string; unresolved: string[] } {
    const parsed = parseDockerfile(text);
    const stage = parsed.stages.at(-1)!;
    const i = stage.instructions.findIndex((instruction) => instruction.keyword === 'COPY');
    const flag = stage.instructions[i]!.flags.find((f) => f.name === 'from')!;
    const expansion = expandWord(flag.value!, stage.scopes[i]!, parsed.escapeChar);
    return { value: expansion.value.text, unresolved: expansion.unresolved };
  }

  const cases: Array<{ name: string; text: string; value: string; unresolved?: string[] }> = [
    { name: 'a global ARG is not visible in a stage', text: 'ARG IMG=busybox\nFROM a\nCOPY --from=$IMG / /\n', value: '', unresolved: ['IMG'] },
    { name: 'ARG NAME in a stage inherits the global default', text: 'ARG IMG=busybox\nFROM a\nARG IMG\nCOPY --from=$IMG / /\n', value: 'busybox' },
    { name: 'a stage ARG default', text: 'FROM a\nARG IMG=busybox:1\nCOPY --from=${IMG} / /\n', value: 'busybox:1' },
    { name: 'a stage ARG without default and no global', text: 'FROM a\nARG IMG\nCOPY --from=$IMG / /\n', value: '', unresolved: ['IMG'] },
    { name: 'ENV, key=value form', text: 'FROM a\nENV IMG=busybox OTHER=x\nCOPY --from=$IMG / /\n', value: 'busybox' },
    { name: 'ENV, legacy form', text: 'FROM a\nENV IMG busybox:1\nCOPY --from=$IMG / /\n', value: 'busybox:1' },
    { name: 'ENV wins over a later ARG', text: 'FROM a\nENV IMG=busybox\nARG IMG=nginx\nCOPY --from=$IMG / /\n', value: 'busybox' },
    { name: 'ENV is inherited by FROM <stage>', text: 'FROM a AS one\nENV IMG=busybox\nFROM one\nCOPY --from=$IMG / /\n', value: 'busybox' },
    { name: 'ARG is not inherited by FROM <stage>', text: 'FROM a AS one\nARG IMG=busybox\nFROM one\nCOPY --from=$IMG / /\n', value: '', unresolved: ['IMG'] },
    { name: 'an ENV value uses earlier variables', text: 'FROM a\nARG V=1.36\nENV IMG=busybox:$V\nCOPY --from=$IMG / /\n', value: 'busybox:1.36' },
  ];
  it.each(cases)('$name', ({ text, value, unresolved = [] }) => {
    expect(copyFrom(text)).toEqual({ value, unresolved });
  });

  it('global ARG defaults may use earlier global ARGs', () => {
    const parsed = parseDockerfile('ARG REG=ghcr.io\nARG IMG=$REG/team/app\nFROM $IMG:1\n');
    const base = parsed.stages[0]!.base;
    expect(base.kind === 'image' && base.reference.value.text).toBe('ghcr.io/team/app:1');
  });

  it('lists every declaration with the range of its default', () => {
    const text = 'ARG A=1 B="two"\nFROM x\nARG A\nENV C=3\n';
    const parsed = parseDockerfile(text);
    expect(parsed.variables.map((v) => [v.kind, v.name, v.line, v.value?.text ?? null, v.valueRange && text.slice(v.valueRange.start, v.valueRange.end)])).toEqual([
      ['ARG', 'A', 1, '1', '1'],
      ['ARG', 'B', 1, 'two', '"two"'],
      ['ARG', 'A', 3, '1', null],
      ['ENV', 'C', 4, '3', '3'],
    ]);
  });
});
