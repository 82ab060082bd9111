// Lockfile readers parse each text once, however many dependencies ask, and remember errors too.
import { describe, expect, it } from 'vitest';
import { memoByText } from '../../src/managers/parse-memo.js';

describe('memoByText', () => {
  it('parses a text once, rethrows its remembered error, and forgets the oldest past its size', () => {
    const seen: string[] = [];
    const parse = memoByText((text: string) => {
      seen.push(text);
      if (text === 'bad') throw new Error('not a lockfile');
      return text.length;
    }, 2);
    expect([parse('a'), parse('a'), parse('bb')]).toEqual([1, 1, 2]);
    expect(() => parse('bad')).toThrow('not a lockfile');
    expect(() => parse('bad')).toThrow('not a lockfile');
    expect(parse('a')).toBe(1);
    expect(seen).toEqual(['a', 'bb', 'bad', 'a']);
  });
});
