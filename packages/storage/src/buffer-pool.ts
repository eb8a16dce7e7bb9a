// Piece buffers under a memory cap. Each buffer is one piece long, allocated once and reused after its
// piece is written, so a 10 GiB torrent runs in the same memory as a 10 MiB one. The cap counts every
// allocated buffer, idle or not, because that is what the process holds.
import { StorageError, throwIfAborted } from './errors.js';

/** Largest default cap (eight pieces of 8 MiB, four of 16 MiB). */
export const DEFAULT_MEMORY_LIMIT = 64 * 1024 * 1024;
/** Smallest default cap: 32 pieces of 1 MiB, 8 MiB of requests in flight plus the hash and write queues. */
export const MIN_DEFAULT_MEMORY_LIMIT = 32 * 1024 * 1024;

/**
 * The cap used when none is given: room for eight pieces, within 32–64 MiB. Measured on a 1 GiB
 * loopback download with 1 MiB pieces (BENCHMARKS.md): 32 MiB was as fast as 64 MiB or faster
 * (fewer cold pages to fill) and peak RSS fell from ~160 MB to ~130 MB.
 */
export function defaultMemoryLimit(pieceLength: number): number {
  return Math.min(DEFAULT_MEMORY_LIMIT, Math.max(MIN_DEFAULT_MEMORY_LIMIT, 8 * pieceLength));
}

export class BufferPool {
  readonly #idle: ArrayBufferLike[] = [];
  #allocated = 0;
  #inUse = 0;
  #waiters: (() => void)[] = [];

  constructor(
    /** Bytes per buffer: the torrent's piece length. */
    readonly bufferSize: number,
    /** Most bytes allocated at once. At least one buffer is always allowed, whatever the limit. */
    readonly limit: number = defaultMemoryLimit(bufferSize),
    /** Allocate SharedArrayBuffer memory (for hashing in worker threads without a copy). */
    readonly shared = false,
  ) {
    if (!Number.isSafeInteger(bufferSize) || bufferSize <= 0) throw new RangeError(`bad buffer size ${bufferSize}`);
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError(`bad memory limit ${limit}`);
  }

  /** Bytes in buffers handed out and not yet released. */
  get bytesInUse(): number {
    return this.#inUse * this.bufferSize;
  }

  /** Bytes allocated, including idle buffers kept for reuse. */
  get bytesAllocated(): number {
    return this.#allocated * this.bufferSize;
  }

  /** True when acquire() would succeed now. */
  get available(): boolean {
    return this.#idle.length > 0 || this.#allocated === 0 || (this.#allocated + 1) * this.bufferSize <= this.limit;
  }

  /** A buffer of `length` bytes (at most bufferSize), or undefined when the cap is reached. */
  acquire(length: number): Uint8Array | undefined {
    if (length > this.bufferSize) throw new RangeError(`${length} bytes do not fit a ${this.bufferSize}-byte buffer`);
    let memory = this.#idle.pop();
    if (memory === undefined) {
      if (!this.available) return undefined;
      memory = this.shared ? new SharedArrayBuffer(this.bufferSize) : new ArrayBuffer(this.bufferSize);
      this.#allocated++;
    }
    this.#inUse++;
    return new Uint8Array(memory, 0, length);
  }

  /**
   * Gives a buffer from acquire() back; its memory is reused by the next acquire(). A buffer whose
   * memory moved to another thread and never came back (detached) only frees its place under the cap.
   */
  release(buffer: Uint8Array): void {
    this.#inUse--;
    if (buffer.buffer.byteLength === 0) this.#allocated--;
    else this.#idle.push(buffer.buffer);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once a buffer is available (at once if one is). */
  async whenAvailable(signal?: AbortSignal): Promise<void> {
    while (!this.available) {
      throwIfAborted(signal);
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(new StorageError('ABORTED', 'aborted', { cause: signal?.reason }));
        this.#waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /** Frees idle buffers (after a download, say); they are allocated again when needed. */
  trim(): void {
    this.#allocated -= this.#idle.length;
    this.#idle.length = 0;
  }
}
