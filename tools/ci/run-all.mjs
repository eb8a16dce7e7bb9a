#!/usr/bin/env node
// The README's test command: build, typecheck, lint and test every project through Nx, then print
// one plain closing line "N passed, N failed" (jest's own summary is per project and not in that form).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = path.join(root, '.ci-results');
fs.rmSync(results, { recursive: true, force: true });
fs.mkdirSync(results, { recursive: true });

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const stages = [];
for (const target of ['build', 'typecheck', 'lint', 'test']) {
  const started = Date.now();
  const run = spawnSync(
    'npx',
    ['nx', 'run-many', '-t', target, '--parallel=2', '--output-style=stream', '--skip-nx-cache', ...process.argv.slice(2)],
    { cwd: root, env, stdio: 'inherit' },
  );
  stages.push({ target, ok: run.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

let passed = 0;
let failed = 0;
let skipped = 0;
let brokenSuites = 0;
const file = path.join(results, 'tests.jsonl');
if (fs.existsSync(file)) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    brokenSuites += r.suitesFailed;
  }
}
const failedStages = stages.filter((s) => !s.ok);
// A stage that failed without a failing test (a type error, a lint error, a suite that did not load)
// still counts as a failure in the closing line.
const stageFailures = failedStages.filter((s) => s.target !== 'test').length;
const suiteOnlyFailures = failed === 0 && brokenSuites > 0 ? brokenSuites : 0;
const totalFailed = failed + stageFailures + suiteOnlyFailures;

console.log('');
for (const s of stages) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.target} (${s.seconds}s)`);
if (skipped > 0) console.log(`${skipped} tests skipped (missing external software; see messages above)`);
console.log(`${passed} passed, ${totalFailed} failed`);
process.exit(failedStages.length > 0 || totalFailed > 0 ? 1 : 0);
