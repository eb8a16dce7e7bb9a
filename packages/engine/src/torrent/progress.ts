// Byte counts behind the progress event: verified, wanted and left, kept up to date piece by piece
// (a full recount is O(pieces) and runs only when the data is opened or priorities change).
import type { PieceGeometry } from '@typetorrent/metainfo';
import type { PiecePicker } from '../picker/piece-picker.js';

export class ByteCounts {
  verifiedBytes = 0;
  verifiedPieces = 0;
  wantedBytes = 0;
  leftBytes = 0;

  recount(picker: PiecePicker, geometry: PieceGeometry): void {
    this.verifiedBytes = this.verifiedPieces = this.wantedBytes = this.leftBytes = 0;
    for (let piece = 0; piece < geometry.pieceCount; piece++) {
      const size = geometry.pieceSize(piece);
      const have = picker.has(piece);
      const wanted = picker.piecePriority(piece) > 0;
      if (have) {
        this.verifiedBytes += size;
        this.verifiedPieces++;
      }
      if (wanted || have) this.wantedBytes += size;
      if (wanted && !have) this.leftBytes += size;
    }
  }

  verified(piece: number, picker: PiecePicker, geometry: PieceGeometry): void {
    const size = geometry.pieceSize(piece);
    this.verifiedBytes += size;
    this.verifiedPieces++;
    if (picker.piecePriority(piece) > 0) this.leftBytes = Math.max(0, this.leftBytes - size);
    else this.wantedBytes += size;
  }
}

/** Seconds to download `left` bytes at `rate` bytes/s; undefined when it cannot be told. */
export function eta(left: number, rate: number): number | undefined {
  if (left === 0) return 0;
  if (!(rate > 0)) return undefined;
  return Math.ceil(left / rate);
}
