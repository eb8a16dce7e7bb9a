// SHA-1 of whole pieces (BEP 3). Behind an interface so hashing can move to worker threads; the inline
// hasher is the default because on these 2-core machines the workers did not pay (see README and
// tools/bench/storage.mjs): a 1 MiB piece hashes in about 0.6 ms, which is a short enough pause.
import { createHash } from 'node:crypto';
import { throwIfAborted } from './errors.js';
import type { IoOptions } from './storage.js';

export interface Hasher {
  /** The 20-byte SHA-1 of `data`. */
  sha1(data: Uint8Array, options?: IoOptions): Promise<Uint8Array>;
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

/**
 * Hashes on the calling thread, one piece per event-loop turn. Pieces often complete together (blocks
 * from many peers arrive in one tick); hashed back to back they would stall sockets for the sum of
 * their hashes (64 MiB of pieces: about 100 ms here), queued like this for one piece at most, with I/O
 * polled in between. Measured in tools/bench/storage.mjs.
 */
export class InlineHasher implements Hasher {
  readonly prefersShared = false;
  readonly #queue: QueuedHash[] = [];
  #scheduled = false;

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
    setImmediate(() => {
      this.#scheduled = false;
      const job = this.#queue.shift();
      this.#schedule();
      if (job === undefined) return;
      try {
        throwIfAborted(job.signal);
        job.resolve(sha1Now(job.data));
      } catch (error) {
        job.reject(error);
      }
    });
  }
}

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
