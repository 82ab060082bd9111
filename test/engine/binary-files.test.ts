import { describe, expect, it } from 'vitest';
import { binaryHint, extractAll } from '../../src/engine/extract.js';

const source = (files: Record<string, string>) => ({
  list: async () => Object.keys(files),
  read: async (path: string) => files[path]!,
});

describe('binary files under managed names', () => {
  it('tells text from binary the way git does, on the start of the file', () => {
    expect(binaryHint('FROM debian:bookworm\nRUN echo héllo ✓\n')).toBeUndefined();
    expect(binaryHint('FROM debian\n\u0000\u0001')).toBe('it holds NUL bytes');
    expect(binaryHint('\uFFFD'.repeat(50) + 'x'.repeat(1000))).toBe('it is not UTF-8');
    // One stray byte in a long text file is still text.
    expect(binaryHint('\uFFFD' + 'FROM debian\n'.repeat(100))).toBeUndefined();
    // Only the start counts: a NUL far into the file does not make it binary.
    expect(binaryHint('#'.repeat(9000) + '\u0000')).toBeUndefined();
  });

  it('a binary Dockerfile is one located error and the other files go on', async () => {
    const result = await extractAll(source({ Dockerfile: 'FROM a\u0000\u0000', 'app/Dockerfile': 'FROM debian:bookworm\n' }));
    expect(result.errors).toEqual([{ file: 'Dockerfile', line: 1, message: 'not a text file (it holds NUL bytes); not read' }]);
    expect(result.dependencies.map((d) => `${d.file} ${d.depName}`)).toEqual(['app/Dockerfile docker.io/library/debian']);
  });
});
