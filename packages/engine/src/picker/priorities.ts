import { MAX_PRIORITY } from './types.js';
import type { PieceIndex } from './types.js';

/**
 * The pieces a file's bytes fall in, inclusive at both ends: the shape of metainfo's
 * `PieceGeometry.piecesOfFile`. An empty file has no pieces: `undefined` (or `last < first`); its
 * priority then affects nothing.
 */
export interface FilePieceRange {
  readonly first: PieceIndex;
  readonly last: PieceIndex;
}

/**
 * Turns file priorities (0 = skip .. 7) into piece priorities. A piece shared by several files takes
 * the highest of their priorities: to complete a wanted file we must download (and verify) every
 * piece it touches, even if the neighbouring file is skipped. Pieces covered by no file keep 0.
 *
 * `ranges[i]` and `filePriorities[i]` describe the same file, e.g.
 * `files.map((_, i) => geometry.piecesOfFile(i))`. O(total pieces spanned by the files).
 */
export function piecePrioritiesFromFiles(
  pieceCount: number,
  ranges: readonly (FilePieceRange | undefined)[],
  filePriorities: readonly number[],
): Uint8Array {
  if (ranges.length !== filePriorities.length) {
    throw new RangeError(`${ranges.length} file ranges but ${filePriorities.length} file priorities`);
  }
  const out = new Uint8Array(pieceCount);
  ranges.forEach((range, file) => {
    const priority = filePriorities[file] ?? 0;
    if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
      throw new RangeError(`file ${file}: priority must be 0..${MAX_PRIORITY}, got ${priority}`);
    }
    if (range === undefined || range.last < range.first) return;
    if (range.first < 0 || range.last >= pieceCount) {
      throw new RangeError(`file ${file}: pieces ${range.first}..${range.last} outside 0..${pieceCount - 1}`);
    }
    for (let piece = range.first; piece <= range.last; piece++) {
      if ((out[piece] ?? 0) < priority) out[piece] = priority;
    }
  });
  return out;
}
