// Every finding ever saved under crashers/<target>/ is replayed here: once its bug is fixed it must
// stay fixed. A finding that is not fixed yet fails this test, as it should.
import fs from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { CRASHERS_DIR, readInputs } from './files.js';
import { replay } from './runner.js';
import { TARGETS } from './targets/index.js';

describe('saved findings no longer reproduce', () => {
  test('every folder under crashers/ is a known target', () => {
    const folders = fs.existsSync(CRASHERS_DIR) ? fs.readdirSync(CRASHERS_DIR).filter((name) => !name.startsWith('.')) : [];
    expect(folders.filter((name) => !TARGETS.some((t) => t.name === name))).toEqual([]);
  });

  test.each(TARGETS.map((t) => [t.name, t] as const))('%s', (name, target) => {
    // Without the time bound: a test must not fail on a busy machine. A fixed slow input gets a unit
    // test of its outcome beside the parser instead (speed belongs to benchmarks).
    expect(replay(target, readInputs(CRASHERS_DIR, name), false)).toEqual([]);
  });
});
