// The coverage probe against real parser code: a new branch shows up as new blocks, a repeat does not.
import { afterAll, describe, expect, test } from '@jest/globals';
import { BencodeError, decode } from '@typetorrent/bencode';
import { CoverageProbe } from './coverage.js';

const probe = CoverageProbe.start((url) => url.includes('/packages/bencode/'));
afterAll(() => probe.stop());

function tryDecode(text: string): void {
  try {
    decode(new TextEncoder().encode(text));
  } catch (error) {
    if (!(error instanceof BencodeError)) throw error;
  }
}

describe('CoverageProbe', () => {
  test('reports blocks once: new code, then nothing for the same input, then new blocks for a new branch', () => {
    probe.reset();
    tryDecode('d1:ai1ee');
    const first = probe.takeNew();
    expect(first.length).toBeGreaterThan(0);
    probe.mark(first);

    tryDecode('d1:ai1ee');
    expect(probe.takeNew()).toEqual([]);

    tryDecode('i01e'); // the leading-zero check: a branch the valid input never took
    const branch = probe.takeNew();
    expect(branch.length).toBeGreaterThan(0);
    probe.mark(branch);
    expect(probe.blocksSeen).toBe(first.length + branch.length);
  });
});
