// Compose interpolation as `docker compose` resolves it with no variable set, and where each character came from.
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../../src/managers/compose/interpolate.js';

function sourced(text: string, at = 100) {
  return { text, offsets: Array.from(text, (_, i) => at + i) };
}

describe('compose interpolation', () => {
  it.each([
    ['node:20', 'node:20'],
    ['${IMG:-node:20}', 'node:20'],
    ['${IMG-node:20}', 'node:20'],
    ['node:${TAG:-20}-alpine', 'node:20-alpine'],
    ['${A:-${B:-x}}y', 'xy'],
    ['${A:-}node', 'node'],
    ['node${SUFFIX:+-slim}', 'node'],
    ['node${SUFFIX+-slim}', 'node'],
    ['a$$b', 'a$b'],
    ['$${NOT_A_VAR}', '${NOT_A_VAR}'],
  ])('%s → %s', (input, expected) => {
    const result = interpolate(sourced(input));
    expect(result).toHaveProperty('value.text', expected);
  });

  it.each([
    ['${IMAGE}', 'unresolved-variable: IMAGE'],
    ['node:$TAG', 'unresolved-variable: TAG'],
    ['node:${TAG:?required}', 'unresolved-variable: TAG'],
    ['node:${TAG?required}', 'unresolved-variable: TAG'],
    ['${A:-${B}}', 'unresolved-variable: B'],
    ['node:${TAG', 'invalid-interpolation: unclosed ${ in node:${TAG'],
    ['node:${1X}', 'invalid-interpolation: ${1X}'],
    ['node:${TAG x}', 'invalid-interpolation: ${TAG x}'],
    ['node:$', 'invalid-interpolation: lone $ in node:$'],
  ])('%s is skipped: %s', (input, skipReason) => {
    expect(interpolate(sourced(input))).toEqual({ skipReason });
  });

  it('ties each resolved character to its offset in the file', () => {
    const result = interpolate(sourced('n:${T:-2}$$', 10));
    expect(result).toEqual({ value: { text: 'n:2$', offsets: [10, 11, 17, -1] } });
  });

  it('keeps no offsets when the input had none', () => {
    expect(interpolate({ text: '${A:-x}', offsets: null })).toEqual({ value: { text: 'x', offsets: null } });
  });
});
