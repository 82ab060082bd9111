// Grouping of updates into PRs, PR titles, bodies and the hidden marker.
import { describe, expect, it } from 'vitest';
import type { PlannedUpdate } from '../../src/engine/types.js';
import { DEFAULT_GROUP, groupUpdates } from '../../src/config/groups.js';
import { defaultRepoConfig } from '../../src/config/repo-config.js';
import { parseMarker, proposalKey, renderBody, renderTitle, toProposed } from '../../src/render/pr.js';

const digest = `sha256:${'a'.repeat(64)}`;

function update(depName: string, file: string, updateType: PlannedUpdate['updateType'], from: string, to: string, newValue: string | null): PlannedUpdate {
  return { manager: 'dockerfile', file, line: 1, depName, from, to, updateType, newValue, newDigest: digest, depIndex: 0 };
}

const nodeMinor = update('docker.io/library/node', 'Dockerfile', 'minor', 'node:20.11', `node:20.12@${digest}`, '20.12');
const nodeMajor = update('docker.io/library/node', 'Dockerfile', 'major', 'node:20.11', `node:22@${digest}`, '22');
const alpinePin = update('docker.io/library/alpine', 'tools/Dockerfile', 'pin', 'alpine:3.20', `alpine:3.20@${digest}`, '3.20');
const ghcrMajor = update('ghcr.io/acme/tool', 'compose.yaml', 'major', 'ghcr.io/acme/tool:1', `ghcr.io/acme/tool:2@${digest}`, '2');

describe('grouping', () => {
  it('puts non-major updates together and each major alone', () => {
    const groups = groupUpdates([nodeMajor, nodeMinor, alpinePin, ghcrMajor], defaultRepoConfig);
    expect([...groups.keys()]).toEqual([DEFAULT_GROUP, 'major-ghcr.io-acme-tool', 'major-node']);
    expect(groups.get(DEFAULT_GROUP)).toEqual([nodeMinor, alpinePin]);
  });

  it('honours configured groups and ignore globs on names and paths', () => {
    const config = { ...defaultRepoConfig, ignore: ['tools/**'], groups: [{ name: 'node', match: ['node'], includeMajor: true }] };
    const groups = groupUpdates([nodeMajor, nodeMinor, alpinePin, ghcrMajor], config);
    expect([...groups.keys()]).toEqual(['node', 'major-ghcr.io-acme-tool']);
    expect(groups.get('node')).toEqual([nodeMajor, nodeMinor]);
    expect(groupUpdates([alpinePin], { ...defaultRepoConfig, ignore: ['docker.io/library/alpine'] }).size).toBe(0);
  });
});

describe('PR text', () => {
  it('titles say what', () => {
    expect(renderTitle([nodeMinor, alpinePin].map(toProposed))).toBe('Pin and update container images');
    expect(renderTitle([alpinePin].map(toProposed))).toBe('Pin container images');
    expect(renderTitle([nodeMajor].map(toProposed))).toBe('Update node Docker tag to 22');
    expect(renderTitle([ghcrMajor].map(toProposed))).toBe('Update ghcr.io/acme/tool Docker tag to 2');
  });

  it('body has the table, configuration hints and a marker that reads back', () => {
    const proposed = [nodeMinor, alpinePin].map(toProposed);
    const body = renderBody(DEFAULT_GROUP, proposed);
    expect(body).toContain('| Dependency | File | Change | Type |');
    expect(body).toContain(`| \`node\` | \`Dockerfile\` | \`node:20.11\` → \`node:20.12@${digest}\` | minor |`);
    expect(body).toContain('.github/freshen.yml');
    const marker = parseMarker(body);
    expect(marker?.group).toBe(DEFAULT_GROUP);
    expect(proposalKey(marker!.updates)).toBe(proposalKey(proposed));
    expect(parseMarker('no marker here')).toBeNull();
    expect(parseMarker('<!-- freshen:{not json} -->')).toBeNull();
  });
});
