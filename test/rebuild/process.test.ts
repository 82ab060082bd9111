import { describe, expect, it } from 'vitest';
import { imageDependency } from '../../src/image/reference.js';
import { matchImages } from '../../src/rebuild/decide.js';
import { buildDispatch, workflowFileName } from '../../src/rebuild/dispatch.js';
import { floatingBaseImages, processForImage } from '../../src/rebuild/process.js';
import { durationMs, rebuildSettingsSchema } from '../../src/rebuild/types.js';

const dep = (reference: string, file = 'Dockerfile', manager = 'dockerfile') => imageDependency(reference, { manager, file, line: 1 });

describe('processForImage', () => {
  const choice = {
    process: 'pinned' as const,
    images: [
      { match: 'python', process: 'rebuild' as const },
      { match: 'ghcr.io/acme/*', process: 'rebuild' as const },
      { match: 'node:2*', process: 'rebuild' as const },
    ],
  };
  it.each<[string, 'pinned' | 'rebuild']>([
    ['python:3.13-slim', 'rebuild'],
    ['docker.io/library/python:3.12', 'rebuild'],
    ['ghcr.io/acme/base:1', 'rebuild'],
    ['ghcr.io/other/base:1', 'pinned'],
    ['node:22', 'rebuild'],
    ['node:18', 'pinned'],
    ['alpine:3.20', 'pinned'],
  ])('%s → %s', (reference, expected) => {
    const d = dep(reference);
    expect(processForImage(choice, d.depName, d.currentValue, d.reference)).toBe(expected);
  });
});

describe('floatingBaseImages', () => {
  it('keeps Dockerfile bases with a tag and no digest, on the rebuild process, once each', () => {
    const images = floatingBaseImages(
      [
        dep('python:3.13-slim'),
        dep('docker.io/library/python:3.13-slim', 'api/Dockerfile'),
        dep(`node:22@sha256:${'a'.repeat(64)}`),
        dep('redis:7', 'compose.yml', 'compose'),
        dep('alpine:3.20'),
      ],
      { process: 'rebuild', images: [{ match: 'alpine', process: 'pinned' }] },
    );
    expect(images).toEqual([
      {
        key: 'docker.io/library/python:3.13-slim', depName: 'docker.io/library/python', tag: '3.13-slim',
        written: ['python:3.13-slim', 'docker.io/library/python:3.13-slim'], usedIn: ['Dockerfile:1', 'api/Dockerfile:1'],
      },
    ]);
  });

  it('a pinned repository has none', () => {
    expect(floatingBaseImages([dep('python:3.13-slim')], { process: 'pinned' })).toEqual([]);
  });
});

describe('matchImages', () => {
  const images = floatingBaseImages([dep('python:3.13-slim'), dep('ghcr.io/acme/base:1')], { process: 'rebuild' });
  it.each<[string, string[]]>([
    ['python', ['docker.io/library/python:3.13-slim']],
    ['python:3.13-slim', ['docker.io/library/python:3.13-slim']],
    ['docker.io/library/python:3.13-slim', ['docker.io/library/python:3.13-slim']],
    ['ghcr.io/acme/*', ['ghcr.io/acme/base:1']],
  ])('%s', (name, keys) => {
    expect([...matchImages([name], images).keys]).toEqual(keys);
  });
  it('reports names that match nothing', () => {
    expect(matchImages(['ruby', 'python'], images).unknown).toEqual(['ruby']);
  });
});

describe('rebuild settings and dispatch', () => {
  it('defaults: record a baseline, repository_dispatch freshen-rebuild, 10 minute cooldown', () => {
    const settings = rebuildSettingsSchema.parse({});
    expect(settings.baseline).toBe('record');
    expect(durationMs(settings.cooldown)).toBe(600_000);
    const request = buildDispatch(settings, [{ key: 'k', written: 'python:3', digest: 'sha256:x' }], { id: 'i', reason: 'r', defaultBranch: 'main' });
    expect(request).toEqual({
      kind: 'repository_dispatch',
      eventType: 'freshen-rebuild',
      clientPayload: { reason: 'r [freshen:i]', base_images: { 'python:3': 'sha256:x' }, freshen_dispatch_id: 'i' },
    });
  });

  it('refuses both a workflow and an event, and a bad duration', () => {
    expect(rebuildSettingsSchema.safeParse({ workflow: 'b.yml', event: 'e' }).success).toBe(false);
    expect(rebuildSettingsSchema.safeParse({ cooldown: 'soon' }).success).toBe(false);
    expect(durationMs('2h')).toBe(7_200_000);
    expect(durationMs(5)).toBe(300_000);
  });

  it('names the workflow by file name, on the configured ref', () => {
    expect(workflowFileName('.github/workflows/build.yml')).toBe('build.yml');
    const request = buildDispatch(rebuildSettingsSchema.parse({ workflow: 'build.yml', ref: 'release' }), [], { id: 'i', reason: 'r', defaultBranch: 'main' });
    expect(request).toMatchObject({ kind: 'workflow_dispatch', workflow: 'build.yml', ref: 'release', inputs: { base_images: '{}' } });
  });
});
