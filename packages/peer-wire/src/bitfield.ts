// Which pieces a peer has: one bit per piece, piece 0 in the high bit of byte 0 (BEP 3). The engine
// and storage share this type, so it keeps a running count to make `count`/`hasAll` O(1).
import { WireError, invalidArgument } from './errors.js';

export class Bitfield {
  readonly pieceCount: number;
  readonly #bytes: Uint8Array;
  #count = 0;

  constructor(pieceCount: number) {
    if (!Number.isSafeInteger(pieceCount) || pieceCount < 0) {
      throw invalidArgument('pieceCount', `must be a non-negative integer, got ${pieceCount}`);
    }
    this.pieceCount = pieceCount;
    this.#bytes = new Uint8Array(Bitfield.byteLength(pieceCount));
  }

  /** Bytes a bitfield of `pieceCount` pieces takes on the wire: ceil(pieceCount / 8). */
  static byteLength(pieceCount: number): number {
    return Math.ceil(pieceCount / 8);
  }

  /**
   * A bitfield from wire bytes (copied). BEP 3: the length must be exactly ceil(pieceCount / 8) and
   * the spare bits at the end must be zero; a peer that breaks either is broken (fatal WireError).
   */
  static fromBytes(bytes: Uint8Array, pieceCount: number): Bitfield {
    const field = new Bitfield(pieceCount);
    if (bytes.length !== field.#bytes.length) {
      throw new WireError('bad-message-length', `bitfield of ${pieceCount} pieces is ${field.#bytes.length} bytes, got ${bytes.length}`, {
        field: 'bitfield',
        fatal: true,
      });
    }
    const spare = Bitfield.spareBitsAt(bytes, pieceCount);
    if (spare !== -1) {
      throw new WireError('bitfield-spare-bits', `bitfield has spare bit ${spare} set past piece count ${pieceCount}`, {
        offset: spare >> 3,
        field: 'bitfield',
        fatal: true,
      });
    }
    field.#bytes.set(bytes);
    let count = 0;
    for (const byte of field.#bytes) count += popcount8(byte);
    field.#count = count;
    return field;
  }

  /** A bitfield with every piece set. */
  static full(pieceCount: number): Bitfield {
    const field = new Bitfield(pieceCount);
    field.setAll();
    return field;
  }

  /** Index of the first set spare bit in `bytes` (a bitfield of `pieceCount` pieces), or -1. */
  static spareBitsAt(bytes: Uint8Array, pieceCount: number): number {
    const used = pieceCount & 7;
    if (used === 0 || bytes.length === 0) return -1;
    const last = bytes[bytes.length - 1] ?? 0;
    const spareMask = 0xff >> used;
    if ((last & spareMask) === 0) return -1;
    for (let bit = used; bit < 8; bit++) {
      if ((last & (0x80 >> bit)) !== 0) return (bytes.length - 1) * 8 + bit;
    }
    return -1;
  }

  get(index: number): boolean {
    this.#check(index);
    return ((this.#bytes[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
  }

  /** Sets or clears one piece; returns whether it changed. */
  set(index: number, value = true): boolean {
    this.#check(index);
    const at = index >> 3;
    const mask = 0x80 >> (index & 7);
    const byte = this.#bytes[at] ?? 0;
    const had = (byte & mask) !== 0;
    if (had === value) return false;
    this.#bytes[at] = value ? byte | mask : byte & ~mask;
    this.#count += value ? 1 : -1;
    return true;
  }

  clear(index: number): boolean {
    return this.set(index, false);
  }

  setAll(): void {
    this.#bytes.fill(0xff);
    const used = this.pieceCount & 7;
    if (used !== 0) this.#bytes[this.#bytes.length - 1] = (0xff << (8 - used)) & 0xff;
    this.#count = this.pieceCount;
  }

  clearAll(): void {
    this.#bytes.fill(0);
    this.#count = 0;
  }

  /** Number of pieces set. */
  count(): number {
    return this.#count;
  }

  hasAll(): boolean {
    return this.#count === this.pieceCount;
  }

  hasNone(): boolean {
    return this.#count === 0;
  }

  /** The wire bytes (a copy: the bitfield may change after it is sent). */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** Indices of the set pieces, ascending. */
  *indices(): IterableIterator<number> {
    const bytes = this.#bytes;
    for (let at = 0; at < bytes.length; at++) {
      const byte = bytes[at] ?? 0;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((byte & (0x80 >> bit)) !== 0) yield at * 8 + bit;
      }
    }
  }

  clone(): Bitfield {
    return Bitfield.fromBytes(this.#bytes, this.pieceCount);
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) {
      throw invalidArgument('index', `piece ${index} is outside 0..${this.pieceCount - 1}`);
    }
  }
}

function popcount8(byte: number): number {
  let n = byte - ((byte >> 1) & 0x55);
  n = (n & 0x33) + ((n >> 2) & 0x33);
  return (n + (n >> 4)) & 0x0f;
}
