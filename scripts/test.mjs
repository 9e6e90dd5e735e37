#!/usr/bin/env node
/**
 * `npm test`: type checks, then every unit and end-to-end test in one vitest run.
 * Ends with one line, `N passed, N failed`, counting tests plus each failed type check.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;

const checks = [
  ['svelte-check', ['npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings']]],
  ['tsc (tests, scripts, config)', ['npx', ['tsc', '-p', 'tsconfig.node.json']]],
];

let failedChecks = 0;
for (const [name, [command, args]] of checks) {
  console.log(`\n▶ ${name}`);
  if (!run(command, args)) {
    failedChecks++;
    console.error(`✗ ${name} failed`);
  }
}

const report = '.test-results/vitest.json';
mkdirSync('.test-results', { recursive: true });
rmSync(report, { force: true });
console.log('\n▶ vitest (unit + e2e)');
const extra = process.argv.slice(2);
run('npx', ['vitest', 'run', '--project', 'unit', '--project', 'e2e', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  // A file that fails to load (syntax error, failed setup) has no tests, but is a failure.
  failed += results.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
} catch {
  failed++;
  console.error('vitest wrote no report: the run itself failed.');
}
failed += failedChecks;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
