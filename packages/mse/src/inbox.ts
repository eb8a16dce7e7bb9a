// Bytes received from the peer and not yet consumed by the handshake. A growable buffer rather than
// a list of chunks, so a peer that sends one byte per packet costs amortised O(1) per byte, and
// `consumed` keeps the absolute stream offset that errors report.

export class Inbox {
  #buffer = new Uint8Array(1024);
  #start = 0;
  #end = 0;
  /** Bytes consumed since the first byte of the connection: the stream offset of `peek(…)[0]`. */
  consumed = 0;

  get length(): number {
    return this.#end - this.#start;
  }

  push(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#buffer.length) {
      const needed = this.length + chunk.length;
      const next = needed > this.#buffer.length / 2 ? new Uint8Array(Math.max(needed, this.#buffer.length * 2)) : this.#buffer;
      next.set(this.#buffer.subarray(this.#start, this.#end));
      this.#buffer = next;
      this.#end -= this.#start;
      this.#start = 0;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** A copy of the next `count` bytes, consumed. The caller has checked `length`. */
  take(count: number): Uint8Array {
    const out = this.#buffer.slice(this.#start, this.#start + count);
    this.#start += count;
    this.consumed += count;
    return out;
  }

  /** Everything left, consumed. */
  takeAll(): Uint8Array {
    return this.take(this.length);
  }

  /** A view of the first `count` buffered bytes, not consumed (valid until the next push). */
  peek(count: number): Uint8Array {
    return this.#buffer.subarray(this.#start, this.#start + Math.min(count, this.length));
  }

  /** Where `pattern` starts among the first `window` buffered bytes (it must fit inside), or -1. */
  indexOf(pattern: Uint8Array, window: number): number {
    const limit = Math.min(this.length, window) - pattern.length;
    const buffer = this.#buffer;
    const first = pattern[0];
    outer: for (let at = this.#start; at <= this.#start + limit; at++) {
      if (buffer[at] !== first) continue;
      for (let k = 1; k < pattern.length; k++) if (buffer[at + k] !== pattern[k]) continue outer;
      return at - this.#start;
    }
    return -1;
  }

  /** Drops the contents (used on abort, so nothing the peer sent is kept alive). */
  clear(): void {
    this.#buffer = new Uint8Array(0);
    this.#start = 0;
    this.#end = 0;
  }
}
