// A jest reporter that appends one line per project run to .ci-results/tests.jsonl, so
// tools/ci/run-all.mjs can print a plain "N passed, N failed" line across every project.
const fs = require('node:fs');
const path = require('node:path');

class CountReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }
  onRunComplete(_contexts, results) {
    const dir = path.resolve(__dirname, '../../.ci-results');
    fs.mkdirSync(dir, { recursive: true });
    const line = {
      project: path.basename(this.globalConfig.rootDir),
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests,
      suitesFailed: results.numFailedTestSuites,
      runtimeErrors: results.numRuntimeErrorTestSuites,
    };
    fs.appendFileSync(path.join(dir, 'tests.jsonl'), JSON.stringify(line) + '\n');
  }
}
module.exports = CountReporter;
