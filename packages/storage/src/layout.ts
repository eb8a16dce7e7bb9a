// Where each byte of a piece goes. Pure arithmetic over the torrent's PieceGeometry, no I/O.
//
// Bytes of a file that is on disk (wanted, or already present) go to that file. BEP 47 padding files
// are zeros by definition and are never stored. Bytes of a file that is not on disk can only come
// from a piece that also holds bytes of another file (a "straddling" piece); those go to a side file
// where each straddling piece has a fixed slot of `pieceLength` bytes, at slot * pieceLength.
// Slots depend only on the file list, never on the selection, so they are the same in every session
// and need no table that could get out of step with the data after a crash.
import { StorageError } from './errors.js';
import type { StorageTorrent } from './torrent.js';

export type Segment =
  /** Bytes of a file on disk, at fileOffset. */
  | { readonly kind: 'file'; readonly fileIndex: number; readonly fileOffset: number; readonly pieceOffset: number; readonly length: number }
  /** Bytes of a padding file: zeros, never stored. */
  | { readonly kind: 'zero'; readonly fileIndex: number; readonly pieceOffset: number; readonly length: number }
  /** Bytes of a file not on disk, kept in the side file at partsOffset. */
  | { readonly kind: 'parts'; readonly fileIndex: number; readonly partsOffset: number; readonly pieceOffset: number; readonly length: number }
  /** Bytes of a file not on disk in a piece with no slot: there is nowhere to keep them. */
  | { readonly kind: 'nowhere'; readonly fileIndex: number; readonly pieceOffset: number; readonly length: number };

export class Layout {
  /** Slot in the side file for each straddling piece. */
  readonly #slots = new Map<number, number>();

  constructor(readonly torrent: StorageTorrent) {
    const geometry = torrent.geometry;
    let previousLast = -1;
    for (const [index, file] of torrent.files.entries()) {
      if (file.padding) continue;
      const range = geometry.piecesOfFile(index);
      if (range === undefined) continue;
      // Files are contiguous and in order: a piece holds bytes of two real files exactly when one
      // file ends in it and a later one starts in it.
      if (range.first === previousLast && !this.#slots.has(range.first)) {
        this.#slots.set(range.first, this.#slots.size);
      }
      previousLast = range.last;
    }
  }

  /** Pieces holding bytes of more than one real file, in order: the side file's slots. */
  get straddlingPieces(): readonly number[] {
    return [...this.#slots.keys()];
  }

  slotOf(piece: number): number | undefined {
    return this.#slots.get(piece);
  }

  /** Checks a byte range of a piece and throws OUT_OF_BOUNDS when it is not inside the piece. */
  checkRange(piece: number, begin: number, length: number): void {
    const geometry = this.torrent.geometry;
    if (!Number.isInteger(piece) || piece < 0 || piece >= geometry.pieceCount) {
      throw new StorageError('OUT_OF_BOUNDS', `no piece ${piece} (the torrent has ${geometry.pieceCount})`, { piece });
    }
    const size = geometry.pieceSize(piece);
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(length) || begin < 0 || length < 0 || begin + length > size) {
      throw new StorageError('OUT_OF_BOUNDS', `bytes ${begin}+${length} are outside the piece (${size} bytes)`, { piece });
    }
  }

  /**
   * The segments covering [begin, begin + length) of a piece, in order. `onDisk(fileIndex)` says
   * whether a file's bytes live in the file itself.
   */
  segments(piece: number, begin: number, length: number, onDisk: (fileIndex: number) => boolean): Segment[] {
    this.checkRange(piece, begin, length);
    if (length === 0) return [];
    const slot = this.#slots.get(piece);
    const pieceLength = this.torrent.geometry.pieceLength;
    return this.torrent.geometry.fileSlices(piece, begin, length).map((slice): Segment => {
      const { fileIndex, pieceOffset } = slice;
      if (this.torrent.files[fileIndex]?.padding === true) {
        return { kind: 'zero', fileIndex, pieceOffset, length: slice.length };
      }
      if (onDisk(fileIndex)) return { kind: 'file', ...slice };
      if (slot === undefined) return { kind: 'nowhere', fileIndex, pieceOffset, length: slice.length };
      return { kind: 'parts', fileIndex, partsOffset: slot * pieceLength + pieceOffset, pieceOffset, length: slice.length };
    });
  }
}
