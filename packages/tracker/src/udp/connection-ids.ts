// BEP 15 connection ids, cached per tracker endpoint: "a client can use a connection ID until one
// minute after it has received it", so one connect serves every announce and scrape in that minute.

export const DEFAULT_CONNECTION_ID_TTL_MS = 60_000;

export class ConnectionIds {
  readonly #entries = new Map<string, { readonly id: bigint; readonly receivedAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(endpoint: string): bigint | undefined {
    const entry = this.#entries.get(endpoint);
    if (entry === undefined) return undefined;
    if (this.now() - entry.receivedAt >= this.ttlMs) {
      this.#entries.delete(endpoint);
      return undefined;
    }
    return entry.id;
  }

  set(endpoint: string, id: bigint): void {
    this.#prune();
    this.#entries.set(endpoint, { id, receivedAt: this.now() });
  }

  /** After an error reply the id may be the problem; the next request connects afresh. */
  forget(endpoint: string): void {
    this.#entries.delete(endpoint);
  }

  /** Expired entries go, so a client that saw many trackers does not keep them all forever. */
  #prune(): void {
    const now = this.now();
    for (const [endpoint, entry] of this.#entries) {
      if (now - entry.receivedAt >= this.ttlMs) this.#entries.delete(endpoint);
    }
  }
}
