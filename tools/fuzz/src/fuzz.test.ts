// The short pass `npm test` runs: every target for about two seconds from its committed seeds, with
// a fixed seed so a failure repeats. The long runs are `npm run fuzz` (README).
import { describe, expect, test } from '@jest/globals';
import { CoverageProbe } from './coverage.js';
import { CORPUS_DIR, CRASHERS_DIR, readInputs } from './files.js';
import { fuzz } from './runner.js';
import { TARGETS } from './targets/index.js';

const SECONDS = 2;

describe('a short fuzz run of every target finds nothing', () => {
  test.each(TARGETS.map((t) => [t.name, t] as const))('%s', (_name, target) => {
    const seeds = readInputs(CORPUS_DIR, target.name);
    // Every target has a committed seed corpus to start from.
    expect(seeds.length).toBeGreaterThan(0);
    const coverage = CoverageProbe.start();
    const result = fuzz(target, {
      seconds: SECONDS,
      seed: 1,
      seeds: [...seeds, ...readInputs(CRASHERS_DIR, target.name)].map((s) => s.bytes),
      coverage,
      // No time findings in a test (a busy machine is not a bug); the fuzz command applies the bound.
      timeBound: false,
    });
    coverage.stop();
    expect(result.findings.map((f) => `${f.kind}: ${f.message}`)).toEqual([]);
    expect(result.runs).toBeGreaterThan(seeds.length);
    expect(result.blocks).toBeGreaterThan(0);
  });
});
