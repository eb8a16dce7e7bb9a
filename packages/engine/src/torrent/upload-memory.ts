// Upload data held in memory: bytes read from disk for a peer and not yet handed to the kernel (reads
// in flight, then the socket's write buffer until the write completes). One per session, shared by
// every torrent: each peer may hold up to `perPeer`, all peers together up to `total`. A peer the
// total holds back waits in line and is woken, in turn, as other peers' bytes leave; its requests
// stay queued meanwhile (nothing is read for them, nothing is dropped). It also lends the session's
// other upload resources: the pooled read buffers (given up after a while unused, from the session
// tick) and the blocks that may start per loop turn (UploadTurns).
//
// What one more peer costs a seeder (issue 17; heap snapshots of 50 busy leechers against none, and
// RSS of 50 against 1): its connection, about 50 KiB of RSS (10-40 KiB of objects: socket and stream
// states, PeerConnection, decoder, Peer and its rate meters, closures), plus the upload data held for
// it, at most `perPeer` (1 MiB: reads in flight and writes the kernel has not taken). Every upload
// read buffer, in use or idle, is within `total` (32 MiB) for all peers together; idle ones leave
// after IDLE_BUFFER_MS unused. The stated cap per peer is therefore perPeer + ~50 KiB, with all
// upload buffers of the session (in use or idle) within `total` besides; measured 0.2-0.6 MiB per
// extra busy leecher (BENCHMARKS.md, "Upload path: loop turns and per-peer memory"). The rest of
// that figure is allocator and V8 slack, not held by any peer.
import { BLOCK_SIZE } from '@typetorrent/metainfo';
import { DEFAULT_MAX_READ_LENGTH } from '@typetorrent/storage';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import { BlockPool } from './block-pool.js';
import { UploadTurns } from './upload-turns.js';

/**
 * Per peer. libtorrent's send_buffer_watermark is 500 KiB (reads in flight count toward it); ours is
 * the socket's write high-water mark (1 MiB, net/socket-factory.ts), which keeps a loopback link busy
 * while the disk reads the next blocks.
 */
export const DEFAULT_UPLOAD_BUFFER_PER_PEER = 1024 * 1024;

/**
 * All peers of the session together: 32 peers at their full per-peer share, or (with the default 8
 * upload slots) every unchoked peer at its share with room for allowed-fast requests of choked ones.
 */
export const DEFAULT_UPLOAD_BUFFER_TOTAL = 32 * 1024 * 1024;

/** Longest read whose buffer is pooled, in blocks: the uploader's longest (a run of requests). */
const MAX_POOLED_BLOCKS = DEFAULT_MAX_READ_LENGTH / BLOCK_SIZE;

/**
 * Idle read buffers untouched for this long go to the GC (checked on the session tick, so they go
 * after one to two of these). A busy spell fills the pool up to the cap (32 MiB); without this it
 * kept them for the life of the session.
 */
export const IDLE_BUFFER_MS = 10_000;

/** The session's tick (services.ts's SessionTicks, named here without importing it: services.ts names this file). */
interface Ticks {
  add(member: { tick(now: number): void }): void;
  remove(member: { tick(now: number): void }): void;
}

/** What the session lends the memory besides the user's options. */
export interface UploadMemoryContext {
  /** Times the loop turns of the blocks-per-turn budget; none: no budget (unit tests of other caps). */
  readonly clock?: Clock;
  /** Blocks that may start per loop turn (default DEFAULT_UPLOAD_BLOCKS_PER_TURN). */
  readonly blocksPerTurn?: number;
  /** The session tick, on which idle buffers are given up; none: they stay (within the cap). */
  readonly ticks?: Ticks;
  /** How long an idle buffer stays unused before it goes (default IDLE_BUFFER_MS). */
  readonly idleMs?: number;
}

export interface UploadMemoryOptions {
  /** Bytes one peer may hold (default 1 MiB); at least one block (16 KiB). */
  readonly perPeer?: number;
  /** Bytes all peers may hold together (default 32 MiB); at least `perPeer`. */
  readonly total?: number;
}

export class UploadMemory {
  readonly perPeer: number;
  readonly total: number;
  /** The blocks-per-turn budget shared by every uploader of the session; undefined without a clock. */
  readonly turns: UploadTurns | undefined;
  readonly #ticks: Ticks | undefined;
  readonly #idleMs: number;
  /** On the session tick (while any buffer is idle); when the current idle period started. */
  #ticking = false;
  #periodStart: number | undefined;
  #used = 0;
  /** Peers the total held back, in the order they asked. */
  readonly #waiting = new Set<() => void>();
  #waking = false;
  /**
   * Buffers for reads of whole blocks (one to MAX_POOLED_BLOCKS: the uploader reads a run of
   * contiguous requests at once), one pool per size, used again once their write has completed. A
   * buffer is given back while its bytes are still held (then they are released), so it moves from
   * held to idle: idle buffers of every size and held bytes together stay within `total`.
   */
  readonly #pools: (BlockPool | undefined)[] = [];

  constructor(options: UploadMemoryOptions = {}, context: UploadMemoryContext = {}) {
    this.perPeer = options.perPeer ?? DEFAULT_UPLOAD_BUFFER_PER_PEER;
    this.total = options.total ?? Math.max(DEFAULT_UPLOAD_BUFFER_TOTAL, this.perPeer);
    if (!(this.perPeer >= BLOCK_SIZE)) throw new EngineError('INVALID_ARGUMENT', `the upload buffer per peer must be at least ${BLOCK_SIZE} bytes, got ${this.perPeer}`);
    if (!(this.total >= this.perPeer)) throw new EngineError('INVALID_ARGUMENT', `the total upload buffer (${this.total}) must be at least the per-peer one (${this.perPeer})`);
    this.turns = context.clock === undefined ? undefined : new UploadTurns({ clock: context.clock, ...(context.blocksPerTurn === undefined ? {} : { blocksPerTurn: context.blocksPerTurn }) });
    this.#ticks = context.ticks;
    this.#idleMs = context.idleMs ?? IDLE_BUFFER_MS;
  }

  /** Bytes held by every peer now. */
  get used(): number {
    return this.#used;
  }

  /** Bytes that may be taken now. */
  get available(): number {
    return this.total - this.#used;
  }

  /** Peers waiting for room. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Bytes of idle read buffers kept for reuse (see `buffersFor`). */
  get idleBuffers(): number {
    let idle = 0;
    for (const pool of this.#pools) idle += pool?.idleBytes ?? 0;
    return idle;
  }

  /** The pool of read buffers of `length` bytes; undefined for lengths not pooled (they allocate). */
  buffersFor(length: number): BlockPool | undefined {
    const blocks = length / BLOCK_SIZE;
    if (!Number.isInteger(blocks) || blocks < 1 || blocks > MAX_POOLED_BLOCKS) return undefined;
    let pool = this.#pools[blocks - 1];
    if (pool === undefined) {
      const made: BlockPool = new BlockPool({ blockSize: length, limit: () => this.total - this.#used + length - (this.idleBuffers - made.idleBytes), kept: () => this.#watchIdle() });
      this.#pools[blocks - 1] = pool = made;
    }
    return pool;
  }

  /**
   * Holds `bytes` (the caller checked `available`). A read into a new buffer (its size's pool was
   * empty, or a length not pooled) makes idle buffers of other sizes give way, so idle and held bytes
   * still fit in `total`; a read into a pooled buffer takes it (from idle) before calling this.
   */
  take(bytes: number): void {
    this.#used += bytes;
    let over = this.idleBuffers + this.#used - this.total;
    for (const pool of this.#pools) {
      if (over <= 0) break;
      if (pool !== undefined) over -= pool.shed(over);
    }
  }

  /** Gives back bytes taken before, and wakes waiting peers while there is room. */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
    this.#wake();
  }

  /** Calls `wake` once when room frees up (once per call; a woken peer that still finds none asks again). */
  wait(wake: () => void): void {
    this.#waiting.add(wake);
  }

  /** Forgets a waiting peer (it left). */
  cancel(wake: () => void): void {
    this.#waiting.delete(wake);
  }

  /**
   * The session tick, while buffers are idle: once a whole period (`idleMs`) has passed, the buffers
   * no read took during it go (each pool drops as many as it never fell below), and ticking stops
   * when none is left.
   */
  tick(now: number): void {
    if (this.#periodStart === undefined) {
      this.#periodStart = now;
      return;
    }
    if (now - this.#periodStart < this.#idleMs) return;
    this.#periodStart = now;
    for (const pool of this.#pools) pool?.sweep();
    if (this.idleBuffers > 0) return;
    this.#ticks?.remove(this);
    this.#ticking = false;
    this.#periodStart = undefined;
  }

  /** Drops every idle buffer now (the session closed: no sweep is coming) and leaves the tick. */
  trim(): void {
    for (const pool of this.#pools) pool?.trim();
    if (this.#ticking) this.#ticks?.remove(this);
    this.#ticking = false;
    this.#periodStart = undefined;
  }

  /** A buffer became idle: make sure the session tick will give it up if it stays so. */
  #watchIdle(): void {
    if (this.#ticking || this.#ticks === undefined) return;
    this.#ticking = true;
    this.#ticks.add(this);
  }

  /** Oldest first, each woken peer taking what it can; stops when less than a block is left. */
  #wake(): void {
    if (this.#waking || this.#waiting.size === 0) return; // a running loop sees the new room
    this.#waking = true;
    try {
      // A snapshot: a woken peer that asks again goes to the back, for the next release.
      for (const wake of [...this.#waiting]) {
        if (this.available < BLOCK_SIZE) break;
        if (!this.#waiting.has(wake)) continue;
        this.#waiting.delete(wake);
        wake();
      }
    } finally {
      this.#waking = false;
    }
  }
}
