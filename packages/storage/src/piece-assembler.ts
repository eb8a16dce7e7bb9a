// Block assembly (BEP 3: pieces are requested as 16 KiB blocks). Blocks are copied once into a pooled
// piece buffer; when the last block arrives the piece is hashed, and written only if the hash matches.
// A mismatch is a value naming who sent each block, so the engine can ban the sender of bad data.
// Memory is bounded by the pool: when it is full a block of a new piece is answered 'busy' and the
// engine stops requesting until waitForMemory() resolves (see README: memory bounds).
//
// Hashing on arrival (the default): blocks that arrive in order, as nearly all do, go into the
// piece's SHA-1 right after they are copied, on the calling thread, while they are still in the CPU's
// cache (libtorrent hashes v1 pieces the same way, block by block). Handing whole pieces to a hashing
// thread cost more CPU than it saved the event loop: from 3 libtorrent seeders (1 GiB, 2026-12-06,
// BENCHMARKS.md) the thread's SHA-1 of pieces no longer in cache, the hand-off and the garbage of
// buffers moving between threads made 2.23-2.38 CPU s per GiB against 1.66-1.71 hashing on arrival
// (and whole pieces hashed on the event loop, hashThreads 0, 2.06-2.32). About 10 µs per 16 KiB
// block, spread over the blocks as they come; a piece whose blocks came out of order by more than a
// MiB goes to the Hasher whole, as every piece did before.
import { createHash, type Hash } from 'node:crypto';
import { BLOCK_SIZE } from '@typetorrent/metainfo';
import { BufferPool, defaultMemoryLimit } from './buffer-pool.js';
import { StorageError, toStorageError } from './errors.js';
import { inlineHasher, sameDigest, type Hasher } from './hasher.js';
import type { IoOptions, Storage } from './storage.js';
import type { StorageTorrent } from './torrent.js';

export type BlockResult =
  /** Kept; the piece still misses `missingBlocks` blocks. */
  | { readonly kind: 'stored'; readonly piece: number; readonly missingBlocks: number }
  /** The block was already here (endgame), or the piece is verified or being verified: dropped. */
  | { readonly kind: 'duplicate'; readonly piece: number }
  /**
   * No memory for a new piece: dropped. Request it again after waitForMemory(). Also the answer to
   * the block that completed a piece the hasher could not hash (a worker thread died): the whole
   * piece is dropped and must be fetched again.
   */
  | { readonly kind: 'busy'; readonly piece: number }
  /** This block completed the piece, which matched its hash and is written. */
  | { readonly kind: 'verified'; readonly piece: number }
  /**
   * This block completed the piece, which failed its hash and was discarded. `senders[block]` is the
   * peer key that sent each block; `peers` lists each sender once.
   */
  | { readonly kind: 'hash-failed'; readonly piece: number; readonly senders: readonly string[]; readonly peers: readonly string[] };

export interface PieceAssemblerOptions {
  /** Cap on piece buffers, in bytes (default 64 MiB); at least one piece always fits. */
  readonly memoryLimit?: number;
  readonly hasher?: Hasher;
  /** True for pieces already verified: their blocks are duplicates. */
  readonly isVerified?: (piece: number) => boolean;
  /** Called as soon as a piece is written, before any other block is looked at. */
  readonly onVerified?: (piece: number) => void;
  /**
   * true (default): blocks arriving in order are hashed as they come, on the calling thread, and
   * `hasher` gets only pieces whose blocks came out of order by more than INLINE_FINISH_BYTES.
   * false: every piece is hashed by `hasher` once complete.
   */
  readonly hashOnArrival?: boolean;
}

/** Blocks one arriving block may hash at most (one that fills a gap catches up this many, the rest later). */
export const CATCH_UP_BLOCKS = 16;
/** A complete piece hashed on arrival finishes its hash on the calling thread if this much is left, else goes to the Hasher. */
export const INLINE_FINISH_BYTES = 1024 * 1024;

interface PartialPiece {
  /** Replaced when hashing moves the memory to a worker thread and back (Hasher.sha1Moving). */
  buffer: Uint8Array;
  /** Peer key per block; undefined: not received yet. */
  readonly senders: (string | undefined)[];
  missing: number;
  /** Complete and being hashed or written: later blocks are duplicates. */
  completing: boolean;
  /** SHA-1 of the first `hashed` blocks, fed as they arrived (hashing on arrival); made at the first. */
  hash: Hash | undefined;
  hashed: number;
}

export class PieceAssembler {
  readonly #torrent: StorageTorrent;
  readonly #storage: Storage;
  readonly #hasher: Hasher;
  readonly #pool: BufferPool;
  readonly #pieces = new Map<number, PartialPiece>();
  readonly #isVerified: (piece: number) => boolean;
  readonly #onVerified: (piece: number) => void;
  readonly #completions = new Set<Promise<unknown>>();
  readonly #hashOnArrival: boolean;
  /** The first write failure: after it, the assembler refuses all blocks (the torrent must stop). */
  #failure: StorageError | undefined;

  constructor(torrent: StorageTorrent, storage: Storage, options: PieceAssemblerOptions = {}) {
    this.#torrent = torrent;
    this.#storage = storage;
    this.#hasher = options.hasher ?? inlineHasher;
    this.#pool = new BufferPool(torrent.geometry.pieceLength, options.memoryLimit ?? defaultMemoryLimit(torrent.geometry.pieceLength), this.#hasher.prefersShared);
    this.#isVerified = options.isVerified ?? (() => false);
    this.#onVerified = options.onVerified ?? (() => undefined);
    this.#hashOnArrival = options.hashOnArrival ?? true;
  }

  /** The pool of piece buffers; rechecks borrow from it so all piece memory is under one cap. */
  get pool(): BufferPool {
    return this.#pool;
  }

  /** The write error that stopped the assembler, if any. */
  get failure(): StorageError | undefined {
    return this.#failure;
  }

  /** Pieces with buffered blocks, or being hashed and written. */
  get piecesInProgress(): readonly number[] {
    return [...this.#pieces.keys()];
  }

  /** True when a block of `piece` would not be answered 'busy'. */
  canAccept(piece: number): boolean {
    return this.#pieces.has(piece) || this.#pool.available;
  }

  /**
   * Holds a buffer for `piece` before any of its blocks is asked for, so that every block requested
   * finds room when it arrives (a block of a new piece that found the pool empty was dropped, and
   * fetched again: about a tenth of a fast download). True when the piece is in progress or a buffer
   * was free; false when the pool is full (wait with waitForMemory).
   */
  reserve(piece: number): boolean {
    if (this.#pieces.has(piece)) return true;
    if (this.#isVerified(piece)) return false;
    const buffer = this.#pool.acquire(this.#torrent.geometry.pieceSize(piece));
    if (buffer === undefined) return false;
    this.#pieces.set(piece, newPartial(buffer, this.#torrent.geometry.blockCount(piece)));
    return true;
  }

  /** Gives back the buffer of a reserved piece none of whose blocks arrived (its requests were all given up). */
  unreserve(piece: number): void {
    const partial = this.#pieces.get(piece);
    if (partial === undefined || partial.completing || partial.missing !== partial.senders.length) return;
    this.#pieces.delete(piece);
    this.#pool.release(partial.buffer);
  }

  /** Resolves when a new piece can be started. */
  async waitForMemory(options: IoOptions = {}): Promise<void> {
    await this.#pool.whenAvailable(options.signal);
  }

  /** True when `block` of a piece in progress has arrived. */
  hasBlock(piece: number, block: number): boolean {
    return this.#pieces.get(piece)?.senders[block] !== undefined;
  }

  /**
   * Adds a block from `peer` (any string that identifies the sender, e.g. "ip:port"). Throws
   * BAD_BLOCK or OUT_OF_BOUNDS for a block that does not fit the geometry, and the write error (a
   * StorageError) when the completed piece could not be written.
   */
  async addBlock(piece: number, begin: number, data: Uint8Array, peer: string, options: IoOptions = {}): Promise<BlockResult> {
    return await this.offerBlock(piece, begin, data, peer, options);
  }

  /**
   * `addBlock` without a promise for the common outcomes: 'stored', 'duplicate' and 'busy' come back
   * at once, and only the block that completes a piece gets a promise (hash and write). Checks that
   * fail throw synchronously. The block's bytes are copied before this returns.
   */
  offerBlock(piece: number, begin: number, data: Uint8Array, peer: string, options: IoOptions = {}): BlockResult | Promise<BlockResult> {
    if (this.#failure !== undefined) throw this.#failure;
    const block = this.#checkBlock(piece, begin, data.length);
    if (this.#isVerified(piece)) return { kind: 'duplicate', piece };
    let partial = this.#pieces.get(piece);
    if (partial === undefined) {
      const buffer = this.#pool.acquire(this.#torrent.geometry.pieceSize(piece));
      if (buffer === undefined) return { kind: 'busy', piece };
      partial = newPartial(buffer, this.#torrent.geometry.blockCount(piece));
      this.#pieces.set(piece, partial);
    }
    if (partial.completing || partial.senders[block] !== undefined) return { kind: 'duplicate', piece };
    partial.buffer.set(data, begin);
    partial.senders[block] = peer;
    partial.missing--;
    // The next block to hash is here (this one, or one waiting behind the gap this one filled).
    if (this.#hashOnArrival && partial.senders[partial.hashed] !== undefined) hashArrived(partial, block, data);
    if (partial.missing > 0) return { kind: 'stored', piece, missingBlocks: partial.missing };
    partial.completing = true;
    return this.#track(this.#complete(piece, partial, options.signal));
  }

  async #track(completion: Promise<BlockResult>): Promise<BlockResult> {
    this.#completions.add(completion);
    try {
      return await completion;
    } finally {
      this.#completions.delete(completion);
    }
  }

  /** Drops the buffered blocks of a piece (its peers are gone, say). Pieces being written are left alone. */
  discard(piece: number): void {
    const partial = this.#pieces.get(piece);
    if (partial === undefined || partial.completing) return;
    this.#pieces.delete(piece);
    this.#pool.release(partial.buffer);
  }

  /** Waits for every piece being hashed or written; their outcome went to their own callers. */
  async settle(): Promise<void> {
    while (this.#completions.size > 0) await Promise.allSettled(this.#completions);
  }

  async #hash(partial: PartialPiece, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const hash = partial.hash;
    partial.hash = undefined;
    const rest = partial.buffer.length - partial.hashed * BLOCK_SIZE;
    if (hash !== undefined && rest <= INLINE_FINISH_BYTES) {
      if (rest > 0) hash.update(partial.buffer.subarray(partial.hashed * BLOCK_SIZE));
      return hash.digest();
    }
    if (this.#hasher.sha1Moving === undefined) return await this.#hasher.sha1(partial.buffer, { signal });
    const moved = await this.#hasher.sha1Moving(partial.buffer, { signal });
    partial.buffer = moved.data;
    return moved.digest;
  }

  async #complete(piece: number, partial: PartialPiece, signal: AbortSignal | undefined): Promise<BlockResult> {
    try {
      let digest: Uint8Array;
      try {
        digest = await this.#hash(partial, signal);
      } catch (error) {
        const failure = toStorageError(error, undefined, piece);
        if (failure.code === 'ABORTED' || failure.code === 'CLOSED') throw failure;
        // The hasher failed (a worker thread died), not the data or the disk: only this piece is
        // lost, and the caller fetches it again as after 'busy'.
        return { kind: 'busy', piece };
      }
      if (!sameDigest(digest, this.#torrent.pieceHash(piece))) {
        const senders = partial.senders.map((sender) => sender ?? '');
        return { kind: 'hash-failed', piece, senders, peers: [...new Set(senders)] };
      }
      await this.#storage.write(piece, 0, partial.buffer, { signal });
      this.#onVerified(piece);
      return { kind: 'verified', piece };
    } catch (error) {
      const failure = toStorageError(error, undefined, piece);
      // An abort only loses this piece; any other write failure (disk full, permissions) stops the
      // assembler: already verified data stays valid, and the engine reports the error.
      if (failure.code !== 'ABORTED') this.#failure ??= failure;
      throw failure;
    } finally {
      this.#pieces.delete(piece);
      this.#pool.release(partial.buffer);
    }
  }

  #checkBlock(piece: number, begin: number, length: number): number {
    const geometry = this.#torrent.geometry;
    if (!Number.isInteger(piece) || piece < 0 || piece >= geometry.pieceCount) {
      throw new StorageError('OUT_OF_BOUNDS', `no piece ${piece} (the torrent has ${geometry.pieceCount})`, { piece });
    }
    const block = begin / BLOCK_SIZE;
    if (!Number.isInteger(block) || block < 0 || block >= geometry.blockCount(piece)) {
      throw new StorageError('BAD_BLOCK', `block offset ${begin} is not a multiple of ${BLOCK_SIZE} inside the piece`, { piece });
    }
    const expected = geometry.blockSize(piece, block);
    if (length !== expected) {
      throw new StorageError('BAD_BLOCK', `block at ${begin} has ${length} bytes, expected ${expected}`, { piece });
    }
    return block;
  }
}

function newPartial(buffer: Uint8Array, blocks: number): PartialPiece {
  return { buffer, senders: new Array<string | undefined>(blocks), missing: blocks, completing: false, hash: undefined, hashed: 0 };
}

/**
 * Feeds the piece's hash the received blocks from `hashed` on, up to CATCH_UP_BLOCKS of them.
 * `data` is block `block`, just copied: when it is the only one to hash it is hashed as it is (no
 * view of the piece buffer to make).
 */
function hashArrived(partial: PartialPiece, block: number, data: Uint8Array): void {
  const limit = Math.min(partial.senders.length, partial.hashed + CATCH_UP_BLOCKS);
  let end = partial.hashed;
  while (end < limit && partial.senders[end] !== undefined) end++;
  partial.hash ??= createHash('sha1');
  partial.hash.update(end === block + 1 && partial.hashed === block ? data : partial.buffer.subarray(partial.hashed * BLOCK_SIZE, end * BLOCK_SIZE));
  partial.hashed = end;
}
