#!/usr/bin/env node
// `npm run test:stress [-- --runs N] [--project NAME]...`: runs the test suites of the named projects
// (default: engine and storage) N times in a row (default 10) while two busy loops compete for the
// cores, to show that no test depends on timing luck. Prints pass/fail per round and a summary; exits
// 1 on any failure. Each failing run's full output is kept in .ci-results/stress/.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    project: { type: 'string', multiple: true },
    'busy-loops': { type: 'string', default: '2' },
  },
});

const runs = Number(values.runs);
const busyLoops = Number(values['busy-loops']);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, got ${values.runs}`);
if (!Number.isInteger(busyLoops) || busyLoops < 0) fail(`--busy-loops must be a non-negative integer, got ${values['busy-loops']}`);
const projects = (values.project ?? ['engine', 'storage']).map(projectDir);
const logs = path.join(root, '.ci-results', 'stress');
fs.mkdirSync(logs, { recursive: true });

function fail(message) {
  console.error(`test:stress: ${message}`);
  process.exit(2);
}

/** `engine`, `@typetorrent/engine` or `packages/engine` -> the project's folder. */
function projectDir(name) {
  const short = name.replace(/^@typetorrent\//, '').replace(/\/$/, '');
  for (const candidate of [short, `packages/${short}`, `apps/${short}`, `tools/${short}`]) {
    const dir = path.join(root, candidate);
    if (fs.existsSync(path.join(dir, 'jest.config.mjs'))) return { name: path.basename(dir), dir };
  }
  return fail(`no project with a jest config named ${name}`);
}

// The competition: plain CPU spinners at normal priority, one per core of this 2-core machine.
const spinners = Array.from({ length: busyLoops }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const stopSpinners = () => {
  for (const child of spinners) if (child.exitCode === null) child.kill('SIGKILL');
};
process.on('exit', stopSpinners);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopSpinners();
    process.exit(130);
  });
}

/** Runs one project's jest suite (as its `test` script does); resolves with counts and the log. */
function runSuite(project, round) {
  const report = path.join(logs, `round-${round}-${project.name}.json`);
  const args = ['--experimental-vm-modules', path.join(root, 'node_modules/jest/bin/jest.js'), '--maxWorkers=1', '--json', `--outputFile=${report}`];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: project.dir, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      let result;
      try {
        result = JSON.parse(fs.readFileSync(report, 'utf8'));
      } catch {
        result = undefined;
      }
      fs.rmSync(report, { force: true });
      const failedTests = (result?.testResults ?? []).flatMap((file) =>
        file.assertionResults.filter((a) => a.status === 'failed').map((a) => `${path.relative(project.dir, file.name)}: ${a.fullName}`),
      );
      const ok = code === 0 && result !== undefined && result.numFailedTests === 0 && result.numRuntimeErrorTestSuites === 0;
      let log;
      if (!ok) {
        log = path.join(logs, `round-${round}-${project.name}.log`);
        fs.writeFileSync(log, output);
      }
      resolve({ ok, passed: result?.numPassedTests ?? 0, failed: result?.numFailedTests ?? 0, failedTests, seconds: (Date.now() - started) / 1000, log });
    });
  });
}

console.log(`test:stress: ${projects.map((p) => p.name).join(', ')}, ${runs} rounds, ${busyLoops} busy loops competing`);
const tally = new Map(projects.map((p) => [p.name, 0]));
let failures = 0;
for (let round = 1; round <= runs; round++) {
  for (const project of projects) {
    const r = await runSuite(project, round);
    const counts = `${r.passed} passed, ${r.failed} failed, ${r.seconds.toFixed(1)} s`;
    if (r.ok) {
      tally.set(project.name, (tally.get(project.name) ?? 0) + 1);
      console.log(`round ${round}/${runs} ${project.name}: pass (${counts})`);
    } else {
      failures++;
      console.log(`round ${round}/${runs} ${project.name}: FAIL (${counts}); log: ${path.relative(root, r.log)}`);
      for (const name of r.failedTests) console.log(`  failed: ${name}`);
      if (r.failedTests.length === 0) console.log('  (no failing test reported: a suite failed to load or jest crashed; see the log)');
    }
  }
}
stopSpinners();
const summary = projects.map((p) => `${p.name} ${tally.get(p.name)}/${runs}`).join(', ');
console.log(`test:stress: ${failures === 0 ? 'all passed' : `${failures} failed`} (${summary})`);
process.exit(failures === 0 ? 0 : 1);
