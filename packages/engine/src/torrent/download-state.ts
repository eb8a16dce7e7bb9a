// The downloader's own bookkeeping for one peer: our requests in flight, the ones we gave up on
// (their blocks may still come), the pieces it lets us ask for while it chokes us (BEP 6 allowed
// fast) and how often it refused us.
import type { Clock } from '../clock.js';
import { PeerRequests, type PeerRequestsOptions } from '../requests/peer-requests.js';

/** Given-up requests remembered per peer; older ones are forgotten (their blocks then count as unrequested). */
const MAX_GIVEN_UP = 4096;

export class DownloadState {
  readonly requests: PeerRequests;
  /** Pieces the peer lets us request while it chokes us (BEP 6 allowed fast). */
  readonly allowedFast = new Set<number>();
  /** Requests the peer rejected (BEP 6) although it has us unchoked. */
  rejects = 0;
  /**
   * Late blocks still owed per given-up request. A count, not a flag: a block asked for again and
   * given up on a second time (a slow peer, past two timeouts) may come twice.
   */
  readonly #givenUp = new Map<number, number>();

  constructor(clock: Clock, requestOptions: Omit<PeerRequestsOptions, 'now'>) {
    this.requests = new PeerRequests({ ...requestOptions, now: () => clock.now() });
  }

  /** Remembers a request we gave up on, so its late block is not taken for an unrequested one. */
  giveUp(blockId: number): void {
    this.#givenUp.set(blockId, (this.#givenUp.get(blockId) ?? 0) + 1);
    if (this.#givenUp.size > MAX_GIVEN_UP) {
      const oldest = this.#givenUp.keys().next();
      if (oldest.done !== true) this.#givenUp.delete(oldest.value);
    }
  }

  /** True when a block answers a request we gave up on (once per time we gave it up). */
  forgive(blockId: number): boolean {
    const owed = this.#givenUp.get(blockId);
    if (owed === undefined) return false;
    if (owed > 1) this.#givenUp.set(blockId, owed - 1);
    else this.#givenUp.delete(blockId);
    return true;
  }
}
