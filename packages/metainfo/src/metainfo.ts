// The parsed form of a .torrent (or of an info dict fetched with BEP 9): what every other layer reads.
import type { MetainfoWarning } from './errors.js';
import type { TorrentFile } from './files.js';
import type { PieceGeometry } from './geometry.js';

/** SHA-1 digests are 20 bytes; `pieces` is a concatenation of them (BEP 3). */
export const PIECE_HASH_LENGTH = 20;

export interface Metainfo {
  /** 20 bytes: SHA-1 of the info dict's bytes exactly as they appear in the file. */
  readonly infoHash: Uint8Array;
  /** Lowercase hex of infoHash. */
  readonly infoHashHex: string;
  /** Hybrid torrents only: the 32-byte SHA-256 v2 info-hash of the same bytes (BEP 52). */
  readonly infoHashV2?: Uint8Array;
  /** The raw info dict bytes, for BEP 9 metadata exchange. */
  readonly infoBytes: Uint8Array;
  /** Suggested name of the file (single-file) or folder (multi-file), after the path-safety policy. */
  readonly name: string;
  readonly pieceLength: number;
  /** Concatenated 20-byte SHA-1 piece hashes. */
  readonly pieces: Uint8Array;
  readonly pieceCount: number;
  /** A copy of one piece's 20-byte SHA-1; RangeError on a bad index. */
  pieceHash(piece: number): Uint8Array;
  /**
   * Single-file torrent: one file whose path is [name]. Multi-file: paths relative to the torrent
   * folder, not including name (the data lives under <download dir>/<name>/...).
   */
  readonly files: readonly TorrentFile[];
  readonly isMultiFile: boolean;
  readonly totalLength: number;
  readonly geometry: PieceGeometry;
  /** BEP 27: peers come from the tracker only (no DHT, no PEX). */
  readonly private: boolean;
  /** BEP 12 tracker tiers; a lone `announce` is one tier; URLs deduplicated. */
  readonly announce: readonly (readonly string[])[];
  /** BEP 19 web seeds. */
  readonly urlList: readonly string[];
  readonly creationDate?: Date;
  readonly comment?: string;
  readonly createdBy?: string;
  /** 'hybrid': a BEP 52 torrent that also carries a complete v1 part, which is what was parsed. */
  readonly version: 'v1' | 'hybrid';
  /** Oddities that parsing worked around (names that were not UTF-8, renamed paths, ...). */
  readonly warnings: readonly MetainfoWarning[];
}

/** Everything a Metainfo holds except the derived pieceHash method. */
export type MetainfoFields = Omit<Metainfo, 'pieceHash'>;

/** Builds the immutable Metainfo object. */
export function makeMetainfo(fields: MetainfoFields): Metainfo {
  const { pieces, pieceCount } = fields;
  // Frozen through the arrays, so no layer can change a path or a tracker list another layer relies on.
  return Object.freeze({
    ...fields,
    files: Object.freeze(fields.files.map((file) => Object.freeze({ ...file, path: Object.freeze([...file.path]) }))),
    announce: Object.freeze(fields.announce.map((tier) => Object.freeze([...tier]))),
    urlList: Object.freeze([...fields.urlList]),
    warnings: Object.freeze(fields.warnings.map((warning) => Object.freeze({ ...warning }))),
    pieceHash(piece: number): Uint8Array {
      if (!Number.isInteger(piece) || piece < 0 || piece >= pieceCount) {
        throw new RangeError(`piece ${piece} out of range 0..${pieceCount - 1}`);
      }
      return pieces.slice(piece * PIECE_HASH_LENGTH, (piece + 1) * PIECE_HASH_LENGTH);
    },
  });
}
