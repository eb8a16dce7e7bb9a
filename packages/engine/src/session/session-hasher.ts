// The hashing threads of a session, shared by its torrents. Pieces move to the thread and back without
// a copy (Hasher.sha1Moving); the event loop is left to the sockets. On the 1 GiB loopback benchmark one
// thread took hashing (1.1 s per GiB there) off the event loop: 3.64 -> 3.46 s (BENCHMARKS.md, tuning
// log). Threads that cannot start leave hashing to the event loop instead of failing pieces.
//
// A thread is a second V8 isolate: about 12 MiB of RSS and a dozen descriptors (issue 17). A start
// that checks 1,000 small torrents hashes 400 KB in all, less than a millisecond of SHA-1, and paid
// that 12 MiB for it (the thread then idled 30 s before it ended). So small work is hashed on the
// event loop, a few milliseconds per turn (InlineHasher), and the thread starts only once more than
// `inlineBytesPerSecond` would be hashed inline within one second, or for a piece larger than that;
// while it runs, every piece goes to it. When it ends for want of work, small work is inline again.
import { StorageError, WorkerHasher, inlineHasher, type Hasher, type IoOptions } from '@typetorrent/storage';

export const DEFAULT_HASH_THREADS = 1;

/**
 * Bytes hashed on the event loop in any one second before the thread takes over: 4 MiB is 6-8 ms of
 * SHA-1 on these machines, in turns of at most 4 ms (InlineHasher).
 */
export const INLINE_HASH_BYTES_PER_SECOND = 4 * 1024 * 1024;

export interface SessionHasherOptions {
  /** The code each thread runs, for tests (see WorkerHasherOptions). */
  readonly source?: string;
  /** See INLINE_HASH_BYTES_PER_SECOND; 0: every piece goes to the thread. */
  readonly inlineBytesPerSecond?: number;
  /** The time in ms, for the one-second windows (default Date.now; tests step it). */
  readonly now?: () => number;
}

export class SessionHasher implements Hasher {
  readonly prefersShared = false;
  readonly #threads: number;
  readonly #source: string | undefined;
  readonly #inlineBudget: number;
  readonly #now: () => number;
  #pool: WorkerHasher | undefined;
  #closed = false;
  /** Start of the current one-second window and the bytes hashed inline in it. */
  #windowStart = Number.NEGATIVE_INFINITY;
  #inlineBytes = 0;

  constructor(threads: number, options: SessionHasherOptions = {}) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`hash threads must be at least 1, got ${threads}`);
    const budget = options.inlineBytesPerSecond ?? INLINE_HASH_BYTES_PER_SECOND;
    if (!Number.isSafeInteger(budget) || budget < 0) throw new RangeError(`inlineBytesPerSecond must be a whole number of bytes, got ${budget}`);
    this.#threads = threads;
    this.#source = options.source;
    this.#inlineBudget = budget;
    this.#now = options.now ?? Date.now;
  }

  /** True while a hashing thread runs (it ends after a spell without work). */
  get started(): boolean {
    return (this.#pool?.running ?? 0) > 0;
  }

  /** True when the threads could not start and hashing fell back to the event loop. */
  get fellBack(): boolean {
    return this.#pool?.broken === true;
  }

  async sha1(data: Uint8Array, options?: IoOptions): Promise<Uint8Array> {
    return await this.#hasher(data.byteLength).sha1(data, options);
  }

  async sha1Moving(data: Uint8Array, options?: IoOptions): Promise<{ digest: Uint8Array; data: Uint8Array }> {
    const hasher = this.#hasher(data.byteLength);
    if (hasher.sha1Moving !== undefined) return await hasher.sha1Moving(data, options);
    return { digest: await hasher.sha1(data, options), data };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }

  /** Where `bytes` more are hashed: inline within the second's budget, else the thread (started if need be). */
  #hasher(bytes: number): Hasher {
    if (this.#closed) throw new StorageError('CLOSED', 'the session is closed');
    if (this.#pool?.broken === true) return inlineHasher;
    if (!this.started && this.#inline(bytes)) return inlineHasher;
    this.#pool ??= new WorkerHasher({ threads: this.#threads, ...(this.#source === undefined ? {} : { source: this.#source }) });
    return this.#pool;
  }

  /** Counts `bytes` against this second's inline budget; false (nothing counted) when they do not fit. */
  #inline(bytes: number): boolean {
    const now = this.#now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#inlineBytes = 0;
    }
    if (this.#inlineBytes + bytes > this.#inlineBudget) return false;
    this.#inlineBytes += bytes;
    return true;
  }
}
