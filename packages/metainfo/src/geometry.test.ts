import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { BLOCK_SIZE, PieceGeometry } from './geometry.js';

describe('PieceGeometry sizes', () => {
  test('counts pieces and sizes the short last piece', () => {
    const g = new PieceGeometry(32768, 100000, [{ length: 100000 }]);
    expect(g.pieceCount).toBe(4);
    expect(g.lastPieceLength).toBe(100000 - 3 * 32768);
    expect([0, 1, 2, 3].map((p) => g.pieceSize(p))).toEqual([32768, 32768, 32768, 1696]);
    expect(g.pieceOffset(3)).toBe(98304);
  });

  test('a total that is an exact multiple has a full last piece', () => {
    const g = new PieceGeometry(16384, 65536, [{ length: 65536 }]);
    expect(g.pieceCount).toBe(4);
    expect(g.lastPieceLength).toBe(16384);
  });

  test('splits pieces into 16 KiB blocks with a short last block', () => {
    const g = new PieceGeometry(40000, 90000, [{ length: 90000 }]);
    expect(g.blockCount(0)).toBe(3);
    expect([0, 1, 2].map((b) => g.blockSize(0, b))).toEqual([BLOCK_SIZE, BLOCK_SIZE, 40000 - 2 * BLOCK_SIZE]);
    expect(g.blockCount(2)).toBe(1);
    expect(g.blockSize(2, 0)).toBe(10000);
  });

  test('rejects bad piece and block indexes with RangeError', () => {
    const g = new PieceGeometry(16384, 20000, [{ length: 20000 }]);
    expect(() => g.pieceSize(2)).toThrow(RangeError);
    expect(() => g.pieceSize(-1)).toThrow(RangeError);
    expect(() => g.pieceSize(0.5)).toThrow(RangeError);
    expect(() => g.blockSize(1, 1)).toThrow(RangeError);
    expect(() => g.fileSlices(0, 10, 16380)).toThrow(RangeError);
  });

  test('rejects file lengths that do not add up to the total', () => {
    expect(() => new PieceGeometry(16384, 10, [{ length: 4 }, { length: 5 }])).toThrow(RangeError);
    expect(() => new PieceGeometry(0, 10, [{ length: 10 }])).toThrow(RangeError);
  });
});

describe('PieceGeometry file slices', () => {
  test('a piece spanning many small files and skipping zero-length ones', () => {
    const g = new PieceGeometry(10, 25, [{ length: 3 }, { length: 0 }, { length: 4 }, { length: 0 }, { length: 18 }]);
    expect(g.fileSlices(0)).toEqual([
      { fileIndex: 0, fileOffset: 0, pieceOffset: 0, length: 3 },
      { fileIndex: 2, fileOffset: 0, pieceOffset: 3, length: 4 },
      { fileIndex: 4, fileOffset: 0, pieceOffset: 7, length: 3 },
    ]);
    expect(g.fileSlices(2)).toEqual([{ fileIndex: 4, fileOffset: 13, pieceOffset: 0, length: 5 }]);
  });

  test('a sub-range of a piece', () => {
    const g = new PieceGeometry(10, 20, [{ length: 6 }, { length: 14 }]);
    expect(g.fileSlices(0, 4, 4)).toEqual([
      { fileIndex: 0, fileOffset: 4, pieceOffset: 4, length: 2 },
      { fileIndex: 1, fileOffset: 0, pieceOffset: 6, length: 2 },
    ]);
    expect(g.fileSlices(1, 3, 0)).toEqual([]);
  });

  test('pieces of a file, undefined for a zero-length file', () => {
    const g = new PieceGeometry(10, 25, [{ length: 5 }, { length: 0 }, { length: 20 }]);
    expect(g.piecesOfFile(0)).toEqual({ first: 0, last: 0 });
    expect(g.piecesOfFile(1)).toBeUndefined();
    expect(g.piecesOfFile(2)).toEqual({ first: 0, last: 2 });
    expect(g.fileOffset(2)).toBe(5);
    expect(() => g.piecesOfFile(3)).toThrow(RangeError);
  });
});

const layouts = fc.record({
  pieceLength: fc.integer({ min: 1, max: 64 }),
  lengths: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200 })), { minLength: 1, maxLength: 20 }),
});

describe('PieceGeometry properties', () => {
  test('slices of all pieces cover every byte of every file exactly once, in order', () => {
    fc.assert(
      fc.property(layouts, ({ pieceLength, lengths }) => {
        const total = lengths.reduce((a, b) => a + b, 0);
        const g = new PieceGeometry(pieceLength, total, lengths.map((length) => ({ length })));
        // Expected: each non-empty file, in order, cut wherever a piece boundary falls inside it.
        const expected: number[][] = [];
        let offset = 0;
        lengths.forEach((length, fileIndex) => {
          for (let at = 0; at < length;) {
            const absolute = offset + at;
            const piece = Math.floor(absolute / pieceLength);
            const take = Math.min(length - at, (piece + 1) * pieceLength - absolute);
            expected.push([piece, fileIndex, at, absolute - piece * pieceLength, take]);
            at += take;
          }
          offset += length;
        });
        const actual = Array.from({ length: g.pieceCount }, (_, piece) =>
          g.fileSlices(piece).map((s) => [piece, s.fileIndex, s.fileOffset, s.pieceOffset, s.length])).flat();
        expect(actual).toEqual(expected);
      }),
    );
  });

  test('piecesOfFile agrees with the slices that mention the file', () => {
    fc.assert(
      fc.property(layouts, ({ pieceLength, lengths }) => {
        const total = lengths.reduce((a, b) => a + b, 0);
        const g = new PieceGeometry(pieceLength, total, lengths.map((length) => ({ length })));
        const seen = new Map<number, number[]>();
        for (let piece = 0; piece < g.pieceCount; piece++) {
          for (const slice of g.fileSlices(piece)) seen.set(slice.fileIndex, [...(seen.get(slice.fileIndex) ?? []), piece]);
        }
        lengths.forEach((_, index) => {
          const pieces = seen.get(index);
          const range = g.piecesOfFile(index);
          if (pieces === undefined) expect(range).toBeUndefined();
          else expect(range).toEqual({ first: pieces[0], last: pieces[pieces.length - 1] });
        });
      }),
    );
  });

  test('block sizes of a piece add up to the piece size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 * BLOCK_SIZE }), fc.integer({ min: 1, max: 20 }), fc.nat(), (pieceLength, pieces, extra) => {
        // A handful of pieces: enough for full and short last pieces, few enough to stay fast.
        const total = (pieces - 1) * pieceLength + 1 + (extra % pieceLength);
        const g = new PieceGeometry(pieceLength, total, [{ length: total }]);
        for (let piece = 0; piece < g.pieceCount; piece++) {
          let sum = 0;
          for (let block = 0; block < g.blockCount(piece); block++) sum += g.blockSize(piece, block);
          expect(sum).toBe(g.pieceSize(piece));
        }
      }),
    );
  });

  test('a sub-range gives the same bytes as cutting the whole-piece slices', () => {
    fc.assert(
      fc.property(layouts, fc.nat(), fc.nat(), fc.nat(), ({ pieceLength, lengths }, p, a, b) => {
        const total = lengths.reduce((x, y) => x + y, 0);
        fc.pre(total > 0);
        const g = new PieceGeometry(pieceLength, total, lengths.map((length) => ({ length })));
        const piece = p % g.pieceCount;
        const size = g.pieceSize(piece);
        const begin = a % (size + 1);
        const length = b % (size - begin + 1);
        const expected = g.fileSlices(piece).flatMap((s) => {
          const from = Math.max(s.pieceOffset, begin);
          const to = Math.min(s.pieceOffset + s.length, begin + length);
          return to > from ? [{ fileIndex: s.fileIndex, fileOffset: s.fileOffset + from - s.pieceOffset, pieceOffset: from, length: to - from }] : [];
        });
        expect(g.fileSlices(piece, begin, length)).toEqual(expected);
      }),
    );
  });
});
