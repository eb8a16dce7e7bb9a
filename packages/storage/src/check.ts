// Checking data already on disk: read each piece, hash it, compare. Used at start (for the pieces that
// resume data cannot vouch for) and on demand (a full recheck). Reads borrow a buffer from the piece
// pool, so a recheck stays under the same memory cap as downloading; a check needing less than a
// whole piece reads into a buffer of that size (see largestPiece).
import type { BufferPool } from './buffer-pool.js';
import { StorageError, throwIfAborted } from './errors.js';
import { sameDigest, type Hasher } from './hasher.js';
import { PieceSet } from './piece-set.js';
import type { IoOptions, Storage } from './storage.js';
import type { StorageTorrent } from './torrent.js';

export interface CheckProgress {
  /** Pieces looked at so far, out of `total`. */
  readonly checked: number;
  readonly total: number;
  /** Of those, the pieces whose data matched their hash. */
  readonly verified: number;
}

export interface CheckOptions extends IoOptions {
  readonly onProgress?: (progress: CheckProgress) => void;
}

/**
 * Returns the pieces among `pieces` whose stored data matches the torrent's hashes. A piece whose
 * data is missing (NOT_FOUND) is simply not verified; any other error (permissions, a folder where a
 * file should be) is thrown, since the user has to act on it.
 */
export async function checkPieces(
  torrent: StorageTorrent,
  storage: Storage,
  pieces: PieceSet,
  hasher: Hasher,
  pool: BufferPool,
  options: CheckOptions = {},
): Promise<PieceSet> {
  const verified = new PieceSet(torrent.geometry.pieceCount);
  const total = pieces.count;
  // Nothing to read (resume data vouched for all, or no data yet): no piece buffer either.
  if (total === 0) return verified;
  let checked = 0;
  // A buffer of the largest piece to check: a torrent smaller than one piece needs no whole piece
  // buffer. A start checking 1,000 torrents of 400 bytes (16 KiB pieces) allocated 1,000 buffers of
  // 16 KiB from the pools, and their freed blocks stayed in malloc's heap (+5 MiB RSS).
  const largest = largestPiece(torrent, pieces);
  const own = largest < pool.bufferSize;
  if (!own) await pool.whenAvailable(options.signal);
  const buffer = own ? new Uint8Array(largest) : pool.acquire(largest);
  if (buffer === undefined) throw new StorageError('IO', 'no piece buffer for checking');
  try {
    for (const piece of pieces) {
      throwIfAborted(options.signal);
      const data = buffer.subarray(0, torrent.geometry.pieceSize(piece));
      if (await readPiece(storage, piece, data, options.signal)) {
        const digest = await hasher.sha1(data, { signal: options.signal });
        if (sameDigest(digest, torrent.pieceHash(piece))) verified.add(piece);
      }
      checked++;
      options.onProgress?.({ checked, total, verified: verified.count });
    }
  } finally {
    if (!own) pool.release(buffer);
  }
  return verified;
}

function largestPiece(torrent: StorageTorrent, pieces: PieceSet): number {
  const last = torrent.geometry.pieceCount - 1;
  // Only the last piece can be shorter than the others.
  return pieces.count === 1 && pieces.has(last) ? torrent.geometry.pieceSize(last) : torrent.geometry.pieceLength;
}

async function readPiece(storage: Storage, piece: number, into: Uint8Array, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await storage.read(piece, 0, into, { signal });
    return true;
  } catch (error) {
    if (error instanceof StorageError && error.code === 'NOT_FOUND') return false;
    throw error;
  }
}
