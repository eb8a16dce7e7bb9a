// Deciding, at start, which pieces resume data vouches for and which must be read and hashed. Pure.
// A record is trusted file by file: a file whose size or modification time differs from the record
// (or that appeared or vanished) loses its pieces' trust, and only those pieces are checked again.
// Pieces the record lists as written but not fsynced are trusted only in the boot that wrote it: after
// a crash of the OS their bytes may be gone, so another boot checks them.
import { PieceSet } from './piece-set.js';
import type { ResumeData } from './resume-data.js';
import type { FileStamp, StorageStamps } from './storage.js';
import type { StorageTorrent } from './torrent.js';

export interface CheckPlan {
  /** Verified without reading: the record says so and nothing it depends on changed. */
  readonly trusted: PieceSet;
  /** To read and hash. */
  readonly toCheck: PieceSet;
}

function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && a.mtimeUs === b.mtimeUs;
}

function addPiecesOfFile(torrent: StorageTorrent, fileIndex: number, into: PieceSet): void {
  const range = torrent.geometry.piecesOfFile(fileIndex);
  if (range === undefined) return;
  for (let piece = range.first; piece <= range.last; piece++) into.add(piece);
}

/**
 * `record` undefined: no usable resume data, so every piece with data present is checked. `stamps`
 * undefined: the storage cannot tell whether files changed, so everything is checked. `bootId`: this
 * boot of the OS (undefined: unknown, so only durable pieces are trusted).
 */
export function planCheck(
  torrent: StorageTorrent,
  stamps: StorageStamps | undefined,
  record: ResumeData | undefined,
  bootId?: string,
): CheckPlan {
  const pieceCount = torrent.geometry.pieceCount;
  if (stamps === undefined) return { trusted: new PieceSet(pieceCount), toCheck: PieceSet.all(pieceCount) };
  const toCheck = new PieceSet(pieceCount);
  if (record === undefined) {
    for (const [index, stamp] of stamps.files.entries()) if (stamp !== undefined) addPiecesOfFile(torrent, index, toCheck);
    if (stamps.parts !== undefined) for (const piece of stamps.partsPieces) toCheck.add(piece);
    return { trusted: new PieceSet(pieceCount), toCheck };
  }
  for (const [index, stamp] of stamps.files.entries()) {
    if (!sameStamp(stamp, record.files[index])) addPiecesOfFile(torrent, index, toCheck);
  }
  if (!sameStamp(stamps.parts, record.parts)) for (const piece of stamps.partsPieces) toCheck.add(piece);
  const sameBoot = record.bootId !== undefined && record.bootId === bootId;
  const vouched = sameBoot ? record.verified : record.durable;
  const trusted = new PieceSet(pieceCount);
  for (const piece of record.verified) {
    if (toCheck.has(piece)) continue;
    if (vouched.has(piece)) trusted.add(piece);
    else toCheck.add(piece);
  }
  return { trusted, toCheck };
}
