// All piece and block arithmetic for one torrent, in one place (BEP 3: the files are concatenated in
// list order and the result is cut into pieces of `piece length` bytes, the last one possibly short).
// Units are bytes unless a name says blocks. Everything fits in a double: total lengths are capped at
// Number.MAX_SAFE_INTEGER by the parser.

/** The request size every client uses (BEP 3 recommends 2^14; larger requests are often refused). */
export const BLOCK_SIZE = 16384;

/** One contiguous byte range of one file, as covered by (part of) a piece. */
export interface FileSlice {
  /** Index into the torrent's file list. */
  readonly fileIndex: number;
  /** Where the range starts inside that file. */
  readonly fileOffset: number;
  /** Where the range starts inside the piece. */
  readonly pieceOffset: number;
  /** Bytes in the range (never 0). */
  readonly length: number;
}

export class PieceGeometry {
  readonly pieceCount: number;
  readonly lastPieceLength: number;
  /** fileOffsets[i]: byte offset of file i in the concatenated data; one extra entry = totalLength. */
  readonly #fileOffsets: number[];
  readonly #fileLengths: number[];

  constructor(
    readonly pieceLength: number,
    readonly totalLength: number,
    files: readonly { readonly length: number }[],
  ) {
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) {
      throw new RangeError(`piece length must be a positive integer, got ${pieceLength}`);
    }
    if (!Number.isSafeInteger(totalLength) || totalLength < 0) {
      throw new RangeError(`total length must be a non-negative safe integer, got ${totalLength}`);
    }
    this.#fileOffsets = [];
    this.#fileLengths = [];
    let offset = 0;
    for (const [index, file] of files.entries()) {
      if (!Number.isSafeInteger(file.length) || file.length < 0) {
        throw new RangeError(`file ${index} length must be a non-negative safe integer, got ${file.length}`);
      }
      this.#fileOffsets.push(offset);
      this.#fileLengths.push(file.length);
      offset += file.length;
    }
    if (offset !== totalLength) {
      throw new RangeError(`file lengths add up to ${offset}, not the total length ${totalLength}`);
    }
    this.#fileOffsets.push(totalLength);
    this.pieceCount = Math.ceil(totalLength / pieceLength);
    this.lastPieceLength = this.pieceCount === 0 ? 0 : totalLength - (this.pieceCount - 1) * pieceLength;
  }

  /** Bytes in a piece: pieceLength except for the last piece. */
  pieceSize(piece: number): number {
    this.#checkPiece(piece);
    return piece === this.pieceCount - 1 ? this.lastPieceLength : this.pieceLength;
  }

  /** Byte offset of a piece in the concatenated data. */
  pieceOffset(piece: number): number {
    this.#checkPiece(piece);
    return piece * this.pieceLength;
  }

  /** Number of BLOCK_SIZE blocks in a piece; the last block of a piece may be short. */
  blockCount(piece: number): number {
    return Math.ceil(this.pieceSize(piece) / BLOCK_SIZE);
  }

  /** Bytes in one block of a piece. */
  blockSize(piece: number, block: number): number {
    const count = this.blockCount(piece);
    if (!Number.isInteger(block) || block < 0 || block >= count) {
      throw new RangeError(`block ${block} out of range 0..${count - 1} for piece ${piece}`);
    }
    return block === count - 1 ? this.pieceSize(piece) - block * BLOCK_SIZE : BLOCK_SIZE;
  }

  /**
   * The file ranges that bytes [begin, begin + length) of a piece cover, in order. Zero-length files
   * cover no bytes and never appear. A piece may span many small files.
   */
  fileSlices(piece: number, begin = 0, length?: number): FileSlice[] {
    const size = this.pieceSize(piece);
    const wanted = length ?? size - begin;
    if (!Number.isSafeInteger(begin) || begin < 0 || begin > size) {
      throw new RangeError(`begin ${begin} out of range 0..${size} for piece ${piece}`);
    }
    if (!Number.isSafeInteger(wanted) || wanted < 0 || begin + wanted > size) {
      throw new RangeError(`length ${wanted} from ${begin} runs past the end of piece ${piece} (${size} bytes)`);
    }
    const slices: FileSlice[] = [];
    const start = piece * this.pieceLength + begin;
    const end = start + wanted;
    let position = start;
    for (let file = this.#fileAt(start); position < end && file < this.#fileLengths.length; file++) {
      const fileStart = this.#fileOffsets[file]!;
      const fileEnd = fileStart + this.#fileLengths[file]!;
      if (fileEnd <= position) continue; // zero-length files, or files before the range
      const sliceEnd = Math.min(fileEnd, end);
      slices.push({
        fileIndex: file,
        fileOffset: position - fileStart,
        pieceOffset: position - piece * this.pieceLength,
        length: sliceEnd - position,
      });
      position = sliceEnd;
    }
    return slices;
  }

  /** First and last piece holding bytes of a file; undefined for a zero-length file. */
  piecesOfFile(fileIndex: number): { first: number; last: number } | undefined {
    if (!Number.isInteger(fileIndex) || fileIndex < 0 || fileIndex >= this.#fileLengths.length) {
      throw new RangeError(`file ${fileIndex} out of range 0..${this.#fileLengths.length - 1}`);
    }
    const length = this.#fileLengths[fileIndex]!;
    if (length === 0) return undefined;
    const start = this.#fileOffsets[fileIndex]!;
    return { first: Math.floor(start / this.pieceLength), last: Math.floor((start + length - 1) / this.pieceLength) };
  }

  /** Byte offset of a file in the concatenated data. */
  fileOffset(fileIndex: number): number {
    if (!Number.isInteger(fileIndex) || fileIndex < 0 || fileIndex >= this.#fileLengths.length) {
      throw new RangeError(`file ${fileIndex} out of range 0..${this.#fileLengths.length - 1}`);
    }
    return this.#fileOffsets[fileIndex]!;
  }

  /** Index of the last file starting at or before `offset` (binary search over the offsets). */
  #fileAt(offset: number): number {
    let low = 0;
    let high = this.#fileLengths.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.#fileOffsets[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  #checkPiece(piece: number): void {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount) {
      throw new RangeError(`piece ${piece} out of range 0..${this.pieceCount - 1}`);
    }
  }
}
