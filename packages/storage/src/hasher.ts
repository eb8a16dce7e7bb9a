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

/** Hashes on the calling thread. */
export const inlineHasher: Hasher = {
  prefersShared: false,
  async sha1(data, options = {}) {
    throwIfAborted(options.signal);
    return sha1Now(data);
  },
  async close() {},
};

export function sha1Now(data: Uint8Array): Uint8Array {
  const digest = createHash('sha1').update(data).digest();
  return new Uint8Array(digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength));
}

export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
