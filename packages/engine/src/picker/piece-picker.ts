import { checkPickerInvariants } from './invariants.js';
import { pickBlocks, type PickOptions } from './pick.js';
import { ACCEPTED, ACCEPTED_COMPLETE, REJECTED } from './received-results.js';
import { PickerState, type PickerStart } from './picker-state.js';
import type { RandomSource } from './random.js';
import { MAX_PRIORITY } from './types.js';
import type {
  BlockIndex,
  BlockReceivedResult,
  BlockRef,
  BlockState,
  PickerGeometry,
  PickPeer,
  PieceIndex,
  PiecePriority,
  PieceState,
} from './types.js';

/** Options of a `PiecePicker`. */
export interface PiecePickerOptions {
  /** Tie-break randomness; inject `seededRandom(n)` for reproducible picks. Default `Math.random`. */
  readonly random?: RandomSource;
  /** Pick lowest index first instead of rarest first (streaming). Can be changed later. */
  readonly sequential?: boolean;
  /** In endgame, the most peers one block may be requested from at once. Default 2. */
  readonly endgameMaxRequesters?: number;
  /** Verified pieces and priorities to start from: a seed never queues (or allocates queues for) its pieces. */
  readonly start?: PickerStart;
}

/** Default for `PiecePickerOptions.endgameMaxRequesters`. */
export const DEFAULT_ENDGAME_MAX_REQUESTERS = 2;

/** A request the picker still counts as in flight. */
export interface InFlightRequest {
  readonly block: BlockIndex;
  readonly peer: string;
}

/**
 * Decides which blocks to request from which peer, modelled on libtorrent's piece picker: it counts
 * how many peers have each piece, keeps the pieces we still need in per-priority queues ordered by
 * that count, and tracks every block of the pieces in flight. It does no I/O and knows no sockets;
 * the session feeds it peer announcements and block outcomes and asks it for requests.
 *
 * Costs (n = pieces, K = distinct availability values, at most the number of non-seed peers,
 * P = partial pieces, B = blocks per piece, R = requesters of one block, 1 outside endgame):
 * - `peerHasPiece`, `peerHasAll`, `peerLeftAll`: O(1). `peerBitfield`, `peerLeft`: O(n).
 * - `blockReceived`, `abortRequest`, `markRequested`: O(R), plus O(K) when a piece enters or leaves
 *   its queue. `markHave`, `pieceFailed`, `setPiecePriority`: O(K + B).
 * - `pickBlocks(peer, max)`: the priority range first (O(its pieces from the first we lack)), then
 *   partial pieces, O(P) per priority level that has any, then the queues in availability order
 *   until `max` blocks are found: O(K + pieces examined + max). A peer that has most pieces is
 *   served after looking at about max / B pieces; a peer that has almost nothing we need can make
 *   it look at every queued piece (O(n)). Sequential mode examines pieces from the first one we
 *   lack. Endgame walks the partial pieces, O(P × B).
 * - `isInteresting`: O(n) at worst. `checkInvariants`: O(n + P × B), for tests.
 *
 * Measured with picker.bench.ts on the shared 2-core dev box (warm JIT; the spread is the box's
 * load): 1024 pieces × 64 blocks, 50 peers: 10–100 µs per pick of 16 blocks plus their receipt;
 * 100k pieces: 10–100 µs per pick, 2–18 ms per bitfield of 50k set bits.
 */
export class PiecePicker {
  private readonly state: PickerState;
  private readonly random: RandomSource;
  private readonly endgameMaxRequesters: number;
  /** Lowest index first instead of rarest first. */
  sequential: boolean;

  constructor(geometry: PickerGeometry, options: PiecePickerOptions = {}) {
    const blocks =
      'blocksInPiece' in geometry
        ? (piece: PieceIndex) => geometry.blocksInPiece(piece)
        : (piece: PieceIndex) => geometry.blockCount(piece);
    this.state = new PickerState(geometry.pieceCount, blocks, options.start);
    this.random = options.random ?? Math.random;
    this.sequential = options.sequential ?? false;
    this.endgameMaxRequesters = options.endgameMaxRequesters ?? DEFAULT_ENDGAME_MAX_REQUESTERS;
    if (!Number.isInteger(this.endgameMaxRequesters) || this.endgameMaxRequesters < 1) {
      throw new RangeError('endgameMaxRequesters must be a positive integer');
    }
  }

  get pieceCount(): number {
    return this.state.pieceCount;
  }

  /** Blocks in `piece`. */
  blockCount(piece: PieceIndex): number {
    this.checkPiece(piece);
    return this.state.blocksOf(piece);
  }

  // --- availability -------------------------------------------------------------------------------

  /** A peer has every piece (its bitfield is full, or BEP 6 HAVE ALL). O(1). */
  peerHasAll(): void {
    this.state.seeds++;
  }

  /** A peer counted with `peerHasAll` is gone. O(1). */
  peerLeftAll(): void {
    if (this.state.seeds === 0) throw new RangeError('peerLeftAll without a matching peerHasAll');
    this.state.seeds--;
  }

  /** A HAVE message: one more peer has the piece. O(1). */
  peerHasPiece(piece: PieceIndex): void {
    this.checkPiece(piece);
    this.state.increment(piece);
  }

  /**
   * A BITFIELD message: the peer has every piece whose bit is set (BEP 3: high bit of byte 0 is
   * piece 0). Spare bits past the last piece are ignored. A peer that sends HAVE NONE (BEP 6) needs
   * no call. O(n).
   */
  peerBitfield(bits: Uint8Array): void {
    this.forEachSetBit(bits, (piece) => this.state.increment(piece));
  }

  /**
   * A peer counted piece by piece is gone: pass the bitfield it had when it left (its BITFIELD plus
   * every HAVE since). O(n). Throws without changing anything if a count would go below zero.
   */
  peerLeft(bits: Uint8Array): void {
    this.forEachSetBit(bits, (piece) => {
      if ((this.state.availability[piece] ?? 0) === 0) {
        throw new RangeError(`peerLeft: piece ${piece} was not counted for any peer`);
      }
    });
    this.forEachSetBit(bits, (piece) => this.state.decrement(piece));
  }

  /** How many connected peers have the piece (seeds included). */
  availability(piece: PieceIndex): number {
    this.checkPiece(piece);
    return (this.state.availability[piece] ?? 0) + this.state.seeds;
  }

  // --- our pieces ---------------------------------------------------------------------------------

  /**
   * The piece passed its hash check (or was found complete on disk). Returns requests still in
   * flight for it (normally none; endgame duplicates or a resume): send CANCEL for them.
   */
  markHave(piece: PieceIndex): readonly InFlightRequest[] {
    this.checkPiece(piece);
    return this.state.markHave(piece);
  }

  /**
   * The piece failed its hash check: every block goes back to `none` and the piece is picked again.
   * Also accepts a `have` piece whose data turned out bad later (a recheck). Returns requests still in
   * flight for it, which the caller should cancel.
   */
  pieceFailed(piece: PieceIndex): readonly InFlightRequest[] {
    this.checkPiece(piece);
    const record = this.state.downloading.get(piece);
    if (record !== undefined) {
      const inFlight = record.inFlight();
      this.state.reset(piece, record);
      return inFlight;
    }
    if (this.state.hasPiece(piece)) this.state.unHave(piece);
    return [];
  }

  /** Whether we have (verified) the piece. */
  has(piece: PieceIndex): boolean {
    this.checkPiece(piece);
    return this.state.hasPiece(piece);
  }

  /** Verified pieces. */
  get haveCount(): number {
    return this.state.haveCount;
  }

  /** Whether we lack the piece and its priority is above 0: a peer announcing it is interesting. */
  wants(piece: PieceIndex): boolean {
    this.checkPiece(piece);
    return !this.state.hasPiece(piece) && this.state.priorityOf(piece) > 0;
  }

  /** Whether the peer has any piece we want. O(n) at worst; stops at the first one. */
  isInteresting(peer: Pick<PickPeer, 'has' | 'hasAll'>): boolean {
    for (let piece = 0; piece < this.state.pieceCount; piece++) {
      if (this.state.hasPiece(piece) || this.state.priorityOf(piece) === 0) continue;
      if (peer.hasAll === true || peer.has(piece)) return true;
    }
    return false;
  }

  /** Every wanted piece is verified (skipped pieces may be missing): we are done downloading. */
  get isFinished(): boolean {
    for (let level = 1; level <= MAX_PRIORITY; level++) {
      if ((this.state.missingByLevel[level] ?? 0) > 0) return false;
    }
    return true;
  }

  /** Every piece is verified: we are a seed. */
  get isSeed(): boolean {
    return this.state.haveCount === this.state.pieceCount;
  }

  /** Every block of every wanted missing piece is requested or received: picks now hand out duplicates. */
  get inEndgame(): boolean {
    return this.state.freeWantedBlocks === 0 && !this.isFinished;
  }

  /** Our pieces as a BITFIELD payload (BEP 3 bit order). */
  haveBitfield(): Uint8Array {
    return this.state.haveBits.slice();
  }

  // --- priorities ---------------------------------------------------------------------------------

  /** Sets one piece's priority: 0 skips it, 1..7 low to high (strict: higher levels are picked first). */
  setPiecePriority(piece: PieceIndex, priority: PiecePriority): void {
    this.checkPiece(piece);
    if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
      throw new RangeError(`priority must be 0..${MAX_PRIORITY}, got ${priority}`);
    }
    this.state.setPriority(piece, priority);
  }

  /** Sets every piece's priority at once, e.g. from `piecePrioritiesFromFiles`. */
  setPiecePriorities(priorities: ArrayLike<number>): void {
    if (priorities.length !== this.state.pieceCount) {
      throw new RangeError(`expected ${this.state.pieceCount} priorities, got ${priorities.length}`);
    }
    for (let piece = 0; piece < priorities.length; piece++) {
      this.setPiecePriority(piece, (priorities[piece] ?? 0) as PiecePriority);
    }
  }

  piecePriority(piece: PieceIndex): PiecePriority {
    this.checkPiece(piece);
    return this.state.priorityOf(piece) as PiecePriority;
  }

  /**
   * Streaming: pieces `first..last` (inclusive) are picked before every other piece, whatever their
   * priority level, lowest index first. Replaces any earlier range; piece priorities are not changed,
   * and a priority-0 piece inside the range stays skipped. The range ends by itself once every piece
   * of it is had (`priorityRange` is then undefined), or with `clearPriorityRange`.
   */
  setPriorityRange(first: PieceIndex, last: PieceIndex): void {
    this.checkPiece(first);
    this.checkPiece(last);
    if (last < first) throw new RangeError(`priority range ${first}..${last} is empty`);
    this.state.rangeFirst = first;
    this.state.rangeNext = first;
    this.state.rangeLast = last;
  }

  /** Back to the ordinary order (priority levels, then rarest or sequential). */
  clearPriorityRange(): void {
    this.state.rangeFirst = 0;
    this.state.rangeNext = 0;
    this.state.rangeLast = -1;
  }

  /** The priority range while some piece of it is missing. */
  get priorityRange(): { readonly first: PieceIndex; readonly last: PieceIndex } | undefined {
    const state = this.state;
    while (state.rangeNext <= state.rangeLast && state.hasPiece(state.rangeNext)) state.rangeNext++;
    return state.rangeNext > state.rangeLast ? undefined : { first: state.rangeFirst, last: state.rangeLast };
  }

  // --- states -------------------------------------------------------------------------------------

  pieceState(piece: PieceIndex): PieceState {
    this.checkPiece(piece);
    return this.state.stateOf(piece);
  }

  blockState(piece: PieceIndex, block: BlockIndex): BlockState {
    this.checkBlock(piece, block);
    if (this.state.hasPiece(piece)) return 'written';
    return this.state.downloading.get(piece)?.state(block) ?? 'none';
  }

  /** Peers a block is currently requested from (a copy: later changes do not show in it). */
  requesters(piece: PieceIndex, block: BlockIndex): string[] {
    this.checkBlock(piece, block);
    return [...(this.state.downloading.get(piece)?.requestersOf(block) ?? [])];
  }

  /** The partial pieces, oldest first. */
  partialPieces(): PieceIndex[] {
    return [...this.state.downloading.keys()];
  }

  // --- requests -----------------------------------------------------------------------------------

  /**
   * Chooses up to `max` blocks to request from `peer` and records them as requested by `peer.key`
   * (call `abortRequest` for any you end up not sending). Never returns a block of a piece the peer
   * lacks, a piece we have, or a priority-0 piece; outside endgame never a block already requested.
   * See the class comment for the order and the cost. `options` (PickOptions): `canStart` is asked
   * before a piece with nothing requested yet is started, and after its first `false` this pick
   * starts no other piece, so a caller short of memory picks only what it can take; `endgame: false`
   * leaves out blocks already asked of another peer.
   */
  pickBlocks(peer: PickPeer, max: number, options?: PickOptions): BlockRef[] {
    const settings = { random: this.random, sequential: this.sequential, endgameMaxRequesters: this.endgameMaxRequesters };
    return pickBlocks(this.state, peer, max, settings, options);
  }

  /**
   * Records a request the caller made without `pickBlocks` (a block it must have first, say for a
   * streaming deadline, or restored state). Starts the piece if needed. Returns false, changing
   * nothing, when the piece is had or skipped or the block is already received.
   */
  markRequested(piece: PieceIndex, block: BlockIndex, peer: string): boolean {
    this.checkBlock(piece, block);
    const state = this.state;
    const pieceState = state.stateOf(piece);
    if (pieceState === 'have' || pieceState === 'not-wanted') return false;
    const record = state.downloading.get(piece) ?? state.start(piece);
    const blockState = record.state(block);
    if (blockState === 'received' || blockState === 'written') return false;
    if (blockState === 'none' && state.priorityOf(piece) > 0) state.freeWantedBlocks--;
    record.request(block, peer);
    return true;
  }

  /**
   * A block's data arrived from `peer`. Data for a block nobody requested is still taken if its
   * piece is wanted (a late answer after a timeout). See `BlockReceivedResult`.
   */
  blockReceived(piece: PieceIndex, block: BlockIndex, peer: string): BlockReceivedResult {
    this.checkBlock(piece, block);
    const state = this.state;
    let record = state.downloading.get(piece);
    if (record === undefined) {
      if (state.stateOf(piece) !== 'not-started') return REJECTED;
      record = state.start(piece);
    }
    const wasFree = record.state(block) === 'none';
    const cancel = record.receive(block, peer);
    if (cancel === undefined) return REJECTED;
    if (wasFree && state.priorityOf(piece) > 0) state.freeWantedBlocks--;
    // Shared answers for the common case (nobody else asked): no object per block.
    if (cancel.length === 0) return record.isComplete ? ACCEPTED_COMPLETE : ACCEPTED;
    return { accepted: true, cancel, pieceComplete: record.isComplete };
  }

  /** A received block reached the disk (before the piece is verified). False if it was not received. */
  blockWritten(piece: PieceIndex, block: BlockIndex): boolean {
    this.checkBlock(piece, block);
    return this.state.downloading.get(piece)?.write(block) ?? false;
  }

  /**
   * `peer` will not deliver the block: the request timed out, was rejected (BEP 6), or the peer
   * choked us or disconnected. The block becomes pickable again unless others were asked too.
   */
  abortRequest(piece: PieceIndex, block: BlockIndex, peer: string): void {
    this.checkBlock(piece, block);
    const record = this.state.downloading.get(piece);
    if (record === undefined || !record.abort(block, peer)) return;
    if (this.state.priorityOf(piece) > 0) this.state.freeWantedBlocks++;
    // An untouched piece goes back to the rarest-first queue rather than staying "partial" forever.
    if (record.isEmpty) this.state.reset(piece, record);
  }

  /**
   * Audits every internal structure against the others (each piece in exactly one state, queues
   * sorted, counters equal to a recount) and throws an `Error` naming the first mismatch. O(n × B):
   * for tests and debugging, not for the hot path.
   */
  checkInvariants(): void {
    checkPickerInvariants(this.state);
  }

  private forEachSetBit(bits: Uint8Array, visit: (piece: PieceIndex) => void): void {
    const count = Math.min(this.state.pieceCount, bits.length * 8);
    for (let piece = 0; piece < count; piece++) {
      if (((bits[piece >> 3] ?? 0) & (0x80 >> (piece & 7))) !== 0) visit(piece);
    }
  }

  private checkPiece(piece: PieceIndex): void {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.state.pieceCount) {
      throw new RangeError(`piece ${piece} out of range 0..${this.state.pieceCount - 1}`);
    }
  }

  private checkBlock(piece: PieceIndex, block: BlockIndex): void {
    this.checkPiece(piece);
    if (!Number.isInteger(block) || block < 0 || block >= this.state.blocksOf(piece)) {
      throw new RangeError(`block ${block} out of range for piece ${piece}`);
    }
  }
}
