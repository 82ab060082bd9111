// The test command: type-check, run vitest, and end with one plain "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const resultsFile = '.test-results.json';
const extraArgs = process.argv.slice(2);

const tsc = spawnSync('npx', ['tsc', '-p', '.', '--noEmit'], { stdio: 'inherit' });
const typecheckFailed = tsc.status !== 0 ? 1 : 0;
if (typecheckFailed) console.error('type check failed (counted as one failed test)');
// The built output is what `freshen` (bin) and `freshen/versioning` (exports) point at.
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
const buildFailed = build.status !== 0 ? 1 : 0;
if (buildFailed) console.error('build failed (counted as one failed test)');

rmSync(resultsFile, { force: true });
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...extraArgs],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  skipped = results.numPendingTests + (results.numTodoTests ?? 0);
  // A file that fails to load has no tests counted; count it as a failure.
  for (const file of results.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} catch {
  failed += 1;
}
failed += typecheckFailed + buildFailed;
const ok = vitest.status === 0 && failed === 0;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);
