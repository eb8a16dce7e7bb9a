import { BucketQueue } from './bucket-queue.js';
import { DownloadingPiece } from './downloading-piece.js';
import { DEFAULT_PRIORITY, MAX_PRIORITY } from './types.js';
import type { BlockIndex, PieceIndex, PieceState } from './types.js';

/**
 * The picker's data and the transitions that keep its counters in step. Internal to the picker
 * folder: `PiecePicker` is the public face, `pick.ts` reads it, `invariants.ts` audits it.
 *
 * Where each piece lives (exactly one, see `PieceState`):
 * - have:        `have[p] === 1`
 * - partial:     `downloading.has(p)`
 * - not-started: in `queues[priority[p]]` (so priority > 0)
 * - not-wanted:  none of the above (so priority 0)
 */
export class PickerState {
  readonly blockCounts: Uint32Array;
  /** Peers that announced the piece one by one (bitfield / HAVE); seeds are counted in `seeds`. */
  readonly availability: Uint32Array;
  /** Peers that have every piece. Kept apart so a seed joining or leaving is O(1). */
  seeds = 0;
  readonly priority: Uint8Array;
  readonly have: Uint8Array;
  haveCount = 0;
  /** Position of each not-started piece in its priority level's queue; -1 otherwise. */
  readonly positions: Int32Array;
  /** One availability-ordered queue of not-started pieces per priority level; index 0 is unused. */
  readonly queues: BucketQueue[] = [];
  /** Partial pieces, oldest first (Map keeps insertion order), which is the order they are finished. */
  readonly downloading = new Map<PieceIndex, DownloadingPiece>();
  /** Partial pieces per priority level, to skip levels with none when picking. */
  readonly partialByLevel = new Uint32Array(MAX_PRIORITY + 1);
  /** Pieces we lack, per priority level (level 0 included for bookkeeping symmetry). */
  readonly missingByLevel = new Uint32Array(MAX_PRIORITY + 1);
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
    blocksInPiece: (piece: PieceIndex) => number,
  ) {
    if (!Number.isSafeInteger(pieceCount) || pieceCount < 0) {
      throw new RangeError(`pieceCount must be a non-negative integer, got ${pieceCount}`);
    }
    this.blockCounts = new Uint32Array(pieceCount);
    this.availability = new Uint32Array(pieceCount);
    this.priority = new Uint8Array(pieceCount).fill(DEFAULT_PRIORITY);
    this.have = new Uint8Array(pieceCount);
    this.positions = new Int32Array(pieceCount).fill(-1);
    for (let level = 0; level <= MAX_PRIORITY; level++) {
      this.queues.push(new BucketQueue(this.availability, this.positions));
    }
    const queue = this.queueOf(DEFAULT_PRIORITY);
    for (let piece = 0; piece < pieceCount; piece++) {
      const blocks = blocksInPiece(piece);
      if (!Number.isSafeInteger(blocks) || blocks < 1) {
        throw new RangeError(`piece ${piece} must have at least one block, got ${blocks}`);
      }
      this.blockCounts[piece] = blocks;
      this.freeWantedBlocks += blocks;
      queue.insert(piece);
    }
    this.missingByLevel[DEFAULT_PRIORITY] = pieceCount;
  }

  queueOf(level: number): BucketQueue {
    const queue = this.queues[level];
    if (queue === undefined || level === 0) throw new RangeError(`no queue for priority ${level}`);
    return queue;
  }

  blocksOf(piece: PieceIndex): number {
    return this.blockCounts[piece] ?? 0;
  }

  priorityOf(piece: PieceIndex): number {
    return this.priority[piece] ?? 0;
  }

  stateOf(piece: PieceIndex): PieceState {
    if (this.have[piece] === 1) return 'have';
    if (this.downloading.has(piece)) return 'partial';
    if ((this.positions[piece] ?? -1) >= 0) return 'not-started';
    return 'not-wanted';
  }

  /** Not-started → partial. Returns the new per-block record. */
  start(piece: PieceIndex): DownloadingPiece {
    const level = this.priorityOf(piece);
    if (level > 0 && (this.positions[piece] ?? -1) >= 0) this.queueOf(level).remove(piece);
    const record = new DownloadingPiece(this.blocksOf(piece));
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
    if (this.have[piece] === 1) return [];
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
    this.have[piece] = 1;
    this.haveCount++;
    this.bump(this.missingByLevel, level, -1);
    return inFlight;
  }

  /** Have → not-started / not-wanted (a recheck found the data bad). */
  unHave(piece: PieceIndex): void {
    const level = this.priorityOf(piece);
    this.have[piece] = 0;
    this.haveCount--;
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
    if (this.have[piece] === 1) return;
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
    this.availability[piece] = (this.availability[piece] ?? 0) + 1;
    if ((this.positions[piece] ?? -1) >= 0) this.queueOf(this.priorityOf(piece)).incremented(piece);
  }

  /** One peer fewer has the piece. O(1). The caller has checked the count is above zero. */
  decrement(piece: PieceIndex): void {
    this.availability[piece] = (this.availability[piece] ?? 0) - 1;
    if ((this.positions[piece] ?? -1) >= 0) this.queueOf(this.priorityOf(piece)).decremented(piece);
  }

  private bump(counts: Uint32Array, level: number, by: number): void {
    counts[level] = (counts[level] ?? 0) + by;
  }
}
