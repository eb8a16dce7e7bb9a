import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { sha1 } from '../test/fixtures.js';
import { PieceHasher } from './piece-hasher.js';

/** Reference: hash each piece of the whole buffer at once. */
function expectedHashes(data: Uint8Array, pieceLength: number): Uint8Array {
  const out: number[] = [];
  for (let at = 0; at < data.length; at += pieceLength) out.push(...sha1(data.subarray(at, at + pieceLength)));
  return new Uint8Array(out);
}

test('chunk boundaries never change the piece hashes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 700 }), fc.array(fc.integer({ min: 0, max: 900 })), (data, pieceLength, cuts) => {
      const hasher = new PieceHasher(pieceLength, data.length);
      let at = 0;
      for (const cut of cuts) {
        const end = Math.min(data.length, at + cut);
        hasher.update(data.subarray(at, end));
        at = end;
      }
      hasher.update(data.subarray(at));
      expect(hasher.hashedBytes).toBe(data.length);
      expect(hasher.finish()).toEqual(expectedHashes(data, pieceLength));
    }),
  );
});

test('more or fewer bytes than declared is an error', () => {
  const over = new PieceHasher(4, 8);
  expect(() => over.update(new Uint8Array(12))).toThrow(RangeError);
  const under = new PieceHasher(4, 8);
  under.update(new Uint8Array(3));
  expect(() => under.finish()).toThrow(RangeError);
});
