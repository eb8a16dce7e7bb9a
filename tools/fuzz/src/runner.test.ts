// The runner on toy targets whose bugs are known: what counts as a finding, deduplication, shrinking.
import { describe, expect, test } from '@jest/globals';
import { fuzz, replay } from './runner.js';
import { RoundTripMismatch, type FuzzTarget } from './target.js';

class ToyError extends Error {}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Rejects everything with its typed error, except that a 'B' anywhere crashes it. */
const crashesOnB: FuzzTarget = {
  name: 'toy',
  dictionary: ['B'],
  run(input) {
    if (input.includes(0x42)) throw new TypeError('B is not handled');
    if (input.length > 3) throw new ToyError('too long');
    return `len ${input.length}`;
  },
  expectedError: (error) => (error instanceof ToyError ? 'too-long' : undefined),
};

describe('fuzz runner', () => {
  test('an untyped exception is one finding however often it is hit, shrunk to the byte that causes it', () => {
    const result = fuzz(crashesOnB, { seconds: 0.5, seed: 3, seeds: [bytes('hello world')] });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ kind: 'crash', target: 'toy' });
    expect(result.findings[0]?.message).toContain('B is not handled');
    expect(result.findings[0]?.input).toEqual(bytes('B'));
  });

  test("the package's typed error is an expected rejection, not a finding", () => {
    const typedOnly: FuzzTarget = { ...crashesOnB, dictionary: [], run: crashesOnB.run, expectedError: () => 'any' };
    const result = fuzz(typedOnly, { seconds: 0.2, seed: 4, seeds: [bytes('a long input')] });
    expect(result.findings).toEqual([]);
    expect(result.runs).toBeGreaterThan(1);
  });

  test('a round-trip mismatch is a finding', () => {
    const lossy: FuzzTarget = {
      name: 'lossy', dictionary: [], expectedError: () => undefined,
      run(input) {
        if (input.length > 2) throw new RoundTripMismatch('decode(encode(decode(x)))', 'lost a byte');
        return 'ok';
      },
    };
    const result = fuzz(lossy, { seconds: 0.2, seed: 5, seeds: [bytes('abc')], minimize: false });
    expect(result.findings.map((f) => f.kind)).toEqual(['mismatch']);
    expect(result.findings[0]?.input).toEqual(bytes('abc'));
  });

  test('replay reports saved inputs that still give a finding, by name', () => {
    const failures = replay(crashesOnB, [{ name: 'fixed', bytes: bytes('ok') }, { name: 'open', bytes: bytes('xBx') }]);
    expect(failures.map((f) => f.name)).toEqual(['open']);
    expect(failures[0]?.message).toContain('crash: ');
  });
});
