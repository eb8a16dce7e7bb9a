// Buffers of one size (a 16 KiB block) read from disk for upload, used again once sent: a busy seeder
// otherwise allocates one per block and leaves it to the GC, which RSS then keeps (seeding 50
// leechers held ~1 MiB of RSS per leecher beyond the upload data it counts). A buffer goes back only
// when nothing references it any more: for a socket, once its write callback says the kernel has
// the bytes. Bounded from outside: a buffer is kept idle only while `limit()` allows (UploadMemory:
// what the session's upload cap leaves), so idle buffers and the upload data held stay within the cap.
// Nor are idle buffers kept for ever: `sweep()` (the owner calls it once per idle period) drops those
// no `take()` needed since the last sweep.

export interface BlockPoolOptions {
  /** Bytes per buffer. */
  readonly blockSize: number;
  /** Most bytes idle buffers may take now, the one being given back included; past it, it goes to the GC. */
  readonly limit: () => number;
  /** Called when `give` keeps a buffer idle (the owner starts watching for buffers idle too long). */
  readonly kept?: () => void;
}

export class BlockPool {
  readonly blockSize: number;
  readonly #limit: () => number;
  readonly #kept: (() => void) | undefined;
  readonly #idle: Uint8Array[] = [];
  /** The fewest buffers idle at any moment since the last sweep: that many were not needed in the period. */
  #fewestIdle = 0;
  /** Buffers handed out and not yet given back: only these are taken back, and each once. */
  readonly #lent = new WeakSet<Uint8Array>();

  constructor(options: BlockPoolOptions) {
    this.blockSize = options.blockSize;
    this.#limit = options.limit;
    this.#kept = options.kept;
  }

  /** Bytes kept idle for reuse. */
  get idleBytes(): number {
    return this.#idle.length * this.blockSize;
  }

  /** A buffer of `blockSize` bytes, idle or new; its contents are whatever was there (not zeroed). */
  take(): Uint8Array {
    const block = this.#idle.pop() ?? uninitialized(this.blockSize);
    if (this.#idle.length < this.#fewestIdle) this.#fewestIdle = this.#idle.length;
    this.#lent.add(block);
    return block;
  }

  /**
   * Takes back a buffer from `take()` that nothing references any more. A buffer it did not lend, or
   * one given back already, is ignored: keeping it could hand one buffer to two readers at once.
   */
  give(block: Uint8Array): void {
    if (!this.#lent.delete(block)) return;
    if (this.idleBytes + this.blockSize > this.#limit()) return;
    this.#idle.push(block);
    this.#kept?.();
  }

  /** Drops idle buffers (to the GC) until at least `bytes` went or none is left; returns the bytes dropped. */
  shed(bytes: number): number {
    const count = Math.min(this.#idle.length, Math.ceil(bytes / this.blockSize));
    this.#idle.length -= count;
    this.#fewestIdle = Math.min(this.#fewestIdle, this.#idle.length);
    return count * this.blockSize;
  }

  /**
   * Drops (to the GC) the buffers that stayed idle since the last sweep: as many as the pool never
   * fell below. Returns the bytes dropped. The next period starts with what is left.
   */
  sweep(): number {
    const count = Math.min(this.#fewestIdle, this.#idle.length);
    this.#idle.length -= count;
    this.#fewestIdle = this.#idle.length;
    return count * this.blockSize;
  }

  /** Drops every idle buffer (to the GC). */
  trim(): void {
    this.#idle.length = 0;
    this.#fewestIdle = 0;
  }
}

/** `length` bytes not zeroed first: every byte is overwritten by the read before anyone sees it. */
function uninitialized(length: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
}
