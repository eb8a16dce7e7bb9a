// A set of peer keys that forgets its oldest entries past a size: for what the session remembers
// about addresses it met (peers that speak no MSE, peers already warned about), which an endless
// stream of addresses must not grow without limit.

export class BoundedKeys {
  readonly #max: number;
  /** Set order is insertion order: the first entry is the oldest. */
  readonly #keys = new Set<string>();

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /** Adds `key`; false when it was already there. */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    if (this.#keys.size >= this.#max) {
      const oldest = this.#keys.values().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
    this.#keys.add(key);
    return true;
  }

  delete(key: string): boolean {
    return this.#keys.delete(key);
  }

  get size(): number {
    return this.#keys.size;
  }
}
