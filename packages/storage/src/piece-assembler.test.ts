import { describe, expect, test } from '@jest/globals';
import { StorageError } from './errors.js';
import { inlineHasher, type Hasher } from './hasher.js';
import { WorkerHasher } from './worker-hasher.js';
import { CATCH_UP_BLOCKS, INLINE_FINISH_BYTES, PieceAssembler, type BlockResult } from './piece-assembler.js';
import { MemoryStorage } from './memory-storage.js';
import type { IoOptions, Storage } from './storage.js';
import { differsAt, makeFixture, type Fixture } from './test-fixtures.js';

// 3 pieces of 64 KiB (4 blocks each) and a last piece of 10000 bytes (1 short block).
const fixture = makeFixture([{ length: 3 * 65536 + 10000 }], 65536, { name: 'asm' });

async function feed(assembler: PieceAssembler, f: Fixture, piece: number, peer = 'peer-a'): Promise<BlockResult[]> {
  const results: BlockResult[] = [];
  for (const { begin, data } of f.blocks(piece)) results.push(await assembler.addBlock(piece, begin, data, peer));
  return results;
}

/** Records the buffers handed to write(), to check that pieces are written from the pooled buffer. */
class RecordingStorage extends MemoryStorage {
  readonly written: Uint8Array[] = [];
  override async write(piece: number, begin: number, data: Uint8Array, options?: IoOptions): Promise<void> {
    this.written.push(data);
    await super.write(piece, begin, data, options);
  }
}

/** The inline hasher, counting the pieces it is given. */
function countingHasher(): Hasher & { readonly pieces: number[] } {
  const pieces: number[] = [];
  return {
    pieces,
    prefersShared: false,
    sha1: async (data, options) => {
      pieces.push(data.length);
      return await inlineHasher.sha1(data, options);
    },
    close: async () => undefined,
  };
}

describe('hashing on arrival', () => {
  test('blocks that come in order are hashed as they come: the piece is verified without the hasher', async () => {
    const hasher = countingHasher();
    const storage = new MemoryStorage(fixture.torrent);
    const assembler = new PieceAssembler(fixture.torrent, storage, { hasher });
    for (const piece of [0, 1, 2, 3]) expect((await feed(assembler, fixture, piece)).at(-1)?.kind).toBe('verified');
    expect(hasher.pieces).toEqual([]);
    expect(differsAt(await storage.read(1, 0, new Uint8Array(65536)), fixture.pieceBytes(1))).toBe(-1);
  });

  test('blocks in any order, and a wrong one, give the same outcome as hashing the whole piece', async () => {
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent));
    const reversed = fixture.blocks(0).reverse();
    const results: BlockResult[] = [];
    for (const { begin, data } of reversed) results.push(await assembler.addBlock(0, begin, data, 'peer-a'));
    expect(results.at(-1)?.kind).toBe('verified');
    const blocks = fixture.blocks(1);
    const bad = blocks.map(({ begin, data }, i) => ({ begin, data: i === 2 ? data.map((b) => b ^ 1) : data }));
    const outcomes: BlockResult[] = [];
    for (const [i, { begin, data }] of bad.entries()) outcomes.push(await assembler.addBlock(1, begin, data, i === 2 ? 'liar' : 'peer-a'));
    expect(outcomes.at(-1)).toMatchObject({ kind: 'hash-failed', piece: 1, peers: ['peer-a', 'liar'] });
  });

  test('a piece whose first blocks came last, by more than INLINE_FINISH_BYTES, goes to the hasher whole', async () => {
    const pieceLength = 2 * INLINE_FINISH_BYTES;
    const big = makeFixture([{ length: 2 * pieceLength }], pieceLength, { name: 'big' });
    const hasher = countingHasher();
    const assembler = new PieceAssembler(big.torrent, new MemoryStorage(big.torrent), { hasher });
    const blocks = big.blocks(0);
    // All but the first block, then the first: it catches up CATCH_UP_BLOCKS blocks only.
    const order = [...blocks.slice(1), blocks[0]!];
    const results: BlockResult[] = [];
    for (const { begin, data } of order) results.push(await assembler.addBlock(0, begin, data, 'peer-a'));
    expect(results.at(-1)?.kind).toBe('verified');
    expect(hasher.pieces).toEqual([pieceLength]);
    expect(CATCH_UP_BLOCKS * 16384).toBeLessThan(pieceLength - INLINE_FINISH_BYTES);
    // In order, the same piece needs no hasher.
    expect((await feed(assembler, big, 1)).at(-1)?.kind).toBe('verified');
    expect(hasher.pieces).toEqual([pieceLength]);
  });

  test('hashOnArrival: false hands every complete piece to the hasher', async () => {
    const hasher = countingHasher();
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent), { hasher, hashOnArrival: false });
    expect((await feed(assembler, fixture, 0)).at(-1)?.kind).toBe('verified');
    expect(hasher.pieces).toEqual([65536]);
  });
});

describe('PieceAssembler', () => {
  test('a reserved piece keeps its buffer for its blocks, so they are never answered busy', async () => {
    const storage = new MemoryStorage(fixture.torrent);
    // Room for one piece only.
    const assembler = new PieceAssembler(fixture.torrent, storage, { memoryLimit: 65536 });
    expect(assembler.reserve(0)).toBe(true);
    expect(assembler.reserve(0)).toBe(true);
    expect(assembler.reserve(1)).toBe(false);
    expect(assembler.canAccept(1)).toBe(false);
    const results = await feed(assembler, fixture, 0);
    expect(results.map((r) => r.kind)).toEqual(['stored', 'stored', 'stored', 'verified']);
    expect(assembler.reserve(1)).toBe(true);
  });

  test('unreserve gives back the buffer of a piece none of whose blocks came, and keeps one that has blocks', async () => {
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent), { memoryLimit: 65536 });
    expect(assembler.reserve(0)).toBe(true);
    assembler.unreserve(0);
    expect(assembler.piecesInProgress).toEqual([]);
    expect(assembler.reserve(1)).toBe(true);
    const [first] = fixture.blocks(1);
    if (first === undefined) throw new Error('no block');
    await assembler.addBlock(1, first.begin, first.data, 'peer-a');
    assembler.unreserve(1);
    expect(assembler.piecesInProgress).toEqual([1]);
    expect(assembler.reserve(2)).toBe(false);
  });

  test('a complete piece with the right hash is verified and written', async () => {
    const storage = new MemoryStorage(fixture.torrent);
    const verified: number[] = [];
    const assembler = new PieceAssembler(fixture.torrent, storage, { onVerified: (p) => verified.push(p) });
    const results = await feed(assembler, fixture, 1);
    expect(results.map((r) => r.kind)).toEqual(['stored', 'stored', 'stored', 'verified']);
    expect(results[0]).toEqual({ kind: 'stored', piece: 1, missingBlocks: 3 });
    expect(verified).toEqual([1]);
    expect(differsAt(await storage.read(1, 0, new Uint8Array(65536)), fixture.pieceBytes(1))).toBe(-1);
  });

  test('offerBlock answers without a promise until the block that completes the piece, and copies the bytes at once', async () => {
    const storage = new MemoryStorage(fixture.torrent);
    const assembler = new PieceAssembler(fixture.torrent, storage);
    const blocks = [...fixture.blocks(0)];
    const results: (BlockResult | Promise<BlockResult>)[] = [];
    for (const { begin, data } of blocks) {
      const reused = new Uint8Array(data); // a read buffer the caller overwrites right after
      results.push(assembler.offerBlock(0, begin, reused, 'peer-a'));
      reused.fill(0xff);
    }
    expect(results.slice(0, -1)).toEqual([3, 2, 1].map((missingBlocks) => ({ kind: 'stored', piece: 0, missingBlocks })));
    expect(results.at(-1)).toBeInstanceOf(Promise);
    expect(await results.at(-1)).toEqual({ kind: 'verified', piece: 0 });
    const first = fixture.blocks(1)[0]!;
    expect(assembler.offerBlock(1, first.begin, first.data, 'peer-a')).toEqual({ kind: 'stored', piece: 1, missingBlocks: 3 });
    expect(assembler.offerBlock(1, first.begin, first.data, 'peer-b')).toEqual({ kind: 'duplicate', piece: 1 });
    expect(() => assembler.offerBlock(0, 100, blocks[0]!.data, 'peer-a')).toThrow(StorageError);
  });

  test('blocks may arrive in any order; the short last piece has one short block', async () => {
    const storage = new MemoryStorage(fixture.torrent);
    const assembler = new PieceAssembler(fixture.torrent, storage);
    const blocks = fixture.blocks(0).reverse();
    let last: BlockResult | undefined;
    for (const { begin, data } of blocks) last = await assembler.addBlock(0, begin, data, 'p');
    expect(last?.kind).toBe('verified');
    expect((await feed(assembler, fixture, 3)).map((r) => r.kind)).toEqual(['verified']);
  });

  test('a piece failing its hash is discarded and reports who sent each block', async () => {
    const storage = new MemoryStorage(fixture.torrent);
    const assembler = new PieceAssembler(fixture.torrent, storage);
    const blocks = fixture.blocks(2);
    const bad = blocks[2]!.data.slice();
    bad[100]! ^= 0xff;
    await assembler.addBlock(2, blocks[0]!.begin, blocks[0]!.data, '10.0.0.1:6881');
    await assembler.addBlock(2, blocks[1]!.begin, blocks[1]!.data, '10.0.0.1:6881');
    await assembler.addBlock(2, blocks[2]!.begin, bad, '10.0.0.2:51413');
    const result = await assembler.addBlock(2, blocks[3]!.begin, blocks[3]!.data, '10.0.0.1:6881');
    expect(result).toEqual({
      kind: 'hash-failed',
      piece: 2,
      senders: ['10.0.0.1:6881', '10.0.0.1:6881', '10.0.0.2:51413', '10.0.0.1:6881'],
      peers: ['10.0.0.1:6881', '10.0.0.2:51413'],
    });
    expect(storage.writtenPieces).toEqual([]);
    expect(assembler.piecesInProgress).toEqual([]);
    // The piece starts over: good blocks now verify it.
    expect((await feed(assembler, fixture, 2)).at(-1)?.kind).toBe('verified');
  });

  test('a duplicate block (endgame) is dropped, the first copy counts', async () => {
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent));
    const [first] = fixture.blocks(0);
    expect((await assembler.addBlock(0, first!.begin, first!.data, 'a')).kind).toBe('stored');
    expect(await assembler.addBlock(0, first!.begin, new Uint8Array(16384), 'b')).toEqual({ kind: 'duplicate', piece: 0 });
    expect(assembler.hasBlock(0, 0)).toBe(true);
    const rest = await Promise.all(fixture.blocks(0).slice(1).map(({ begin, data }) => assembler.addBlock(0, begin, data, 'a')));
    expect(rest.at(-1)?.kind).toBe('verified');
  });

  test('blocks of a piece already verified are duplicates', async () => {
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent), { isVerified: (p) => p === 1 });
    const [block] = fixture.blocks(1);
    expect(await assembler.addBlock(1, 0, block!.data, 'a')).toEqual({ kind: 'duplicate', piece: 1 });
  });

  test.each([
    ['an offset not on a block boundary', 0, 100, 16384, 'BAD_BLOCK'],
    ['an offset past the piece', 0, 65536, 16384, 'BAD_BLOCK'],
    ['a short block in the middle', 0, 0, 16000, 'BAD_BLOCK'],
    ['a long last block', 3, 0, 16384, 'BAD_BLOCK'],
    ['a piece past the end', 4, 0, 16384, 'OUT_OF_BOUNDS'],
  ])('rejects %s as %s', async (_what, piece, begin, length, code) => {
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent));
    await expect(assembler.addBlock(piece, begin, new Uint8Array(length), 'p')).rejects.toMatchObject({ code, piece });
    expect(assembler.piecesInProgress).toEqual([]);
  });

  test('answers busy for a new piece at the memory cap, and frees memory as pieces complete', async () => {
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent), { memoryLimit: 2 * 65536 });
    const first = (p: number): { begin: number; data: Uint8Array } => fixture.blocks(p)[0]!;
    await assembler.addBlock(0, 0, first(0).data, 'p');
    await assembler.addBlock(1, 0, first(1).data, 'p');
    expect(assembler.canAccept(2)).toBe(false);
    expect(assembler.canAccept(1)).toBe(true);
    expect(await assembler.addBlock(2, 0, first(2).data, 'p')).toEqual({ kind: 'busy', piece: 2 });
    const freed = assembler.waitForMemory();
    for (const { begin, data } of fixture.blocks(0).slice(1)) await assembler.addBlock(0, begin, data, 'p');
    await freed;
    expect(assembler.canAccept(2)).toBe(true);
    expect((await assembler.addBlock(2, 0, first(2).data, 'p')).kind).toBe('stored');
  });

  test('copies each block once into a pooled buffer, and reuses that buffer for the next piece', async () => {
    const storage = new RecordingStorage(fixture.torrent);
    const assembler = new PieceAssembler(fixture.torrent, storage, { memoryLimit: 65536 });
    await feed(assembler, fixture, 0);
    await feed(assembler, fixture, 1);
    expect(storage.written).toHaveLength(2);
    expect(storage.written[1]!.buffer).toBe(storage.written[0]!.buffer);
    expect(assembler.pool.bytesAllocated).toBe(65536);
  });

  test('copies the block before addBlock returns, so the caller may reuse its buffer at once', async () => {
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent));
    const scratch = new Uint8Array(16384);
    const pending: Promise<BlockResult>[] = [];
    for (const { begin, data } of fixture.blocks(0)) {
      scratch.set(data);
      pending.push(assembler.addBlock(0, begin, scratch, 'p'));
      scratch.fill(0); // a socket reusing its read buffer
    }
    expect((await Promise.all(pending)).at(-1)?.kind).toBe('verified');
  });

  test('discard frees a partial piece', async () => {
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent), { memoryLimit: 65536 });
    await assembler.addBlock(0, 0, fixture.blocks(0)[0]!.data, 'p');
    expect(assembler.canAccept(1)).toBe(false);
    assembler.discard(0);
    expect(assembler.canAccept(1)).toBe(true);
    expect(assembler.hasBlock(0, 0)).toBe(false);
  });

  test('a write failure stops the assembler with that error; the piece is not verified', async () => {
    const failing: Storage = Object.assign(new MemoryStorage(fixture.torrent), {
      write: async () => {
        throw new StorageError('DISK_FULL', 'disk full', { path: '/x' });
      },
    });
    const verified: number[] = [];
    const assembler = new PieceAssembler(fixture.torrent, failing, { onVerified: (p) => verified.push(p) });
    await expect(feed(assembler, fixture, 0)).rejects.toMatchObject({ code: 'DISK_FULL', path: '/x' });
    expect(verified).toEqual([]);
    expect(assembler.failure?.code).toBe('DISK_FULL');
    await expect(assembler.addBlock(1, 0, fixture.blocks(1)[0]!.data, 'p')).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(assembler.pool.bytesInUse).toBe(0);
  });

  test('a hasher that moves the piece away and loses it drops that piece only (busy); the pool frees its place', async () => {
    const losing: Hasher = {
      prefersShared: false,
      sha1: async () => new Uint8Array(20),
      sha1Moving: async (data) => {
        // What a worker crash does to a moved buffer: it is gone from this thread.
        structuredClone(data.buffer, { transfer: [data.buffer as ArrayBuffer] });
        throw new StorageError('IO', 'hash worker failed');
      },
      close: async () => undefined,
    };
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent), { hasher: losing, hashOnArrival: false });
    expect((await feed(assembler, fixture, 0)).at(-1)).toEqual({ kind: 'busy', piece: 0 });
    expect(assembler.failure).toBeUndefined();
    expect(assembler.hasBlock(0, 0)).toBe(false);
    expect(assembler.pool.bytesInUse).toBe(0);
    expect(assembler.pool.bytesAllocated).toBe(0);
  });

  test('a hasher that moves the piece to a worker and back verifies and writes it', async () => {
    const hasher = new WorkerHasher({ threads: 1 });
    try {
      const storage = new MemoryStorage(fixture.torrent);
      const assembler = new PieceAssembler(fixture.torrent, storage, { hasher, hashOnArrival: false });
      for (const piece of [2, 0, 3, 1]) expect((await feed(assembler, fixture, piece)).at(-1)?.kind).toBe('verified');
      for (const piece of [0, 1, 2, 3]) {
        const size = fixture.torrent.geometry.pieceSize(piece);
        expect(differsAt(await storage.read(piece, 0, new Uint8Array(size)), fixture.pieceBytes(piece))).toBe(-1);
      }
      expect(assembler.pool.bytesInUse).toBe(0);
    } finally {
      await hasher.close();
    }
  });

  test('an abort loses only the piece being completed', async () => {
    const assembler = new PieceAssembler(fixture.torrent, new MemoryStorage(fixture.torrent));
    const blocks = fixture.blocks(0);
    for (const { begin, data } of blocks.slice(0, -1)) await assembler.addBlock(0, begin, data, 'p');
    const last = blocks.at(-1)!;
    await expect(assembler.addBlock(0, last.begin, last.data, 'p', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(assembler.failure).toBeUndefined();
    expect((await feed(assembler, fixture, 0)).at(-1)?.kind).toBe('verified');
  });
});
