import { requestQueueDepth } from './queue-depth.js';
import type { QueueDepthOptions } from './queue-depth.js';

/** A REQUEST we sent and have not had answered. `begin` and `length` are in bytes, as on the wire. */
export interface BlockRequest {
  readonly piece: number;
  readonly begin: number;
  readonly length: number;
  /** When it was sent (the injected clock's ms). */
  readonly sentAt: number;
}

/**
 * How long a peer may go without sending any block while we wait on its requests before those
 * requests are given up and handed to other peers.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

/** No block for this long while we wait on a peer: it is snubbing us (the classic 60 s rule). */
export const SNUB_TIMEOUT_MS = 60_000;

/** Options of `PeerRequests`. */
export interface PeerRequestsOptions extends Omit<QueueDepthOptions, 'peerLimit'> {
  /** Clock in milliseconds (monotonic). */
  readonly now: () => number;
  /** Default `REQUEST_TIMEOUT_MS`. */
  readonly requestTimeoutMs?: number;
  /** Default `SNUB_TIMEOUT_MS`. */
  readonly snubTimeoutMs?: number;
}

/**
 * The requests outstanding to one peer, and what follows from them: how many more to send, which
 * ones timed out, whether the peer is snubbing us. O(1) add and remove by (piece, begin); timeouts
 * cost O(expired + 1) because requests are kept in the order they were sent.
 *
 * It does not send anything: the session sends REQUEST/CANCEL, calls the matching method here, and
 * tells the piece picker (`abortRequest`) about every request this returns as given up.
 */
export class PeerRequests {
  /** Keyed by `key(piece, begin)`; a Map keeps insertion order, which is send order. */
  private readonly pending = new Map<RequestKey, BlockRequest>();
  /** The options `requestQueueDepth` gets, with the peer's limit: built when that changes, not per call. */
  private depthOptions: QueueDepthOptions;
  private lastBlockAt: number | undefined;
  /** Since when we have been owed a block and got none; undefined while not waiting. */
  private waitingSince: number | undefined;

  constructor(private readonly options: PeerRequestsOptions) {
    this.depthOptions = options;
  }

  /** Requests outstanding. */
  get size(): number {
    return this.pending.size;
  }

  /** Outstanding requests, oldest first. */
  list(): BlockRequest[] {
    return [...this.pending.values()];
  }

  has(piece: number, begin: number): boolean {
    return this.pending.has(key(piece, begin));
  }

  /** The peer's `reqq` from its BEP 10 extended handshake; caps `depth`. */
  setPeerLimit(reqq: number | undefined): void {
    this.depthOptions = { ...this.options, peerLimit: reqq };
  }

  /**
   * How many requests to keep outstanding given the rate we receive from the peer (bytes/s): see
   * `requestQueueDepth`. A snubbed peer gets one, enough to notice when it wakes up.
   */
  depth(bytesPerSecond: number): number {
    if (this.snubbed) return 1;
    return requestQueueDepth(bytesPerSecond, this.depthOptions);
  }

  /** How many more requests to send now: `depth` minus those outstanding, at least 0. */
  wanted(bytesPerSecond: number): number {
    return Math.max(0, this.depth(bytesPerSecond) - this.pending.size);
  }

  /** Records a REQUEST we sent. False (nothing recorded) if the same one is already outstanding. */
  add(piece: number, begin: number, length: number): boolean {
    return this.record(piece, begin, length) !== undefined;
  }

  /**
   * `add` that returns the request recorded (undefined if the same one is already outstanding), so a
   * caller can send that object rather than build another. `now` saves a clock read per request
   * when many are recorded at once.
   */
  record(piece: number, begin: number, length: number, now: number = this.options.now()): BlockRequest | undefined {
    const id = key(piece, begin);
    if (this.pending.has(id)) return undefined;
    const request: BlockRequest = { piece, begin, length, sentAt: now };
    this.pending.set(id, request);
    this.waitingSince ??= now;
    return request;
  }

  /**
   * A PIECE message arrived. Returns the request it answers, or undefined if none was outstanding
   * (a late answer to a request we gave up, which still proves the peer is alive).
   */
  received(piece: number, begin: number): BlockRequest | undefined {
    const now = this.options.now();
    const request = this.take(piece, begin);
    this.lastBlockAt = now;
    this.waitingSince = this.pending.size > 0 ? now : undefined;
    return request;
  }

  /** BEP 6 REJECT REQUEST: the peer will not send it. Returns the request, if it was outstanding. */
  rejected(piece: number, begin: number): BlockRequest | undefined {
    return this.take(piece, begin);
  }

  /** We sent CANCEL (endgame: another peer delivered the block). Returns the request, if outstanding. */
  cancelled(piece: number, begin: number): BlockRequest | undefined {
    return this.take(piece, begin);
  }

  /**
   * Forgets every outstanding request and returns them: on disconnect, and on CHOKE from a peer
   * without the fast extension (BEP 3: a choke discards pending requests; with BEP 6 the peer
   * rejects them one by one instead).
   */
  clear(): BlockRequest[] {
    const all = this.list();
    this.pending.clear();
    this.waitingSince = undefined;
    return all;
  }

  /**
   * Removes and returns the requests given up on: sent at least `requestTimeoutMs` ago while no
   * block at all came from the peer for that long. A peer that keeps delivering (slowly, in order)
   * never times out the tail of its queue. Call it from the session's periodic tick.
   */
  expired(): BlockRequest[] {
    const now = this.options.now();
    const timeout = this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    if (this.lastBlockAt !== undefined && now - this.lastBlockAt < timeout) return [];
    const out: BlockRequest[] = [];
    for (const [id, request] of this.pending) {
      if (now - request.sentAt < timeout) break;
      this.pending.delete(id);
      out.push(request);
    }
    // Still owed these blocks: `waitingSince` stays, so the snub clock keeps running.
    return out;
  }

  /**
   * No block from the peer for `snubTimeoutMs` while we were waiting on it (requests outstanding,
   * or given up on and not yet answered). Cleared by the next block.
   */
  get snubbed(): boolean {
    if (this.waitingSince === undefined) return false;
    return this.options.now() - this.waitingSince >= (this.options.snubTimeoutMs ?? SNUB_TIMEOUT_MS);
  }

  private take(piece: number, begin: number): BlockRequest | undefined {
    const id = key(piece, begin);
    const request = this.pending.get(id);
    if (request === undefined) return undefined;
    this.pending.delete(id);
    // Nothing left that the peer owes us: we are no longer waiting on it.
    if (this.pending.size === 0) this.waitingSince = undefined;
    return request;
  }
}

type RequestKey = number | string;

/** Blocks of 16 KiB (BLOCK_SIZE, what we request) numbered below this get a small-integer key. */
const BLOCK_BYTES = 16 * 1024;
const SMALL_KEY_BLOCKS = 2 ** 10;
const SMALL_KEY_PIECES = 2 ** 20;
/** Larger keys start here, so the two ranges never meet. */
const LARGE_KEY_BASE = 2 ** 30;
/** Below this, piece × 2^32 + begin + LARGE_KEY_BASE stays an exact integer (< 2^53). */
const NUMBER_KEY_PIECES = 2 ** 20;

/**
 * Map key for a request. A block-aligned request in a piece of at most 16 MiB of a torrent of at most
 * 2^20 pieces (nearly all) gets piece × 1024 + block, under 2^30: a small integer, which V8 keeps
 * unboxed, so the map allocates nothing to find it. Other requests get a larger number (a boxed
 * double) or, past 2^20 pieces, a string. Both fields are 32-bit on the wire.
 */
function key(piece: number, begin: number): RequestKey {
  const block = begin / BLOCK_BYTES;
  if (piece < SMALL_KEY_PIECES && block < SMALL_KEY_BLOCKS && (block | 0) === block) return piece * SMALL_KEY_BLOCKS + block;
  return piece < NUMBER_KEY_PIECES ? LARGE_KEY_BASE + piece * 2 ** 32 + begin : `${piece}:${begin}`;
}
