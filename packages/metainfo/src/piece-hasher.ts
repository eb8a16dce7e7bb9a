// Streaming v1 piece hashing: bytes go in as chunks of any size, SHA-1 digests come out per piece.
// Chunks are hashed in place (subarrays, no copying), so memory stays at one chunk whatever the
// piece length or the total size.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { PIECE_HASH_LENGTH } from './metainfo.js';

export class PieceHasher {
  readonly #pieceLength: number;
  readonly #hashes: Uint8Array;
  #hash: Hash = createHash('sha1');
  /** Bytes of the current piece already hashed. */
  #filled = 0;
  #pieces = 0;
  #total = 0;

  constructor(pieceLength: number, totalLength: number) {
    this.#pieceLength = pieceLength;
    this.#hashes = new Uint8Array(Math.ceil(totalLength / pieceLength) * PIECE_HASH_LENGTH);
  }

  /** Bytes fed so far. */
  get hashedBytes(): number {
    return this.#total;
  }

  update(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(chunk.length - at, this.#pieceLength - this.#filled);
      this.#hash.update(chunk.subarray(at, at + take));
      at += take;
      this.#filled += take;
      this.#total += take;
      if (this.#filled === this.#pieceLength) this.#endPiece();
    }
  }

  /** The concatenated piece hashes; the last piece may be short (BEP 3). */
  finish(): Uint8Array {
    if (this.#filled > 0) this.#endPiece();
    if (this.#pieces * PIECE_HASH_LENGTH !== this.#hashes.length) {
      throw new RangeError(`hashed ${this.#pieces} pieces, expected ${this.#hashes.length / PIECE_HASH_LENGTH}`);
    }
    return this.#hashes;
  }

  #endPiece(): void {
    if ((this.#pieces + 1) * PIECE_HASH_LENGTH > this.#hashes.length) {
      throw new RangeError('more data than the declared total length');
    }
    this.#hashes.set(this.#hash.digest(), this.#pieces * PIECE_HASH_LENGTH);
    this.#pieces++;
    this.#hash = createHash('sha1');
    this.#filled = 0;
  }
}
