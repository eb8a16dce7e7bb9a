// Routing incoming encrypted connections: a responder learns only HASH('req2', info-hash), so a
// session keeps its torrents keyed by that hash. `find` is the responder's `findInfoHash`.
import { HASH_LENGTH } from './constants.js';
import { MseError } from './errors.js';
import { obfuscatedInfoHash } from './keys.js';

/** Joined, not appended: an appended key stays in the map as a tree of about 14 V8 strings (~1 KiB a torrent). */
function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export class InfoHashIndex {
  readonly #byObfuscated = new Map<string, Uint8Array>();

  constructor(infoHashes: Iterable<Uint8Array> = []) {
    for (const infoHash of infoHashes) this.add(infoHash);
  }

  add(infoHash: Uint8Array): void {
    if (infoHash.length !== HASH_LENGTH) throw new MseError('invalid-argument', 'an info-hash is 20 bytes');
    this.#byObfuscated.set(hex(obfuscatedInfoHash(infoHash)), Uint8Array.from(infoHash));
  }

  delete(infoHash: Uint8Array): boolean {
    return this.#byObfuscated.delete(hex(obfuscatedInfoHash(infoHash)));
  }

  get size(): number {
    return this.#byObfuscated.size;
  }

  /** The info-hash whose HASH('req2', ·) is `obfuscated`, or undefined. */
  readonly find = (obfuscated: Uint8Array): Uint8Array | undefined => this.#byObfuscated.get(hex(obfuscated));
}
