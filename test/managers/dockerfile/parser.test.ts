// Table tests for the Dockerfile parser: directives, continuations, heredocs, flags, ONBUILD, offsets.
import { describe, expect, it } from 'vitest';
import { baseImageOf, parseDockerfile, parseExecForm, spanOf, splitWords } from '../../../src/managers/dockerfile/index.js';
import type { Instruction, MappedText } from '../../../src/managers/dockerfile/index.js';

/** Every mapped character must be the file's character at its offset. */
function expectMapped(text: string, mapped: MappedText): void {
  [...mapped.text].forEach((char, i) => {
    const offset = mapped.offsets[i]!;
    if (offset >= 0) expect(text[offset], `char ${i} of ${JSON.stringify(mapped.text)}`).toBe(char);
  });
}

const keywords = (text: string): string[] => parseDockerfile(text).instructions.map((i) => i.keyword);

describe('parser directives', () => {
  const cases: Array<{ name: string; text: string; directives: Record<string, string>; escape: string }> = [
    { name: 'syntax and escape at the top', text: '# syntax=docker/dockerfile:1\n# escape=`\nFROM x\n', directives: { syntax: 'docker/dockerfile:1', escape: '`' }, escape: '`' },
    { name: 'any case and spacing', text: '#  SYNTAX =  docker/dockerfile:1.7  \n#check=skip=all\nFROM x\n', directives: { syntax: 'docker/dockerfile:1.7', check: 'skip=all' }, escape: '\\' },
    { name: 'after a comment: a plain comment', text: '# hello\n# syntax=docker/dockerfile:1\n# escape=`\nFROM x\n', directives: {}, escape: '\\' },
    { name: 'after a blank line: a plain comment', text: '\n# syntax=docker/dockerfile:1\nFROM x\n', directives: {}, escape: '\\' },
    { name: 'after an instruction: a plain comment', text: 'FROM x\n# escape=`\n', directives: {}, escape: '\\' },
    { name: 'an unknown directive closes the block', text: '# foo=bar\n# escape=`\nFROM x\n', directives: {}, escape: '\\' },
    { name: 'after a byte order mark', text: '\uFEFF# syntax=docker/dockerfile:1\nFROM x\n', directives: { syntax: 'docker/dockerfile:1' }, escape: '\\' },
  ];
  it.each(cases)('$name', ({ text, directives, escape }) => {
    const parsed = parseDockerfile(text);
    expect(Object.fromEntries(parsed.directives.map((d) => [d.name, d.value]))).toEqual(directives);
    expect(parsed.escapeChar).toBe(escape);
    for (const d of parsed.directives) expect(text.slice(d.valueRange.start, d.valueRange.end)).toBe(d.value);
    expect(parsed.errors).toEqual([]);
  });

  it('reports a second directive of the same name and a bad escape token', () => {
    const parsed = parseDockerfile('# syntax=a\n# syntax=b\n# escape=x\nFROM x\n');
    expect(parsed.errors).toEqual([
      { line: 2, message: 'only one syntax parser directive can be used' },
      { line: 3, message: expect.stringContaining("invalid escape token 'x'") },
    ]);
  });
});

describe('logical lines', () => {
  const cases: Array<{ name: string; text: string; args: string[]; lines: Array<[number, number]>; warnings?: number }> = [
    {
      name: 'backslash continuation with comment and blank lines inside',
      text: 'FROM alpine\nRUN apk add \\\n# a comment\n    curl \\\n\n  # indented comment\n    git\nCMD ["sh"]\n',
      args: ['alpine', 'apk add     curl     git', '["sh"]'],
      lines: [[1, 1], [2, 7], [8, 8]],
      warnings: 1,
    },
    {
      name: 'backtick continuation under # escape=`',
      text: '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n    c:\\\nCOPY a b\n',
      args: ['mcr.microsoft.com/windows/servercore:ltsc2022', 'dir     c:\\', 'a b'],
      lines: [[2, 2], [3, 4], [5, 5]],
    },
    {
      name: 'a backslash is not a continuation under # escape=`',
      text: '# escape=`\nFROM x\nRUN echo \\\nRUN b\n',
      args: ['x', 'echo \\', 'b'],
      lines: [[2, 2], [3, 3], [4, 4]],
    },
    {
      name: 'continuation with trailing spaces and CRLF line endings',
      text: 'FROM alpine\r\nRUN a \\  \r\n  b\r\n',
      args: ['alpine', 'a   b'],
      lines: [[1, 1], [2, 3]],
    },
    {
      name: 'lower-case and mixed-case keywords, indented lines',
      text: 'from alpine as build\n  run echo hi\nCopy --from=build /a /b\n',
      args: ['alpine as build', 'echo hi', '/a /b'],
      lines: [[1, 1], [2, 2], [3, 3]],
    },
  ];
  it.each(cases)('$name', ({ text, args, lines, warnings }) => {
    const parsed = parseDockerfile(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.instructions.map((i) => i.args.text)).toEqual(args);
    expect(parsed.instructions.map((i) => [i.line, i.endLine])).toEqual(lines);
    expect(parsed.warnings).toHaveLength(warnings ?? 0);
    for (const instruction of parsed.instructions) {
      expectMapped(text, instruction.args);
      expect(text.slice(instruction.range.start, instruction.range.end)).toBe(instruction.raw);
    }
  });

  it('upper-cases keywords', () => {
    expect(keywords('from alpine\nrun echo\nOnBuild copy a b\n')).toEqual(['FROM', 'RUN', 'ONBUILD']);
  });
});

describe('heredocs', () => {
  it('never reads a heredoc body as instructions', () => {
    const text = 'FROM alpine\nRUN <<EOF\nFROM evil:1\n# syntax=x\n\nEOF\nRUN echo after\n';
    const parsed = parseDockerfile(text);
    expect(parsed.instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'RUN']);
    const run = parsed.instructions[1]!;
    expect(run.heredocs).toEqual([
      { name: 'EOF', chomp: false, expand: true, body: 'FROM evil:1\n# syntax=x\n\n', bodyRange: expect.anything(), line: 3 },
    ]);
    expect(text.slice(run.heredocs[0]!.bodyRange.start, run.heredocs[0]!.bodyRange.end)).toBe(run.heredocs[0]!.body);
    expect([run.line, run.endLine]).toEqual([2, 6]);
    expect(parsed.stages).toHaveLength(1);
  });

  it('reads several heredocs announced on one line, in order', () => {
    const text = 'FROM alpine\nCOPY <<A <<"B" /dest/\nfrom a\nA\nFROM b\nB\nrun x\n';
    const parsed = parseDockerfile(text);
    expect(parsed.instructions.map((i) => i.keyword)).toEqual(['FROM', 'COPY', 'RUN']);
    expect(parsed.instructions[1]!.heredocs.map((h) => [h.name, h.body, h.expand, h.line])).toEqual([
      ['A', 'from a\n', true, 3],
      ['B', 'FROM b\n', false, 5],
    ]);
  });

  it('<<- accepts a tab-indented terminator; quoted names do not expand', () => {
    const text = "FROM alpine\nRUN <<-EOT bash\n\techo $HOME\n\tEOT\nADD <<'X' /x\nX\n";
    const parsed = parseDockerfile(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.instructions[1]!.heredocs[0]).toMatchObject({ name: 'EOT', chomp: true, expand: true, body: '\techo $HOME\n' });
    expect(parsed.instructions[2]!.heredocs[0]).toMatchObject({ name: 'X', chomp: false, expand: false, body: '' });
  });

  it('without <<- a tab-indented terminator is body', () => {
    const parsed = parseDockerfile('FROM a\nRUN <<EOT\n\tEOT\nEOT\n');
    expect(parsed.instructions[1]!.heredocs[0]!.body).toBe('\tEOT\n');
  });

  it('ignores << in exec form and in instructions without heredocs', () => {
    const parsed = parseDockerfile('FROM a\nRUN ["sh", "-c", "cat <<EOF"]\nLABEL x=<<EOF\nFROM b\n');
    expect(parsed.instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'LABEL', 'FROM']);
    expect(parsed.instructions[1]!.json).toBe(true);
  });

  it('reads a heredoc of an ONBUILD RUN', () => {
    const parsed = parseDockerfile('FROM a\nONBUILD RUN <<EOF\nFROM evil\nEOF\n');
    expect(parsed.instructions.map((i) => i.keyword)).toEqual(['FROM', 'ONBUILD']);
    expect(parsed.instructions[1]!.trigger!.keyword).toBe('RUN');
  });

  it('reports an unterminated heredoc at its instruction, keeping what came before', () => {
    const parsed = parseDockerfile('FROM alpine\nRUN echo\nRUN <<EOF\nFROM evil\n');
    expect(parsed.errors).toEqual([{ line: 3, message: 'unterminated heredoc <<EOF' }]);
    expect(parsed.instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'RUN']);
  });
});

describe('flags and arguments', () => {
  const flagsOf = (text: string, index = 0): Instruction => parseDockerfile(text).instructions[index]!;

  it('maps flags with their ranges and values', () => {
    const text = 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n';
    const from = flagsOf(text);
    expect(from.flags.map((f) => [f.name, f.value?.text, text.slice(f.range.start, f.range.end)])).toEqual([
      ['platform', '$BUILDPLATFORM', '--platform=$BUILDPLATFORM'],
    ]);
    expect(from.args.text).toBe('golang:1.22 AS build');
  });

  it('removes quotes from flag values and maps the rest to the file', () => {
    const text = 'FROM a\nRUN --mount="type=cache,target=/root/.cache" --network=none \\\n  --mount=type=bind,from=x echo hi\n';
    const run = flagsOf(text, 1);
    expect(run.flags.map((f) => [f.name, f.value?.text])).toEqual([
      ['mount', 'type=cache,target=/root/.cache'],
      ['network', 'none'],
      ['mount', 'type=bind,from=x'],
    ]);
    for (const flag of run.flags) expectMapped(text, flag.value!);
    expect(run.args.text).toBe('echo hi');
  });

  it('stops reading flags at --', () => {
    const run = flagsOf('FROM a\nRUN --network=none -- --not-a-flag\n', 1);
    expect(run.flags.map((f) => f.name)).toEqual(['network']);
    expect(run.args.text).toBe('--not-a-flag');
  });

  it('keeps each word of a RUN command mapped to the file, across continuations', () => {
    const text = 'FROM debian\nRUN apt-get update && apt-get install -y \\\n      curl=7.88.1-10+deb12u5 \\\n      "git=1:2.39.5-0+deb12u1"\n';
    const run = flagsOf(text, 1);
    const words = splitWords(run.args, '\\');
    expect(words.map((w) => w.text)).toEqual(['apt-get', 'update', '&&', 'apt-get', 'install', '-y', 'curl=7.88.1-10+deb12u5', '"git=1:2.39.5-0+deb12u1"']);
    for (const word of words) {
      const span = spanOf(word)!;
      expect(text.slice(span.start, span.end)).toBe(word.text);
    }
  });

  it('reads exec form with offsets', () => {
    const text = 'FROM alpine\nRUN ["apk", "add", "openssl=3.3.2-r1", "a\\"b"]\n';
    const run = flagsOf(text, 1);
    expect(run.json).toBe(true);
    const items = parseExecForm(run.args)!;
    expect(items.map((i) => i.text)).toEqual(['apk', 'add', 'openssl=3.3.2-r1', 'a"b']);
    const pin = spanOf(items[2]!)!;
    expect(text.slice(pin.start, pin.end)).toBe('openssl=3.3.2-r1');
    expect(parseExecForm({ text: '[1, 2]', offsets: [0, 1, 2, 3, 4, 5] })).toBeNull();
  });

  it('parses ONBUILD triggers with their own flags and ranges', () => {
    const text = 'FROM a\nONBUILD copy --from=nginx:1 /a /b\n';
    const onbuild = flagsOf(text, 1);
    const trigger = onbuild.trigger!;
    expect(trigger.keyword).toBe('COPY');
    expect(trigger.flags.map((f) => [f.name, f.value?.text])).toEqual([['from', 'nginx:1']]);
    expect(text.slice(trigger.range.start, trigger.range.end)).toBe('copy --from=nginx:1 /a /b');
  });
});

describe('stages', () => {
  it('records names (lower-cased), indexes and bases', () => {
    const text = [
      'ARG BASE=node:20',
      'FROM --platform=linux/arm64 ${BASE} AS Build',
      'FROM build AS test',
      'FROM BUILD',
      'FROM scratch',
      'FROM later',
      'FROM alpine AS later',
    ].join('\n');
    const parsed = parseDockerfile(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.stages.map((s) => [s.index, s.name, s.base.kind === 'stage' ? s.base.index : s.base.kind])).toEqual([
      [0, 'build', 'image'],
      [1, 'test', 0],
      [2, null, 0],
      [3, null, 'scratch'],
      // Like BuildKit, FROM only sees stages defined before it.
      [4, null, 'image'],
      [5, 'later', 'image'],
    ]);
    expect(parsed.stages[0]!.platform).toBe('linux/arm64');
    const bases = parsed.stages.map((stage) => baseImageOf(parsed.stages, stage)?.reference.value.text ?? null);
    expect(bases).toEqual(['node:20', 'node:20', 'node:20', null, 'later', 'alpine']);
  });

  it('reports broken stages with their line', () => {
    const parsed = parseDockerfile('RUN echo\nFROM\nFROM a b\nFROM a AS 1x\nFROM a AS x\nFROM b AS X\nFOO bar\n');
    expect(parsed.errors).toEqual([
      { line: 1, message: expect.stringContaining('RUN before the first FROM') },
      { line: 2, message: expect.stringContaining('FROM') },
      { line: 2, message: 'FROM without an image' },
      { line: 3, message: expect.stringContaining('one or three arguments') },
      { line: 4, message: expect.stringContaining('invalid name for build stage') },
      { line: 6, message: 'duplicate stage name "X"' },
      { line: 7, message: 'unknown instruction: FOO' },
    ]);
    expect(parsed.stages).toHaveLength(5);
  });
});
