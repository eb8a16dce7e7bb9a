import { describe, expect, it } from '@jest/globals';
import { BufferPool } from './buffer-pool.js';
import { checkPieces } from './check.js';
import { inlineHasher } from './hasher.js';
import { MemoryStorage } from './memory-storage.js';
import { PieceSet } from './piece-set.js';
import { makeFixture, type Fixture } from './test-fixtures.js';

const PIECE = 16_384;

/** A MemoryStorage holding every piece of `fixture`, telling the size of each buffer read into. */
async function stored(fixture: Fixture, sizes: number[]): Promise<MemoryStorage> {
  const storage = new MemoryStorage(fixture.torrent);
  for (let piece = 0; piece < fixture.torrent.geometry.pieceCount; piece++) await storage.write(piece, 0, fixture.pieceBytes(piece));
  const read = storage.read.bind(storage);
  storage.read = async (piece, begin, into, options) => {
    sizes.push(into.buffer.byteLength);
    return await read(piece, begin, into, options);
  };
  return storage;
}

function setOf(count: number, pieces: readonly number[]): PieceSet {
  const set = new PieceSet(count);
  for (const piece of pieces) set.add(piece);
  return set;
}

describe('checkPieces', () => {
  it('checks a torrent smaller than one piece in a buffer of its size, not a whole piece from the pool', async () => {
    const fixture = makeFixture([{ length: 400 }], PIECE, { multiFile: false });
    const sizes: number[] = [];
    const pool = new BufferPool(PIECE);
    const verified = await checkPieces(fixture.torrent, await stored(fixture, sizes), setOf(1, [0]), inlineHasher, pool);
    expect([...verified]).toEqual([0]);
    expect(sizes).toEqual([400]);
    expect(pool.bytesAllocated).toBe(0);
  });

  it('checks only a short last piece in a buffer of its size, and whole pieces in a pool buffer', async () => {
    const fixture = makeFixture([{ length: 2 * PIECE + 100 }], PIECE, { multiFile: false });
    const lastOnly: number[] = [];
    expect([...(await checkPieces(fixture.torrent, await stored(fixture, lastOnly), setOf(3, [2]), inlineHasher, new BufferPool(PIECE)))]).toEqual([2]);
    expect(lastOnly).toEqual([100]);

    const mixed: number[] = [];
    const pool = new BufferPool(PIECE);
    expect([...(await checkPieces(fixture.torrent, await stored(fixture, mixed), setOf(3, [0, 2]), inlineHasher, pool))]).toEqual([0, 2]);
    expect(mixed).toEqual([PIECE, PIECE]);
    expect(pool.bytesInUse).toBe(0); // given back
  });
});
