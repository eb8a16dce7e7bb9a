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
  readonly #givenUp = new Set<number>();

  constructor(clock: Clock, requestOptions: Omit<PeerRequestsOptions, 'now'>) {
    this.requests = new PeerRequests({ ...requestOptions, now: () => clock.now() });
  }

  /** Remembers a request we gave up on, so its late block is not taken for an unrequested one. */
  giveUp(blockId: number): void {
    this.#givenUp.add(blockId);
    if (this.#givenUp.size > MAX_GIVEN_UP) {
      const oldest = this.#givenUp.values().next();
      if (oldest.done !== true) this.#givenUp.delete(oldest.value);
    }
  }

  /** True (once) when a block answers a request we gave up on. */
  forgive(blockId: number): boolean {
    return this.#givenUp.delete(blockId);
  }
}
