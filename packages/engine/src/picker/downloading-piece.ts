import type { BlockIndex, BlockState } from './types.js';

const NONE = 0;
const REQUESTED = 1;
const RECEIVED = 2;
const WRITTEN = 3;

const STATE_NAMES: readonly BlockState[] = ['none', 'requested', 'received', 'written'];

const NO_PEERS: readonly string[] = Object.freeze([]);

/**
 * The per-block bookkeeping of one partial piece: a state byte per block, who was asked for each
 * requested block, and running counts so "is it complete" and "is anything left to request" are O(1).
 * Only partial pieces carry one, so memory grows with the pieces in flight, not the torrent size.
 */
export class DownloadingPiece {
  private readonly states: Uint8Array;
  /** Peers asked for each block; only set while the block is `requested`. */
  private readonly requesters: (string[] | undefined)[];
  /** Counts of blocks per state; they always sum to `blockCount`. */
  private readonly counts = [0, 0, 0, 0];
  /** Every block below this index is known not to be `none`: picking starts here. */
  private firstMaybeFree = 0;

  constructor(readonly blockCount: number) {
    this.states = new Uint8Array(blockCount);
    this.requesters = new Array<string[] | undefined>(blockCount);
    this.counts[NONE] = blockCount;
  }

  /** Blocks nobody has been asked for. */
  get free(): number {
    return this.counts[NONE] ?? 0;
  }

  /** Blocks received or written. */
  get done(): number {
    return (this.counts[RECEIVED] ?? 0) + (this.counts[WRITTEN] ?? 0);
  }

  /** True when no block is requested, received or written: the piece can go back to not-started. */
  get isEmpty(): boolean {
    return this.free === this.blockCount;
  }

  /** True when every block is received or written: the piece is ready to be hashed. */
  get isComplete(): boolean {
    return this.done === this.blockCount;
  }

  state(block: BlockIndex): BlockState {
    return STATE_NAMES[this.states[block] ?? NONE] ?? 'none';
  }

  /** Peers currently asked for the block (empty unless it is `requested`). */
  requestersOf(block: BlockIndex): readonly string[] {
    return this.requesters[block] ?? NO_PEERS;
  }

  /** Whether `peer` is among the block's requesters. */
  isRequestedBy(block: BlockIndex, peer: string): boolean {
    return this.requesters[block]?.includes(peer) ?? false;
  }

  /** Calls `visit` for each `none` block in index order until it returns false. */
  forEachFree(visit: (block: BlockIndex) => boolean): void {
    if (this.free === 0) return;
    for (let block = this.firstMaybeFree; block < this.blockCount; block++) {
      if (this.states[block] !== NONE) {
        if (block === this.firstMaybeFree) this.firstMaybeFree = block + 1;
        continue;
      }
      if (!visit(block)) return;
    }
  }

  /** Records a request of `block` from `peer`: none → requested, or one more requester (endgame). */
  request(block: BlockIndex, peer: string): void {
    const state = this.states[block];
    if (state === NONE) {
      this.move(block, NONE, REQUESTED);
      this.requesters[block] = [peer];
    } else if (state === REQUESTED) {
      const peers = this.requesters[block];
      if (peers !== undefined && !peers.includes(peer)) peers.push(peer);
    }
  }

  /**
   * Forgets `peer`'s request of `block`. Returns true when the block went back to `none` because
   * nobody else was asked for it.
   */
  abort(block: BlockIndex, peer: string): boolean {
    const peers = this.requesters[block];
    if (this.states[block] !== REQUESTED || peers === undefined) return false;
    const at = peers.indexOf(peer);
    if (at < 0) return false;
    peers.splice(at, 1);
    if (peers.length > 0) return false;
    this.requesters[block] = undefined;
    this.move(block, REQUESTED, NONE);
    if (block < this.firstMaybeFree) this.firstMaybeFree = block;
    return true;
  }

  /**
   * Records the block's data arriving from `peer`. Returns the other peers that were asked for it,
   * or undefined when the block was already received or written (a duplicate).
   */
  receive(block: BlockIndex, peer: string): readonly string[] | undefined {
    const state = this.states[block];
    if (state === RECEIVED || state === WRITTEN) return undefined;
    const asked = this.requesters[block];
    // Asked of this peer alone (all but endgame): nobody to cancel, no new array.
    const others = asked === undefined || (asked.length === 1 && asked[0] === peer) ? NO_PEERS : asked.filter((key) => key !== peer);
    this.requesters[block] = undefined;
    this.move(block, state === REQUESTED ? REQUESTED : NONE, RECEIVED);
    return others;
  }

  /** Records a received block reaching the disk. Returns false if it was not `received`. */
  write(block: BlockIndex): boolean {
    if (this.states[block] !== RECEIVED) return false;
    this.move(block, RECEIVED, WRITTEN);
    return true;
  }

  /** Every (block, requester) pair still in flight, e.g. to cancel them when the piece is verified. */
  inFlight(): { block: BlockIndex; peer: string }[] {
    const out: { block: BlockIndex; peer: string }[] = [];
    if (this.counts[REQUESTED] === 0) return out;
    for (let block = 0; block < this.blockCount; block++) {
      const peers = this.requesters[block];
      if (peers === undefined) continue;
      for (let i = 0; i < peers.length; i++) out.push({ block, peer: peers[i]! });
    }
    return out;
  }

  private move(block: BlockIndex, from: number, to: number): void {
    this.states[block] = to;
    this.counts[from] = (this.counts[from] ?? 0) - 1;
    this.counts[to] = (this.counts[to] ?? 0) + 1;
  }
}
