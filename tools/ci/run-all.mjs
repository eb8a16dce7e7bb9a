#!/usr/bin/env node
// The README's test command: build, typecheck, lint and test every project in one Nx run (so the two
// cores stay busy across targets), then print one plain closing line "N passed, N failed" (jest's own
// summary is per project and not in that form). A task that fails without a failing test (a type
// error, a lint error, a test suite that did not load) counts as one failure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = path.join(root, '.ci-results');
fs.rmSync(results, { recursive: true, force: true });
fs.mkdirSync(results, { recursive: true });

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const args = ['nx', 'run-many', '-t', 'build', 'typecheck', 'lint', 'test', '--parallel=2', '--output-style=stream', '--skip-nx-cache', ...process.argv.slice(2)];
const started = Date.now();
const failedTasks = new Set();
let pending = '';
const code = await new Promise((resolve) => {
  const child = spawn('npx', args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    process.stdout.write(chunk);
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      // Nx lists failed tasks at the end as "- project:target".
      const m = /^\s*-\s+(@?[\w./-]+:(build|typecheck|lint|test))\s*$/.exec(line);
      if (m) failedTasks.add(m[1]);
    }
  });
  child.on('close', (c) => resolve(c ?? 1));
});

let passed = 0;
let failed = 0;
let skipped = 0;
const testedProjects = new Map();
const file = path.join(results, 'tests.jsonl');
if (fs.existsSync(file)) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    testedProjects.set(r.project, r);
  }
}
// Failed tasks whose failure is not already counted as failing tests.
let taskFailures = 0;
for (const task of failedTasks) {
  const [project, target] = task.split(':');
  const r = testedProjects.get(project.replace(/^@typetorrent\//, '')) ?? testedProjects.get(project);
  if (target === 'test' && r && r.failed > 0) continue;
  taskFailures++;
}
if (code !== 0 && failed === 0 && taskFailures === 0) taskFailures = 1; // nx failed in a way we could not attribute

console.log('');
if (failedTasks.size > 0) console.log(`failed tasks: ${[...failedTasks].join(', ')}`);
if (skipped > 0) console.log(`${skipped} tests skipped (missing external software; see the messages above)`);
console.log(`finished in ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`${passed} passed, ${failed + taskFailures} failed`);
process.exit(code !== 0 || failed + taskFailures > 0 ? 1 : 0);
