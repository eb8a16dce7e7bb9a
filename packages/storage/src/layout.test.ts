import { describe, expect, test } from '@jest/globals';
import { StorageError } from './errors.js';
import { Layout } from './layout.js';
import { makeFixture, oddLayout } from './test-fixtures.js';

describe('Layout', () => {
  test('gives a side-file slot to each piece holding bytes of two real files, in order', () => {
    // Pieces of 32 KiB: a.bin(1) + b(16383) + c(16385) end at 32769, so piece 0 straddles a, b, c and
    // piece 1 straddles c and d.
    const layout = new Layout(oddLayout().torrent);
    expect(layout.straddlingPieces).toEqual([0, 1]);
    expect(layout.slotOf(0)).toBe(0);
    expect(layout.slotOf(1)).toBe(1);
    expect(layout.slotOf(2)).toBeUndefined();
  });

  test('padding files neither get slots nor count as a second file', () => {
    const { torrent } = makeFixture([{ length: 20000 }, { length: 12768, padding: true }, { length: 40000 }], 32768);
    const layout = new Layout(torrent);
    expect(layout.straddlingPieces).toEqual([]);
    const segments = layout.segments(0, 0, 32768, () => true);
    expect(segments.map((s) => s.kind)).toEqual(['file', 'zero']);
  });

  test('routes bytes of files not on disk to the slot, or nowhere when the piece has none', () => {
    const layout = new Layout(oddLayout().torrent);
    const onDisk = (file: number): boolean => file === 4;
    const piece1 = layout.segments(1, 0, 32768, onDisk);
    expect(piece1).toEqual([
      { kind: 'parts', fileIndex: 3, partsOffset: 32768 + 0, pieceOffset: 0, length: 1 },
      { kind: 'file', fileIndex: 4, fileOffset: 0, pieceOffset: 1, length: 32767 },
    ]);
    const notOnDisk = layout.segments(2, 100, 50, () => false);
    expect(notOnDisk).toEqual([{ kind: 'nowhere', fileIndex: 4, pieceOffset: 100, length: 50 }]);
  });

  test('the short last piece ends at the end of the data', () => {
    const layout = new Layout(oddLayout().torrent);
    // 132769 bytes in 32 KiB pieces: 5 pieces, the last one 132769 - 4 * 32768 = 1697 bytes.
    expect(layout.segments(4, 0, 1697, () => true)).toEqual([
      { kind: 'file', fileIndex: 4, fileOffset: 100000 - 1697, pieceOffset: 0, length: 1697 },
    ]);
    expect(() => layout.segments(4, 0, 1698, () => true)).toThrow(StorageError);
  });

  test.each([
    [-1, 0, 1],
    [5, 0, 1],
    [0.5, 0, 1],
    [0, -1, 1],
    [0, 32768, 1],
    [0, 0, 32769],
  ])('rejects piece %p bytes %p+%p as OUT_OF_BOUNDS', (piece, begin, length) => {
    const layout = new Layout(oddLayout().torrent);
    expect(() => layout.checkRange(piece, begin, length)).toThrow(expect.objectContaining({ code: 'OUT_OF_BOUNDS' }));
  });
});
