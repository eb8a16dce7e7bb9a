// Per-IP token buckets for incoming queries. The table of IPs is itself bounded.

export interface RateLimitOptions {
  /** Queries per second one IP may sustain. Default 20. */
  perSecond?: number;
  /** Queries one IP may send in a burst. Default 50. */
  burst?: number;
  /** IPs tracked at once; beyond it the longest-tracked is forgotten. Default 10,000. */
  maxTracked?: number;
  /** Limit loopback (127/8, ::1) too. Default false: local swarms put every node on one IP. */
  loopback?: boolean;
}

interface Bucket {
  tokens: number;
  updated: number;
}

export class RateLimiter {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #maxTracked: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions = {}) {
    this.#perMs = (options.perSecond ?? 20) / 1000;
    this.#burst = options.burst ?? 50;
    this.#maxTracked = options.maxTracked ?? 10_000;
  }

  get tracked(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `ip`; false when the IP is over its rate. */
  allow(ip: string, now: number): boolean {
    let bucket = this.#buckets.get(ip);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxTracked) {
        const oldest = this.#buckets.keys().next().value as string;
        this.#buckets.delete(oldest);
      }
      bucket = { tokens: this.#burst, updated: now };
      this.#buckets.set(ip, bucket);
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.updated) * this.#perMs);
    bucket.updated = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
