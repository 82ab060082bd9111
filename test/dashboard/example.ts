// The dashboard example shown in README: fixed data, rendered by the real renderer.
import type { DashboardData } from '../../src/dashboard/render.js';
import { repeatabilityReport } from '../../src/report/repeatability.js';

const D1 = `sha256:${'3f'.repeat(32)}`;

export const exampleDashboard: DashboardData = {
  repo: { id: 1, owner: 'acme', name: 'shop' },
  lastRun: new Date('2025-06-02T04:12:00Z'),
  nextRun: new Date('2025-06-09T04:00:00Z'),
  schedule: '`0 4 * * 1` (UTC)',
  images: [
    { reference: `node:22-bookworm-slim@${D1}`, process: 'pinned', usedIn: ['Dockerfile:1'], currentDigest: D1 },
    { reference: 'python:3.13-slim', process: 'rebuild', currentDigest: `sha256:${'9a'.repeat(32)}`, builtDigest: `sha256:${'7c'.repeat(32)}`, lastRebuild: { at: '2025-06-01T10:00:00Z', result: 'success', url: 'https://github.com/acme/shop/actions/runs/42' } },
  ],
  ignored: [{ dependency: 'docker.io/library/postgres', version: '17', by: 'alice', at: '2025-05-20T09:00:00Z' }] as DashboardData['ignored'],
  dependencies: [
    { file: 'Dockerfile', line: 1, manager: 'dockerfile', depName: 'docker.io/library/node', currentValue: '22-bookworm-slim', currentDigest: D1 },
    { file: 'worker/Dockerfile', line: 1, manager: 'dockerfile', depName: 'docker.io/library/python', currentValue: '3.13-slim' },
    { file: 'compose.yaml', line: 4, manager: 'compose', depName: 'docker.io/library/redis', currentValue: '7.2' },
  ],
  updates: [
    { file: 'Dockerfile', line: 1, depName: 'docker.io/library/node', from: `node:22-bookworm-slim@${D1.slice(0, 19)}…`, to: 'node:22.16-bookworm-slim@sha256:…', pr: '#17' },
    { file: 'compose.yaml', line: 4, depName: 'docker.io/library/redis', from: 'redis:7.2', to: 'redis:7.4@sha256:…' },
  ],
  held: [{ depName: 'docker.io/library/node', from: 'node:22-bookworm-slim', to: 'node:24-bookworm-slim', reason: 'prLimit: 5 Freshen PRs are already open' }],
  errors: [{ file: 'worker/Dockerfile', line: 7, depName: 'registry.internal:5000/tools', message: 'registry answered 401: no credentials configured for registry.internal:5000' }],
  repeatability: repeatabilityReport('worker/Dockerfile', 'FROM python:3.13-slim\nRUN apt-get update && apt-get install -y curl\nRUN curl -fsSL https://example.com/install.sh | sh\nARG PYPI_TOKEN\n', { pinned: true }),
};
