import { describe, expect, it } from 'vitest';
import { checksumInList } from '../../src/engine/planners/tool-checksums.js';
import { valueOfTag } from '../../src/engine/planners/tool-pins.js';
import type { ToolSource } from '../../src/managers/dockerfile-tools/index.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);
const C = 'c'.repeat(128);

describe('reading checksum lists', () => {
  it.each([
    ['GNU text mode', `${A}  gosu-amd64\n${'0'.repeat(64)}  gosu-arm64\n`, 'gosu-amd64', 'sha256', A],
    ['GNU binary mode', `${B} *tool.tar.gz\n`, 'tool.tar.gz', 'sha256', B.toLowerCase()],
    ['a path in the list', `${A}  ./dist/tool.tar.gz\n`, 'tool.tar.gz', 'sha256', A],
    ['BSD style', `SHA512 (tool.zip) = ${C}\n`, 'tool.zip', 'sha512', C],
    ['a lone hex (<asset>.sha256)', `${A}\n`, 'kubectl', 'sha256', A],
    ['CRLF', `${A}  tool\r\n`, 'tool', 'sha256', A],
  ] as const)('%s', (_what, text, asset, algorithm, want) => {
    expect(checksumInList(text, asset, algorithm)).toBe(want);
  });

  it.each([
    ['another file only', `${A}  other\n`, 'tool', 'sha256'],
    ['a sha256 where sha512 is wanted', `${A}  tool\n`, 'tool', 'sha512'],
    ['a name that only starts the same', `${A}  tool-extra\n`, 'tool', 'sha256'],
  ] as const)('none for %s', (_what, text, asset, algorithm) => {
    expect(checksumInList(text, asset, algorithm)).toBeNull();
  });
});

describe('tags to versions', () => {
  const source = (s: Partial<ToolSource>): ToolSource => ({ datasource: 'github-releases', depName: 'a/b', versioning: 'loose', from: 'url', ...s });
  it.each([
    [source({ tagPrefix: '', tagSuffix: '' }), 'v1.2.3', ['v1.2.3']],
    [source({ tagPrefix: 'v', tagSuffix: '' }), 'v1.2.3', ['1.2.3']],
    [source({ tagPrefix: 'v', tagSuffix: '' }), '1.2.3', []],
    [source({ tagPrefix: 'jq-', tagSuffix: '' }), 'jq-1.7.1', ['1.7.1']],
    [source({ extractVersion: '^go(?<version>\\d+\\.\\d+\\.\\d+)$' }), 'go1.23.4', ['1.23.4']],
    [source({ extractVersion: '^go(?<version>\\d+\\.\\d+\\.\\d+)$' }), 'weekly.2012-03-27', []],
    [source({}), 'x'.repeat(200), []],
  ])('%j: %s → %j', (s, tag, want) => {
    expect(valueOfTag(tag, s)).toEqual(want);
  });
});
