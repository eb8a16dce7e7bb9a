// The hashing threads of a session, shared by its torrents and started at the first hash (a piece
// downloaded, or data checked at start), so a session with nothing to hash starts no thread. Pieces
// move to the thread and back without a copy (Hasher.sha1Moving); the event loop is left to the
// sockets. Threads that cannot start leave hashing to the event loop instead of failing pieces. On the 1 GiB
// loopback benchmark one thread took hashing (1.1 s per GiB there) off the event loop: 3.64 -> 3.46 s
// (BENCHMARKS.md, tuning log).
import { StorageError, WorkerHasher, inlineHasher, type Hasher } from '@typetorrent/storage';
import type { IoOptions } from '@typetorrent/storage';

export const DEFAULT_HASH_THREADS = 1;

export class SessionHasher implements Hasher {
  readonly prefersShared = false;
  readonly #threads: number;
  readonly #source: string | undefined;
  #pool: WorkerHasher | undefined;
  #closed = false;

  /** `source`: the code each thread runs, for tests (see WorkerHasherOptions). */
  constructor(threads: number, source?: string) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`hash threads must be at least 1, got ${threads}`);
    this.#threads = threads;
    this.#source = source;
  }

  /** True once the threads are running. */
  get started(): boolean {
    return this.#pool !== undefined;
  }

  /** True when the threads could not start and hashing fell back to the event loop. */
  get fellBack(): boolean {
    return this.#pool?.broken === true;
  }

  async sha1(data: Uint8Array, options?: IoOptions): Promise<Uint8Array> {
    return await this.#hasher().sha1(data, options);
  }

  async sha1Moving(data: Uint8Array, options?: IoOptions): Promise<{ digest: Uint8Array; data: Uint8Array }> {
    const hasher = this.#hasher();
    if (hasher.sha1Moving !== undefined) return await hasher.sha1Moving(data, options);
    return { digest: await hasher.sha1(data, options), data };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }

  #hasher(): Hasher {
    if (this.#closed) throw new StorageError('CLOSED', 'the session is closed');
    this.#pool ??= new WorkerHasher({ threads: this.#threads, ...(this.#source === undefined ? {} : { source: this.#source }) });
    return this.#pool.broken ? inlineHasher : this.#pool;
  }
}
