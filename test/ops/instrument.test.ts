// Worker events become metrics: a failure with attempts left counts as retried, the last one as failed; PR actions by kind.
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { instrumentWorker } from '../../src/observability/instrument.js';
import { createMetrics } from '../../src/observability/metrics.js';

const sample = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);

it('counts completed, retried and failed jobs by type, and the PRs a scan opened, updated and closed', async () => {
  const metrics = createMetrics({ processMetrics: false });
  const worker = new EventEmitter();
  instrumentWorker(worker as unknown as Parameters<typeof instrumentWorker>[0], metrics);
  const scan = { name: 'scan-repo', opts: { attempts: 3 }, processedOn: 1_000, finishedOn: 3_500 };
  worker.emit('completed', { ...scan, attemptsMade: 1, returnvalue: { opened: [1, 2], updated: [3], closed: [] } });
  worker.emit('failed', { ...scan, attemptsMade: 1 }, new Error('flaky'));
  worker.emit('failed', { ...scan, attemptsMade: 3 }, new Error('gone'));
  worker.emit('failed', undefined, new Error('no job'));
  const text = await metrics.render();
  expect(sample(text, /^freshen_jobs_total\{type="scan-repo",outcome="completed"\} (\d+)/m)).toBe(1);
  expect(sample(text, /^freshen_jobs_total\{type="scan-repo",outcome="retried"\} (\d+)/m)).toBe(1);
  expect(sample(text, /^freshen_jobs_total\{type="scan-repo",outcome="failed"\} (\d+)/m)).toBe(1);
  expect(sample(text, /^freshen_pull_requests_total\{action="opened"\} (\d+)/m)).toBe(2);
  expect(sample(text, /^freshen_pull_requests_total\{action="updated"\} (\d+)/m)).toBe(1);
  // The finished failure is timed too; the retried one is not.
  expect(sample(text, /^freshen_scan_duration_seconds_count (\d+)/m)).toBe(2);
});
