import { BucketQueue } from './bucket-queue.js';
import { DownloadingPiece } from './downloading-piece.js';
import { DEFAULT_PRIORITY, MAX_PRIORITY } from './types.js';
import type { BlockIndex, PieceIndex, PieceState } from './types.js';

/** Stands for `availability` and `positions` until they are needed: reads give undefined (0, -1). */
const NONE_YET_U32 = new Uint32Array(0);
const NONE_YET_I32 = new Int32Array(0);

/** `downloading` while no piece is partial; never written (`start` makes the real map). */
class NoPartialPieces extends Map<PieceIndex, DownloadingPiece> {
  override set(): this {
    throw new Error('NoPartialPieces is read-only');
  }
}
const NO_PARTIAL_PIECES: Map<PieceIndex, DownloadingPiece> = new NoPartialPieces();

/** What the picker starts from, instead of every piece missing at the default priority. */
export interface PickerStart {
  /** Pieces verified already. */
  readonly have?: { has(piece: PieceIndex): boolean };
  /** One priority per piece, 0..MAX_PRIORITY. */
  readonly priorities?: ArrayLike<number>;
}

/**
 * The picker's data and the transitions that keep its counters in step. Internal to the picker
 * folder: `PiecePicker` is the public face, `pick.ts` reads it, `invariants.ts` audits it.
 *
 * Where each piece lives (exactly one, see `PieceState`):
 * - have:        `hasPiece(p)`
 * - partial:     `downloading.has(p)`
 * - not-started: in `queues[priority[p]]` (so priority > 0)
 * - not-wanted:  none of the above (so priority 0)
 *
 * What only downloading needs is made when first needed (issue 17: a session seeds thousands of
 * torrents nobody asks for): the queues, with `positions` and `availability`, once a piece is queued
 * or a peer announces one; the map of partial pieces once one starts. A seed holds its have bits,
 * its priorities and a few counters.
 */
export class PickerState {
  /** Peers that announced the piece one by one (bitfield / HAVE); seeds are counted in `seeds`. */
  availability: Uint32Array = NONE_YET_U32;
  /** Peers that have every piece. Kept apart so a seed joining or leaving is O(1). */
  seeds = 0;
  readonly priority: Uint8Array;
  /** Verified pieces, a bit each in BEP 3 bitfield order (high bit of byte 0 is piece 0). */
  readonly haveBits: Uint8Array;
  haveCount = 0;
  /** Position of each not-started piece in its priority level's queue; -1 otherwise. */
  positions: Int32Array = NONE_YET_I32;
  /** One availability-ordered queue of not-started pieces per priority level (made when first used); index 0 is unused. */
  readonly queues: (BucketQueue | undefined)[] = [];
  /** Partial pieces, oldest first (Map keeps insertion order), which is the order they are finished. */
  downloading: Map<PieceIndex, DownloadingPiece> = NO_PARTIAL_PIECES;
  /** Partial pieces per priority level, to skip levels with none when picking. */
  readonly partialByLevel: number[] = new Array<number>(MAX_PRIORITY + 1).fill(0);
  /** Pieces we lack, per priority level (level 0 included for bookkeeping symmetry). */
  readonly missingByLevel: number[] = new Array<number>(MAX_PRIORITY + 1).fill(0);
  /**
   * Blocks nobody has been asked for, in wanted pieces we lack. Zero while some wanted piece is
   * missing means every remaining block is in flight: endgame.
   */
  freeWantedBlocks = 0;
  /** Sequential mode starts scanning here: every piece below it is `have`. */
  sequentialCursor = 0;
  /** The piece after the last one started from a queue: where rarest-first continues its run (pick.ts). */
  runNext = -1;
  /**
   * The priority range (streaming): its pieces are picked before all others, lowest index first.
   * `rangeNext` is the first piece of it we may lack (every piece below it in the range is `have`);
   * no range when `rangeNext > rangeLast`.
   */
  rangeFirst = 0;
  rangeNext = 0;
  rangeLast = -1;

  constructor(
    readonly pieceCount: number,
    private readonly blocksInPiece: (piece: PieceIndex) => number,
    start: PickerStart = {},
  ) {
    if (!Number.isSafeInteger(pieceCount) || pieceCount < 0) {
      throw new RangeError(`pieceCount must be a non-negative integer, got ${pieceCount}`);
    }
    const { have, priorities } = start;
    if (priorities !== undefined && priorities.length !== pieceCount) {
      throw new RangeError(`expected ${pieceCount} priorities, got ${priorities.length}`);
    }
    this.priority = new Uint8Array(pieceCount);
    this.haveBits = new Uint8Array(Math.ceil(pieceCount / 8));
    for (let piece = 0; piece < pieceCount; piece++) {
      const blocks = blocksInPiece(piece);
      if (!Number.isSafeInteger(blocks) || blocks < 1) {
        throw new RangeError(`piece ${piece} must have at least one block, got ${blocks}`);
      }
      const level = priorities?.[piece] ?? DEFAULT_PRIORITY;
      if (!Number.isInteger(level) || level < 0 || level > MAX_PRIORITY) throw new RangeError(`priority must be 0..${MAX_PRIORITY}, got ${level}`);
      this.priority[piece] = level;
      if (have?.has(piece) === true) {
        this.setHave(piece, true);
        continue;
      }
      this.bump(this.missingByLevel, level, 1);
      if (level === 0) continue;
      this.freeWantedBlocks += blocks;
      this.queueOf(level).insert(piece);
    }
  }

  /** The queue of a priority level, made (with `positions` and `availability`) on first use. */
  queueOf(level: number): BucketQueue {
    if (level <= 0 || level > MAX_PRIORITY) throw new RangeError(`no queue for priority ${level}`);
    let queue = this.queues[level];
    if (queue === undefined) {
      this.#order();
      queue = new BucketQueue(this.availability, this.positions);
      this.queues[level] = queue;
    }
    return queue;
  }

  /** The arrays the queues share, made on first use. */
  #order(): void {
    if (this.positions !== NONE_YET_I32) return;
    this.positions = new Int32Array(this.pieceCount).fill(-1);
    if (this.availability === NONE_YET_U32) this.availability = new Uint32Array(this.pieceCount);
  }

  hasPiece(piece: PieceIndex): boolean {
    return ((this.haveBits[piece >> 3] ?? 0) & (0x80 >> (piece & 7))) !== 0;
  }

  private setHave(piece: PieceIndex, have: boolean): void {
    const mask = 0x80 >> (piece & 7);
    const byte = this.haveBits[piece >> 3] ?? 0;
    this.haveBits[piece >> 3] = have ? byte | mask : byte & ~mask;
    this.haveCount += have ? 1 : -1;
  }

  blocksOf(piece: PieceIndex): number {
    return piece >= 0 && piece < this.pieceCount ? this.blocksInPiece(piece) : 0;
  }

  priorityOf(piece: PieceIndex): number {
    return this.priority[piece] ?? 0;
  }

  stateOf(piece: PieceIndex): PieceState {
    if (this.hasPiece(piece)) return 'have';
    if (this.downloading.has(piece)) return 'partial';
    if ((this.positions[piece] ?? -1) >= 0) return 'not-started';
    return 'not-wanted';
  }

  /** Not-started → partial. Returns the new per-block record. */
  start(piece: PieceIndex): DownloadingPiece {
    const level = this.priorityOf(piece);
    if (level > 0 && (this.positions[piece] ?? -1) >= 0) this.queueOf(level).remove(piece);
    const record = new DownloadingPiece(this.blocksOf(piece));
    if (this.downloading === NO_PARTIAL_PIECES) this.downloading = new Map();
    this.downloading.set(piece, record);
    this.bump(this.partialByLevel, level, 1);
    return record;
  }

  /**
   * Partial → not-started (or not-wanted at priority 0), forgetting every block. Used when the last
   * request of an untouched piece is aborted and when a piece fails its hash check.
   */
  reset(piece: PieceIndex, record: DownloadingPiece): void {
    const level = this.priorityOf(piece);
    this.downloading.delete(piece);
    this.bump(this.partialByLevel, level, -1);
    if (level > 0) {
      this.freeWantedBlocks += record.blockCount - record.free;
      this.queueOf(level).insert(piece);
    }
  }

  /** Any state → have. Returns the requests still in flight for the piece. */
  markHave(piece: PieceIndex): { block: BlockIndex; peer: string }[] {
    if (this.hasPiece(piece)) return [];
    const level = this.priorityOf(piece);
    const record = this.downloading.get(piece);
    let inFlight: { block: BlockIndex; peer: string }[] = [];
    if (record !== undefined) {
      inFlight = record.inFlight();
      this.downloading.delete(piece);
      this.bump(this.partialByLevel, level, -1);
      if (level > 0) this.freeWantedBlocks -= record.free;
    } else if (level > 0) {
      this.queueOf(level).remove(piece);
      this.freeWantedBlocks -= this.blocksOf(piece);
    }
    this.setHave(piece, true);
    this.bump(this.missingByLevel, level, -1);
    return inFlight;
  }

  /** Have → not-started / not-wanted (a recheck found the data bad). */
  unHave(piece: PieceIndex): void {
    const level = this.priorityOf(piece);
    this.setHave(piece, false);
    this.bump(this.missingByLevel, level, 1);
    if (level > 0) {
      this.queueOf(level).insert(piece);
      this.freeWantedBlocks += this.blocksOf(piece);
    }
    if (piece < this.sequentialCursor) this.sequentialCursor = piece;
    if (piece >= this.rangeFirst && piece < this.rangeNext && this.rangeNext <= this.rangeLast) this.rangeNext = piece;
  }

  setPriority(piece: PieceIndex, level: number): void {
    const old = this.priorityOf(piece);
    if (old === level) return;
    const record = this.downloading.get(piece);
    const queued = (this.positions[piece] ?? -1) >= 0;
    if (queued) this.queueOf(old).remove(piece);
    this.priority[piece] = level;
    if (this.hasPiece(piece)) return;
    this.bump(this.missingByLevel, old, -1);
    this.bump(this.missingByLevel, level, 1);
    // Blocks left to request count as wanted only while the piece's priority is above 0.
    const free = record?.free ?? this.blocksOf(piece);
    if (old === 0 && level > 0) this.freeWantedBlocks += free;
    if (old > 0 && level === 0) this.freeWantedBlocks -= free;
    if (record !== undefined) {
      this.bump(this.partialByLevel, old, -1);
      this.bump(this.partialByLevel, level, 1);
    } else if (level > 0) {
      this.queueOf(level).insert(piece);
    }
  }

  /** One more peer has the piece. O(1). */
  increment(piece: PieceIndex): void {
    if (this.availability === NONE_YET_U32) this.availability = new Uint32Array(this.pieceCount);
    this.availability[piece] = (this.availability[piece] ?? 0) + 1;
    if ((this.positions[piece] ?? -1) >= 0) this.queueOf(this.priorityOf(piece)).incremented(piece);
  }

  /** One peer fewer has the piece. O(1). The caller has checked the count is above zero. */
  decrement(piece: PieceIndex): void {
    this.availability[piece] = (this.availability[piece] ?? 0) - 1;
    if ((this.positions[piece] ?? -1) >= 0) this.queueOf(this.priorityOf(piece)).decremented(piece);
  }

  private bump(counts: number[], level: number, by: number): void {
    counts[level] = (counts[level] ?? 0) + by;
  }
}
