#!/usr/bin/env node
// `npm test`: lint, typecheck, then every vitest project. Ends with the plain line
// `N passed, N failed` that CI reads (vitest's own summary is not recognised there).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extra = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

function step(name, cmd, args) {
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status === 0) {
    passed += 1;
  } else {
    failed += 1;
    process.stdout.write(`=== ${name} failed (exit ${r.status ?? r.signal})\n`);
  }
}

if (!extra.length) {
  step('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);
  step('format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);
  step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
}

const dir = mkdtempSync(join(tmpdir(), 'packsync-test-'));
const report = join(dir, 'vitest.json');
process.stdout.write('\n=== vitest\n');
const r = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...extra,
  ],
  { stdio: 'inherit' },
);
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  skipped += json.numPendingTests + json.numTodoTests;
  // A suite that fails to load (syntax error, failing hook) has no failed test of its own.
  const brokenSuites = json.testResults.filter(
    (s) => s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed'),
  );
  failed += brokenSuites.length;
  for (const s of brokenSuites)
    process.stdout.write(`suite failed to run: ${s.name}\n${s.message}\n`);
} catch (err) {
  failed += 1;
  process.stdout.write(`no vitest report (exit ${r.status}): ${String(err)}\n`);
}
rmSync(dir, { recursive: true, force: true });
if (r.status !== 0 && failed === 0) failed += 1;

process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed === 0 ? 0 : 1;
