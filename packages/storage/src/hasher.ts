// SHA-1 of whole pieces (BEP 3). Behind an interface so hashing can move to worker threads. The inline
// hasher is the store's default: alone, on these 2-core machines, worker threads did not measurably
// win on throughput, and queueing inline hashes per event-loop turn fixed the latency problem
// (README, "Hashing"; tools/bench/storage.mjs). The engine, whose event loop also reads sockets and
// writes pieces, gives its stores a WorkerHasher (one thread per session).
import { createHash } from 'node:crypto';
import { throwIfAborted } from './errors.js';
import type { IoOptions } from './storage.js';

export interface Hasher {
  /** The 20-byte SHA-1 of `data`. */
  sha1(data: Uint8Array, options?: IoOptions): Promise<Uint8Array>;
  /**
   * Optional: the SHA-1 of `data`, hashed on another thread without a copy. The ArrayBuffer under
   * `data` moves there (transferred) and comes back as the returned `data`; until then `data` is
   * detached (length 0). If hashing fails the memory is gone and `data` stays detached. `options.signal`
   * is checked before the move only: the move cannot be taken back.
   */
  sha1Moving?(data: Uint8Array, options?: IoOptions): Promise<{ digest: Uint8Array; data: Uint8Array }>;
  /**
   * True when the hasher reads SharedArrayBuffer-backed data without copying it; buffer pools then
   * allocate shared memory.
   */
  readonly prefersShared: boolean;
  close(): Promise<void>;
}

interface QueuedHash {
  readonly data: Uint8Array;
  readonly signal: AbortSignal | undefined;
  resolve(digest: Uint8Array): void;
  reject(error: unknown): void;
}

export interface InlineHasherOptions {
  /**
   * Hashing time per event-loop turn, in ms (default 4): once spent, the rest of the queue waits for
   * the next turn. At least one piece is hashed per turn.
   */
  readonly turnBudgetMs?: number;
}

/**
 * Hashes on the calling thread, a few milliseconds' worth per event-loop turn. Pieces often complete
 * together (blocks from many peers arrive in one tick); hashed back to back they stalled sockets for the
 * sum of their hashes (p99 loop delay ~180 ms when 64 MiB of pieces completed at once); one piece per
 * turn fixed that but capped throughput at one piece per turn. A time budget per turn keeps both: the
 * stall is bounded by the budget plus one piece, and a busy turn still hashes several pieces.
 * Measured in tools/bench/storage.mjs.
 */
export class InlineHasher implements Hasher {
  readonly prefersShared = false;
  readonly #queue: QueuedHash[] = [];
  readonly #budgetMs: number;
  #scheduled = false;

  constructor(options: InlineHasherOptions = {}) {
    this.#budgetMs = options.turnBudgetMs ?? DEFAULT_TURN_BUDGET_MS;
  }

  async sha1(data: Uint8Array, options: IoOptions = {}): Promise<Uint8Array> {
    throwIfAborted(options.signal);
    return await new Promise<Uint8Array>((resolve, reject) => {
      this.#queue.push({ data, signal: options.signal, resolve, reject });
      this.#schedule();
    });
  }

  async close(): Promise<void> {}

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => this.#run());
  }

  #run(): void {
    this.#scheduled = false;
    const started = performance.now();
    do {
      const job = this.#queue.shift();
      if (job === undefined) break;
      try {
        throwIfAborted(job.signal);
        job.resolve(sha1Now(job.data));
      } catch (error) {
        job.reject(error);
      }
    } while (performance.now() - started < this.#budgetMs);
    this.#schedule();
  }
}

export const DEFAULT_TURN_BUDGET_MS = 4;

/** The default hasher: inline, shared by every store in the process so their pieces queue together. */
export const inlineHasher: Hasher = new InlineHasher();

export function sha1Now(data: Uint8Array): Uint8Array {
  const digest = createHash('sha1').update(data).digest();
  return new Uint8Array(digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength));
}

export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
