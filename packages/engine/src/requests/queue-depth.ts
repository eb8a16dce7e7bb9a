/** The request size every client uses (BEP 3 recommends 2^14; most clients drop larger requests). */
export const BLOCK_SIZE = 16 * 1024;

/**
 * How much data to keep requested from a peer, in time: libtorrent's `request_queue_time` (3 s).
 * Enough to cover a round trip and a burst of latency without the peer's upload pipe going idle.
 */
export const REQUEST_QUEUE_TIME_MS = 3_000;

/** The fewest requests kept outstanding to a peer that is not snubbed, whatever its rate. */
export const MIN_REQUEST_QUEUE = 2;

/**
 * The most requests kept outstanding to one peer when it names no limit. Also libtorrent's default
 * `reqq` (BEP 10), which many peers announce.
 */
export const MAX_REQUEST_QUEUE = 250;

/** Options of `requestQueueDepth`; every field has the default named beside it. */
export interface QueueDepthOptions {
  /** Bytes per request. Default `BLOCK_SIZE`. */
  readonly blockSize?: number;
  /** Seconds of transfer to keep queued, in ms. Default `REQUEST_QUEUE_TIME_MS`. */
  readonly queueTimeMs?: number;
  /** Default `MIN_REQUEST_QUEUE`. */
  readonly min?: number;
  /** Default `MAX_REQUEST_QUEUE`. */
  readonly max?: number;
  /**
   * The peer's own limit: `reqq` from its BEP 10 extended handshake. Wins over `min` and `max`:
   * requests beyond it may be dropped by the peer.
   */
  readonly peerLimit?: number | undefined;
}

/**
 * How many requests to keep outstanding to a peer that sends us `bytesPerSecond`: the rate times
 * the queue time, in blocks, clamped to [min, max] and to the peer's `reqq`. O(1).
 *
 * A fast peer gets a deep queue so the pipe stays full across the round trip; a slow one a shallow
 * queue so its blocks are not held hostage (they would finish late and delay whole pieces).
 */
export function requestQueueDepth(bytesPerSecond: number, options: QueueDepthOptions = {}): number {
  const blockSize = options.blockSize ?? BLOCK_SIZE;
  const queueTimeMs = options.queueTimeMs ?? REQUEST_QUEUE_TIME_MS;
  const min = options.min ?? MIN_REQUEST_QUEUE;
  const max = options.max ?? MAX_REQUEST_QUEUE;
  const rate = Number.isFinite(bytesPerSecond) && bytesPerSecond > 0 ? bytesPerSecond : 0;
  const wanted = Math.ceil((rate * queueTimeMs) / 1000 / blockSize);
  const depth = Math.min(max, Math.max(min, wanted));
  const limit = options.peerLimit;
  // A peer limit of 0 or less is nonsense on the wire; treat it as "one at a time" rather than none.
  return limit === undefined ? depth : Math.max(1, Math.min(depth, Math.floor(limit)));
}
