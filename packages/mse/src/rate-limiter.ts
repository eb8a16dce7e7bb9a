// A per-address budget for MSE attempts (issue 16, defect 3): every attempt costs two modular
// exponentiations, so one address gets a small burst and then a steady trickle. A token bucket per
// address, the clock passed in on every call, and a bounded table (the least recently seen address is
// forgotten first) so a flood of addresses cannot grow it without limit.
import { MseError } from './errors.js';

export interface MseRateLimitOptions {
  /** Attempts one address may make at once. Default 8. */
  readonly burst?: number;
  /** Attempts per second one address earns back. Default 2. */
  readonly perSecond?: number;
  /** Addresses remembered at most; the least recently seen is dropped first. Default 4096. */
  readonly maxAddresses?: number;
}

interface Bucket {
  tokens: number;
  /** Clock value (ms) when `tokens` was last brought up to date. */
  at: number;
}

export class MseRateLimiter {
  readonly #burst: number;
  readonly #perMs: number;
  readonly #maxAddresses: number;
  /** Map order is recency order: touched entries are deleted and re-inserted. */
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: MseRateLimitOptions = {}) {
    this.#burst = options.burst ?? 8;
    this.#perMs = (options.perSecond ?? 2) / 1000;
    this.#maxAddresses = options.maxAddresses ?? 4096;
    if (!(this.#burst >= 1) || !(this.#perMs > 0) || !(this.#maxAddresses >= 1)) {
      throw new MseError('invalid-argument', 'burst and maxAddresses must be at least 1, perSecond above 0');
    }
  }

  /**
   * Takes one attempt from `address`'s budget at time `now` (ms). True: go ahead with the
   * handshake. False: drop the connection before any Diffie-Hellman work.
   */
  tryAcquire(address: string, now: number): boolean {
    const bucket = this.#refreshed(address, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Addresses currently remembered (for tests and stats). */
  get size(): number {
    return this.#buckets.size;
  }

  #refreshed(address: string, now: number): Bucket {
    let bucket = this.#buckets.get(address);
    if (bucket === undefined) {
      bucket = { tokens: this.#burst, at: now };
      if (this.#buckets.size >= this.#maxAddresses) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
    } else {
      this.#buckets.delete(address);
      // A clock that steps backwards earns nothing rather than a negative refill.
      const elapsed = Math.max(0, now - bucket.at);
      bucket.tokens = Math.min(this.#burst, bucket.tokens + elapsed * this.#perMs);
      bucket.at = Math.max(bucket.at, now);
    }
    this.#buckets.set(address, bucket);
    return bucket;
  }
}
