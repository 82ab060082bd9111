// Table tests for byte-exact rewrites of compose image values.
import { describe, expect, it } from 'vitest';
import { composeManager } from '../../../src/managers/compose/index.js';
import { UpdateError } from '../../../src/types.js';
import type { DependencyChange } from '../../../src/types.js';

const OLD = `sha256:${'1'.repeat(64)}`;
const NEW = `sha256:${'2'.repeat(64)}`;

function updateFirst(text: string, change: DependencyChange, index = 0): string {
  const dep = composeManager.extract(text, 'compose.yaml').deps[index];
  if (!dep) throw new Error('no dependency found');
  return composeManager.update(text, dep, change);
}

const rows: { name: string; before: string; change: DependencyChange; after: string; index?: number }[] = [
  {
    name: 'a build argument holding a base image, mapping form',
    before: 'services:\n  a:\n    build:\n      args:\n        BASE_IMAGE: altinity/clickhouse-server:25.8 # base\n',
    change: { newValue: '25.9', newDigest: NEW },
    after: `services:\n  a:\n    build:\n      args:\n        BASE_IMAGE: altinity/clickhouse-server:25.9@${NEW} # base\n`,
  },
  {
    name: 'a build argument holding a base image, list form with quotes',
    before: 'services:\n  a:\n    build:\n      args:\n        - GIT_SHA=abc\n        - "BASE_IMAGE=python:3.12-slim"\n',
    change: { newValue: '3.13-slim', newDigest: null },
    after: 'services:\n  a:\n    build:\n      args:\n        - GIT_SHA=abc\n        - "BASE_IMAGE=python:3.13-slim"\n',
  },
  {
    name: 'new tag in a plain value, comment kept',
    before: 'services:\n  a:\n    image: node:20   # lts\n',
    change: { newValue: '22', newDigest: null },
    after: 'services:\n  a:\n    image: node:22   # lts\n',
  },
  {
    name: 'pin a double-quoted value',
    before: 'services:\n  a:\n    image: "node:20"\n',
    change: { newValue: '20', newDigest: NEW },
    after: `services:\n  a:\n    image: "node:20@${NEW}"\n`,
  },
  {
    name: 'tag and digest of a single-quoted pinned value',
    before: `services:\n  a:\n    image: 'node:20@${OLD}'\n`,
    change: { newValue: '22', newDigest: NEW },
    after: `services:\n  a:\n    image: 'node:22@${NEW}'\n`,
  },
  {
    name: 'drop a digest',
    before: `services:\n  a:\n    image: node:20@${OLD} # pinned\n`,
    change: { newValue: '20', newDigest: null },
    after: 'services:\n  a:\n    image: node:20 # pinned\n',
  },
  {
    name: 'pin a value without a tag, name kept as written',
    before: 'services:\n  a:\n    image: index.docker.io/library/node\n',
    change: { newValue: null, newDigest: NEW },
    after: `services:\n  a:\n    image: index.docker.io/library/node@${NEW}\n`,
  },
  {
    name: 'registry with a port',
    before: 'services:\n  a:\n    image: 127.0.0.1:5000/team/app:1.2\n',
    change: { newValue: '1.3', newDigest: NEW },
    after: `services:\n  a:\n    image: 127.0.0.1:5000/team/app:1.3@${NEW}\n`,
  },
  {
    name: 'flow style',
    before: 'services: {a: {image: redis:7, ports: [6379]}}\n',
    change: { newValue: '7.2', newDigest: NEW },
    after: `services: {a: {image: redis:7.2@${NEW}, ports: [6379]}}\n`,
  },
  {
    name: 'whole image in a default: the default is edited',
    before: 'services:\n  a:\n    image: ${IMG:-node:20}\n',
    change: { newValue: '22', newDigest: NEW },
    after: `services:\n  a:\n    image: \${IMG:-node:22@${NEW}}\n`,
  },
  {
    name: 'tag in a default: the digest goes inside the default, so an overridden tag never meets an old digest',
    before: 'services:\n  a:\n    image: node:${TAG-20}\n',
    change: { newValue: '22', newDigest: NEW },
    after: `services:\n  a:\n    image: node:\${TAG-22@${NEW}}\n`,
  },
  {
    name: 'tag half in a default, half written: only the differing characters change, inside the default',
    before: 'services:\n  a:\n    image: "node:${TAG:-20.11}-alpine"\n',
    change: { newValue: '22.1-alpine', newDigest: NEW },
    after: `services:\n  a:\n    image: "node:\${TAG:-22.1}-alpine@${NEW}"\n`,
  },
  {
    name: 'a longer version in a default followed by a written suffix',
    before: 'services:\n  a:\n    image: node:${TAG-20}-slim\n',
    change: { newValue: '20.1-slim', newDigest: null },
    after: 'services:\n  a:\n    image: node:${TAG-20.1}-slim\n',
  },
  {
    name: 'a one-line block scalar is edited where its value is written',
    before: 'services:\n  a:\n    image: >-  # folded\n      node:20\n  b:\n    image: redis:7\n',
    change: { newValue: '22', newDigest: NEW },
    after: `services:\n  a:\n    image: >-  # folded\n      node:22@${NEW}\n  b:\n    image: redis:7\n`,
  },
  {
    name: 'registry in a variable, tag written plainly',
    before: 'services:\n  a:\n    image: ${REG:-ghcr.io}/acme/app:1.0\n',
    change: { newValue: '1.1', newDigest: null },
    after: 'services:\n  a:\n    image: ${REG:-ghcr.io}/acme/app:1.1\n',
  },
  {
    name: 'anchored value edited once at the anchor',
    before: 'x-a: &a\n  image: acme/app:1\nservices:\n  one: *a\n  two:\n    <<: *a\n',
    change: { newValue: '2', newDigest: null },
    after: 'x-a: &a\n  image: acme/app:2\nservices:\n  one: *a\n  two:\n    <<: *a\n',
  },
  {
    name: 'second document, CRLF kept',
    before: 'services:\r\n  a:\r\n    image: node:20\r\n---\r\nservices:\r\n  b:\r\n    image: redis:7\r\n',
    change: { newValue: '8', newDigest: null },
    index: 1,
    after: 'services:\r\n  a:\r\n    image: node:20\r\n---\r\nservices:\r\n  b:\r\n    image: redis:8\r\n',
  },
];

describe('compose update', () => {
  it.each(rows)('$name', ({ before, change, after, index }) => {
    expect(updateFirst(before, change, index)).toBe(after);
  });

  it('round-trips: pin then unpin gives back the original bytes', () => {
    const before = 'services:\n  a:\n    image: "node:${TAG:-20}" # keep\n';
    const pinned = updateFirst(before, { newValue: '20', newDigest: NEW });
    expect(updateFirst(pinned, { newValue: '20', newDigest: null })).toBe(before);
  });

  it.each([
    ['a tag split across variables', 'services:\n  a:\n    image: node:${MAJOR:-20}.${MINOR:-1}\n', { newValue: '22.0', newDigest: null }, /split across variables/],
    ['a removed tag whose colon sits outside the default', 'services:\n  a:\n    image: node:${TAG:-20}\n', { newValue: null, newDigest: null }, /split across variables/],
    ['escapes in a double-quoted value', 'services:\n  a:\n    image: "node:\\x32\\x30"\n', { newValue: '22', newDigest: null }, /YAML escapes/],
    ['a tag that is not one', 'services:\n  a:\n    image: node:20\n', { newValue: '22 # x', newDigest: null }, /not a valid tag/],
    ['a digest that is not one', 'services:\n  a:\n    image: node:20\n', { newValue: '20', newDigest: 'sha256:zz' }, /not a valid digest/],
  ])('refuses %s with UpdateError', (_name, text, change, message) => {
    expect(() => updateFirst(text, change)).toThrow(UpdateError);
    expect(() => updateFirst(text, change)).toThrow(message);
  });

  it('refuses skipped dependencies and text that changed since extract', () => {
    const text = 'services:\n  a:\n    image: ${IMAGE}\n  b:\n    image: node:20\n';
    const [skipped, node] = composeManager.extract(text, 'compose.yaml').deps;
    expect(() => composeManager.update(text, skipped!, { newValue: '1', newDigest: null })).toThrow(/unresolved-variable/);
    const edited = text.replace('node:20', 'node:21');
    expect(() => composeManager.update(edited, node!, { newValue: '22', newDigest: null })).toThrow(/changed since/);
  });

  it('checks the rewrite by extracting again, and refuses one that does not find the new value', () => {
    const text = 'services:\n  a:\n    image: node:20\n';
    const dep = composeManager.extract(text, 'compose.yaml').deps[0]!;
    const elsewhere = { ...dep, location: { ...(dep.location as object), valueStart: 0 } };
    expect(() => composeManager.update(text, elsewhere, { newValue: '22', newDigest: null })).toThrow(/did not round-trip/);
  });

  it('refuses a dependency that comes from another manager', () => {
    const dep = { ...composeManager.extract('services: {a: {image: node:20}}\n', 'compose.yaml').deps[0]!, location: { line: 1 } };
    expect(() => composeManager.update('services: {a: {image: node:20}}\n', dep, { newValue: '22', newDigest: null })).toThrow(
      /no location from this manager/,
    );
  });
});
