// Remembers endpoints (host:port keys) that send undecodable datagrams and ignores them for a while.

export interface GarbageOptions {
  /** Bad datagrams from one endpoint before it is ignored. Default 5. */
  threshold?: number;
  /** How long an endpoint stays ignored. Default 10 minutes. */
  banMs?: number;
  /** Endpoints tracked at once. Default 5,000. */
  maxTracked?: number;
}

interface Record {
  count: number;
  bannedUntil: number;
}

export class GarbageTracker {
  readonly #records = new Map<string, Record>();
  readonly #threshold: number;
  readonly #banMs: number;
  readonly #maxTracked: number;

  constructor(options: GarbageOptions = {}) {
    this.#threshold = options.threshold ?? 5;
    this.#banMs = options.banMs ?? 10 * 60_000;
    this.#maxTracked = options.maxTracked ?? 5000;
  }

  get tracked(): number {
    return this.#records.size;
  }

  isBanned(key: string, now: number): boolean {
    const r = this.#records.get(key);
    if (!r || r.bannedUntil <= now) return false;
    return true;
  }

  /** Counts one bad datagram; true when this one got the endpoint banned. */
  report(key: string, now: number): boolean {
    let r = this.#records.get(key);
    if (!r) {
      if (this.#records.size >= this.#maxTracked) this.#records.delete(this.#records.keys().next().value as string);
      r = { count: 0, bannedUntil: 0 };
      this.#records.set(key, r);
    }
    r.count++;
    if (r.count < this.#threshold) return false;
    r.count = 0;
    r.bannedUntil = now + this.#banMs;
    return true;
  }
}
