// The hashing threads of a session, shared by its torrents and started at the first piece, so a
// session that never downloads (a seed, most tests) starts no thread. Pieces move to the thread and
// back without a copy (Hasher.sha1Moving); the event loop is left to the sockets. On the 1 GiB
// loopback benchmark one thread took hashing (1.1 s per GiB there) off the event loop: 3.64 -> 3.46 s
// (BENCHMARKS.md, tuning log).
import { StorageError, WorkerHasher, type Hasher } from '@typetorrent/storage';
import type { IoOptions } from '@typetorrent/storage';

export const DEFAULT_HASH_THREADS = 1;

export class SessionHasher implements Hasher {
  readonly prefersShared = false;
  readonly #threads: number;
  #pool: WorkerHasher | undefined;
  #closed = false;

  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`hash threads must be at least 1, got ${threads}`);
    this.#threads = threads;
  }

  /** True once the threads are running. */
  get started(): boolean {
    return this.#pool !== undefined;
  }

  async sha1(data: Uint8Array, options?: IoOptions): Promise<Uint8Array> {
    return await this.#workers().sha1(data, options);
  }

  async sha1Moving(data: Uint8Array, options?: IoOptions): Promise<{ digest: Uint8Array; data: Uint8Array }> {
    return await this.#workers().sha1Moving(data, options);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }

  #workers(): WorkerHasher {
    if (this.#closed) throw new StorageError('CLOSED', 'the session is closed');
    this.#pool ??= new WorkerHasher({ threads: this.#threads });
    return this.#pool;
  }
}
