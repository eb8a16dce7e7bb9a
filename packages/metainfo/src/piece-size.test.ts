import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { autoPieceLength, isStandardPieceLength, MAX_AUTO_PIECE_LENGTH, MIN_AUTO_PIECE_LENGTH } from './piece-size.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

test.each([
  [1, 16 * KiB],
  [30 * MiB, 16 * KiB],
  [700 * MiB, 512 * KiB],
  [4 * GiB, 4 * MiB],
  [2000 * GiB, 16 * MiB],
])('autoPieceLength(%d) is %d', (total, expected) => {
  expect(autoPieceLength(total)).toBe(expected);
});

test('the automatic size is a standard power of two giving at most 2000 pieces unless capped', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (total) => {
      const length = autoPieceLength(total);
      expect(isStandardPieceLength(length)).toBe(true);
      expect(length).toBeGreaterThanOrEqual(MIN_AUTO_PIECE_LENGTH);
      expect(length).toBeLessThanOrEqual(MAX_AUTO_PIECE_LENGTH);
      if (length < MAX_AUTO_PIECE_LENGTH) expect(Math.ceil(total / length)).toBeLessThanOrEqual(2000);
      if (length > MIN_AUTO_PIECE_LENGTH) expect(Math.ceil(total / (length / 2))).toBeGreaterThan(2000);
    }),
  );
});

test('isStandardPieceLength wants a power of two of at least 16 KiB', () => {
  expect([16 * KiB, 256 * KiB, 64 * MiB, 2 ** 40].map(isStandardPieceLength)).toEqual([true, true, true, true]);
  expect([0, 8 * KiB, 20000, 3 * 16 * KiB, 16 * KiB + 0.5, -16 * KiB].map(isStandardPieceLength)).toEqual([false, false, false, false, false, false]);
});
