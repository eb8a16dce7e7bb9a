// A set of piece indexes, stored as a BitTorrent bitfield (BEP 3: the high bit of the first byte is
// piece 0; spare bits at the end are zero). Used for verified, needed and to-check pieces.

export class PieceSet {
  readonly #bits: Uint8Array;
  #count = 0;

  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad piece count ${size}`);
    this.#bits = new Uint8Array(Math.ceil(size / 8));
  }

  /** Reads a wire bitfield; undefined when its length is wrong or a spare bit is set. */
  static fromBitfield(bytes: Uint8Array, size: number): PieceSet | undefined {
    const set = new PieceSet(size);
    if (bytes.length !== set.#bits.length) return undefined;
    const spare = set.#bits.length * 8 - size;
    if (spare > 0 && (bytes[bytes.length - 1]! & ((1 << spare) - 1)) !== 0) return undefined;
    set.#bits.set(bytes);
    for (const byte of bytes) set.#count += popcount(byte);
    return set;
  }

  static all(size: number): PieceSet {
    const set = new PieceSet(size);
    for (let piece = 0; piece < size; piece++) set.add(piece);
    return set;
  }

  get count(): number {
    return this.#count;
  }

  has(piece: number): boolean {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.size) return false;
    return (this.#bits[piece >> 3]! & (0x80 >> (piece & 7))) !== 0;
  }

  add(piece: number): void {
    this.#check(piece);
    if (this.has(piece)) return;
    this.#bits[piece >> 3]! |= 0x80 >> (piece & 7);
    this.#count++;
  }

  delete(piece: number): void {
    this.#check(piece);
    if (!this.has(piece)) return;
    this.#bits[piece >> 3]! &= ~(0x80 >> (piece & 7));
    this.#count--;
  }

  /** A copy of the wire bitfield. */
  toBitfield(): Uint8Array {
    return this.#bits.slice();
  }

  clone(): PieceSet {
    const copy = new PieceSet(this.size);
    copy.#bits.set(this.#bits);
    copy.#count = this.#count;
    return copy;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let piece = 0; piece < this.size; piece++) if (this.has(piece)) yield piece;
  }

  #check(piece: number): void {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.size) {
      throw new RangeError(`piece ${piece} out of range 0..${this.size - 1}`);
    }
  }
}

function popcount(byte: number): number {
  let bits = 0;
  for (let b = byte; b !== 0; b &= b - 1) bits++;
  return bits;
}
