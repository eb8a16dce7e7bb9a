import type { DownloadingPiece } from './downloading-piece.js';
import type { PickerState } from './picker-state.js';
import { randomIndex } from './random.js';
import type { RandomSource } from './random.js';
import { MAX_PRIORITY } from './types.js';
import type { BlockRef, PickPeer, PieceIndex } from './types.js';

/** How a pick runs; fixed per picker except `max`. */
export interface PickSettings {
  readonly random: RandomSource;
  readonly sequential: boolean;
  readonly endgameMaxRequesters: number;
}

/**
 * One call of `PiecePicker.pickBlocks`: walks the candidates in order and records each block it
 * hands out as requested by the peer, so the next pick (for any peer) does not return it again.
 */
class Pick {
  readonly out: BlockRef[] = [];
  /** `canStart` said no: no further piece is started by this pick (partial pieces and endgame go on). */
  private startsRefused = false;

  constructor(
    private readonly state: PickerState,
    private readonly peer: PickPeer,
    private readonly max: number,
    private readonly settings: PickSettings,
    private readonly options: PickOptions,
  ) {}

  /** Asks the caller once per piece about to be started (its memory, say); a no ends starting. */
  private mayStart(piece: PieceIndex): boolean {
    if (this.startsRefused) return false;
    if (this.options.canStart === undefined || this.options.canStart(piece)) return true;
    this.startsRefused = true;
    return false;
  }

  get full(): boolean {
    return this.out.length >= this.max;
  }

  /** Whether this peer may be asked for the piece at all: it has it and (if choking) allows it. */
  usable(piece: PieceIndex): boolean {
    if (this.peer.choking === true && this.peer.allowedFast?.has(piece) !== true) return false;
    return this.peer.hasAll === true || this.peer.has(piece);
  }

  run(): BlockRef[] {
    if (this.max <= 0) return this.out;
    if (this.peer.choking === true) this.pickAllowedFast();
    else {
      this.pickRange();
      if (this.full) return this.out;
      if (this.settings.sequential) this.pickSequential();
      else this.pickRarest();
    }
    // Endgame: only once nothing is left unrequested anywhere, so duplicates never displace new work.
    if (!this.full && this.state.freeWantedBlocks === 0 && this.options.endgame !== false) this.pickEndgame();
    return this.out;
  }

  /**
   * Strict priority levels, highest first. Within a level: partial pieces first (oldest first), so
   * started pieces get finished and verified, then not-started pieces rarest first, ties broken by a
   * random starting point inside each availability bucket and continued in index order (a run) while
   * the next piece is just as rare.
   */
  private pickRarest(): void {
    for (let level = MAX_PRIORITY; level >= 1 && !this.full; level--) {
      if ((this.state.partialByLevel[level] ?? 0) > 0) this.pickPartials(level);
      if (!this.full) this.pickQueued(level);
    }
  }

  private pickPartials(level: number): void {
    for (const [piece, record] of this.state.downloading) {
      if (this.full) return;
      if (record.free > 0 && this.state.priorityOf(piece) === level && this.usable(piece)) {
        this.takeFree(piece, record);
      }
    }
  }

  private pickQueued(level: number): void {
    const queue = this.state.queues[level];
    if (queue === undefined || queue.size === 0) return;
    // Starting a piece takes it out of the queue and reorders it, so choose first, start after.
    const chosen: PieceIndex[] = [];
    const taken = new Set<PieceIndex>();
    let planned = this.out.length;
    // False once the caller refuses a start: nothing more is chosen (every chosen piece is started).
    const choose = (piece: PieceIndex): boolean => {
      if (!this.mayStart(piece)) return false;
      chosen.push(piece);
      taken.add(piece);
      planned += this.state.blocksOf(piece);
      return true;
    };
    // Bucket 0 holds pieces no counted peer has, so only seeds (counted apart) can have them. Skipping
    // it for other peers matters early in a swarm, when most pieces are held by seeds alone.
    const firstBucket = this.peer.hasAll === true ? 0 : 1;
    for (let bucket = firstBucket; bucket < queue.bucketCount && planned < this.max && !this.startsRefused; bucket++) {
      const [start, end] = queue.bucketRange(bucket);
      const length = end - start;
      if (length === 0) continue;
      // Extent affinity (libtorrent's piece_extent_affinity does the like): first the pieces right
      // after the last one started, while they are just as rare, so pieces arrive in runs and reach
      // the disk as sequential writes (measured: 4.17 s against 4.47 s for 1 GiB from one seeder,
      // most of it kernel time). Each run still starts at a random point, so peers stay diverse.
      for (let piece = this.state.runNext; piece >= 0 && piece < this.state.pieceCount && planned < this.max; piece++) {
        if (!queue.has(piece) || this.state.availability[piece] !== bucket || !this.usable(piece) || !choose(piece)) break;
      }
      const offset = randomIndex(this.settings.random, length);
      for (let step = 0; step < length && planned < this.max && !this.startsRefused; step++) {
        const piece = queue.at(start + ((offset + step) % length));
        if (taken.has(piece) || !this.usable(piece)) continue;
        if (!choose(piece)) break;
        // Once a random start is found, continue from it in index order too.
        for (let next = piece + 1; next < this.state.pieceCount && planned < this.max; next++) {
          if (taken.has(next) || !queue.has(next) || this.state.availability[next] !== bucket || !this.usable(next) || !choose(next)) break;
        }
      }
    }
    for (const piece of chosen) this.takeFree(piece, this.state.start(piece));
    const last = chosen.at(-1);
    if (last !== undefined) this.state.runNext = last + 1;
  }

  /**
   * The priority range (streaming) before anything else, lowest index first, so the bytes a player
   * waits for come in the order it reads them. Its cost: the range's pieces from the first one we
   * lack until the pick is full (all of them for a peer that has none we can take).
   */
  private pickRange(): void {
    const state = this.state;
    while (state.rangeNext <= state.rangeLast && state.hasPiece(state.rangeNext)) state.rangeNext++;
    for (let piece = state.rangeNext; piece <= state.rangeLast && !this.full; piece++) this.takeFromPiece(piece);
  }

  /**
   * Lowest index first (for streaming), still honouring priority levels; availability is ignored.
   * Scans from the first piece we lack, so its cost is the distance to the first pickable piece.
   */
  private pickSequential(): void {
    const state = this.state;
    while (state.sequentialCursor < state.pieceCount && state.hasPiece(state.sequentialCursor)) {
      state.sequentialCursor++;
    }
    for (let level = MAX_PRIORITY; level >= 1 && !this.full; level--) {
      if ((state.missingByLevel[level] ?? 0) === 0) continue;
      for (let piece = state.sequentialCursor; piece < state.pieceCount && !this.full; piece++) {
        if (state.priority[piece] !== level) continue;
        this.takeFromPiece(piece);
      }
    }
  }

  /** BEP 6: while the peer chokes us, only its allowed-fast pieces; partial ones, then rarest. */
  private pickAllowedFast(): void {
    const allowed = [...(this.peer.allowedFast ?? [])].filter(
      (piece) => Number.isInteger(piece) && piece >= 0 && piece < this.state.pieceCount,
    );
    allowed.sort((a, b) => this.fastRank(a) - this.fastRank(b));
    for (const piece of allowed) {
      if (this.full) return;
      this.takeFromPiece(piece);
    }
  }

  private fastRank(piece: PieceIndex): number {
    const partial = this.state.downloading.has(piece) ? 0 : 1;
    return partial * 0x1_0000_0000 + (this.state.availability[piece] ?? 0);
  }

  /**
   * Blocks already requested from someone else, for a peer that found nothing new. Blocks with the
   * fewest requesters go first; a block is never asked of more than `endgameMaxRequesters` peers.
   */
  private pickEndgame(): void {
    const candidates: { piece: PieceIndex; block: number; record: DownloadingPiece; count: number }[] = [];
    const limit = this.settings.endgameMaxRequesters;
    for (const [piece, record] of this.state.downloading) {
      if (this.state.priorityOf(piece) === 0 || !this.usable(piece)) continue;
      for (let block = 0; block < record.blockCount; block++) {
        const count = record.requestersOf(block).length;
        if (count === 0 || count >= limit || record.isRequestedBy(block, this.peer.key)) continue;
        candidates.push({ piece, block, record, count });
      }
    }
    candidates.sort((a, b) => a.count - b.count);
    for (const { piece, block, record } of candidates) {
      if (this.full) return;
      record.request(block, this.peer.key);
      this.out.push({ piece, block });
    }
  }

  /** Takes free blocks of a piece in any state; does nothing for pieces that cannot be picked. */
  private takeFromPiece(piece: PieceIndex): void {
    if (!this.usable(piece) || this.state.priorityOf(piece) === 0) return;
    const record = this.state.downloading.get(piece);
    if (record !== undefined) this.takeFree(piece, record);
    else if (this.state.stateOf(piece) === 'not-started' && this.mayStart(piece)) this.takeFree(piece, this.state.start(piece));
  }

  private takeFree(piece: PieceIndex, record: DownloadingPiece): void {
    record.forEachFree((block) => {
      record.request(block, this.peer.key);
      this.state.freeWantedBlocks--;
      this.out.push({ piece, block });
      return !this.full;
    });
  }
}

/** What one pick may do beyond the picker's settings. */
export interface PickOptions {
  /**
   * Asked before each piece that nothing was requested of yet is started (the caller reserves its
   * memory there); after its first `false` no other piece is started in this pick.
   */
  readonly canStart?: (piece: PieceIndex) => boolean;
  /**
   * false: no endgame blocks (ones already asked of another peer) in this pick. The downloader
   * allows them only to a peer whose own queue is nearly drained, so the last blocks are not each
   * fetched twice from peers that are all about to deliver them.
   */
  readonly endgame?: boolean;
}

/** Picks up to `max` blocks for `peer` and records them as requested by it. */
export function pickBlocks(state: PickerState, peer: PickPeer, max: number, settings: PickSettings, options: PickOptions = {}): BlockRef[] {
  return new Pick(state, peer, max, settings, options).run();
}
