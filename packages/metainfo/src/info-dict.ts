// The info dict (BEP 3, with BEP 27 `private`, BEP 47 pad files and BEP 52 version detection):
// everything the info-hash covers.
import { createHash } from 'node:crypto';
import type { BencodeDict } from '@typetorrent/bencode';
import { MetainfoError } from './errors.js';
import type { MetainfoWarning } from './errors.js';
import { optionalInteger, requireBytes, requireInteger } from './fields.js';
import { readLayout, safeComponent } from './files.js';
import { PieceGeometry } from './geometry.js';
import { toHex } from './hex.js';
import { PIECE_HASH_LENGTH } from './metainfo.js';
import type { Metainfo } from './metainfo.js';
import { preferUtf8Twin } from './text.js';

export interface ParseLimits {
  /** Most entries in `info.files`. Default 100,000. */
  readonly maxFiles?: number;
  /** Largest `piece length` accepted, in bytes. Default 64 MiB. */
  readonly maxPieceLength?: number;
  /** Most `announce-list` tiers, and most tracker URLs across all tiers. Default 10,000. */
  readonly maxTrackers?: number;
  /** Most `url-list` entries (BEP 19 web seeds). Default 10,000. */
  readonly maxWebSeeds?: number;
}

export const DEFAULT_MAX_FILES = 100_000;
export const DEFAULT_MAX_PIECE_LENGTH = 64 * 1024 * 1024;
/** Real torrents carry a few dozen trackers (public lists a few hundred); 10,000 is far above any of them. */
export const DEFAULT_MAX_TRACKERS = 10_000;
export const DEFAULT_MAX_WEB_SEEDS = 10_000;

/** What the info dict alone decides: the fields of Metainfo that the info-hash covers. */
export type InfoFields = Pick<
  Metainfo,
  | 'infoHash' | 'infoHashHex' | 'infoHashV2' | 'infoBytes' | 'name' | 'pieceLength' | 'pieces' | 'pieceCount'
  | 'files' | 'isMultiFile' | 'totalLength' | 'geometry' | 'private' | 'version'
>;

/** Where a decoded info dict's byte strings point: `input` was decoded, the dict starts at `start`. */
export interface DecodedFrom {
  readonly input: Uint8Array;
  readonly start: number;
}

/**
 * Reads a decoded info dict; `infoBytes` are its exact bytes (a copy of `from`'s), which the
 * info-hashes are taken over.
 */
export function readInfo(
  info: BencodeDict, infoBytes: Uint8Array, limits: ParseLimits, warnings: MetainfoWarning[], from?: DecodedFrom,
): InfoFields {
  const version = readVersion(info);
  const rawName = requireBytes(info, 'name', 'info.name');
  const name = safeComponent(preferUtf8Twin(info, 'name', rawName, 'info.name', warnings), 'info.name', warnings);

  const maxPieceLength = limits.maxPieceLength ?? DEFAULT_MAX_PIECE_LENGTH;
  const pieceLength = requireInteger(info, 'piece length', 'info.piece length');
  // BEP 3 does not require a power of two, so any positive size is accepted, up to a cap that keeps
  // one piece's buffer bounded.
  if (typeof pieceLength === 'bigint' || pieceLength <= 0 || pieceLength > maxPieceLength) {
    throw new MetainfoError('BAD_PIECE_LENGTH', 'info.piece length', `must be between 1 and ${maxPieceLength} bytes, got ${pieceLength}`);
  }

  const pieces = requireBytes(info, 'pieces', 'info.pieces');
  if (pieces.length % PIECE_HASH_LENGTH !== 0) {
    throw new MetainfoError('BAD_PIECES_LENGTH', 'info.pieces', `length ${pieces.length} is not a multiple of ${PIECE_HASH_LENGTH}`);
  }

  // BEP 27: private=1 turns DHT and PEX off; any other integer means public.
  const privateFlag = optionalInteger(info, 'private', 'info.private');

  const layout = readLayout(info, name, limits.maxFiles ?? DEFAULT_MAX_FILES, warnings);
  const geometry = new PieceGeometry(pieceLength, layout.totalLength, layout.files);
  const pieceCount = pieces.length / PIECE_HASH_LENGTH;
  if (pieceCount !== geometry.pieceCount) {
    throw new MetainfoError(
      'PIECE_COUNT_MISMATCH', 'info.pieces',
      `${pieceCount} piece hashes, but ${layout.totalLength} bytes in pieces of ${pieceLength} need ${geometry.pieceCount}`,
    );
  }

  const infoHash = new Uint8Array(createHash('sha1').update(infoBytes).digest());
  return {
    infoHash,
    infoHashHex: toHex(infoHash),
    // BEP 52: the v2 info-hash is SHA-256 over the same info dict bytes.
    ...(version === 'hybrid' ? { infoHashV2: new Uint8Array(createHash('sha256').update(infoBytes).digest()) } : {}),
    infoBytes,
    name,
    pieceLength,
    pieces: sameBytesIn(infoBytes, pieces, from),
    pieceCount,
    files: layout.files,
    isMultiFile: layout.isMultiFile,
    totalLength: layout.totalLength,
    geometry,
    private: privateFlag === 1,
    version,
  };
}

/**
 * BEP 52: `meta version` 2 marks a v2 info dict. With a v1 `pieces` beside it the torrent is hybrid
 * and its v1 part is complete; without one it is pure v2, which this package does not read.
 */
function readVersion(info: BencodeDict): 'v1' | 'hybrid' {
  const meta = optionalInteger(info, 'meta version', 'info.meta version');
  if (meta === undefined || meta === 1) return 'v1';
  if (meta !== 2) throw new MetainfoError('BAD_META_VERSION', 'info.meta version', `unknown version ${meta}`);
  if (!info.has('pieces')) {
    throw new MetainfoError(
      'V2_NOT_SUPPORTED', 'info.meta version',
      'this is a BitTorrent v2-only torrent (BEP 52); only v1 and hybrid torrents are supported',
    );
  }
  return 'hybrid';
}

/**
 * The bytes of `value` (decoded from `from`) as a view of `infoBytes`, which hold them already: the
 * piece hashes are most of a torrent's info dict, and were kept twice (20 bytes a piece). A copy when
 * they cannot be located; never a view of the decoded input, which would keep it all alive.
 */
function sameBytesIn(infoBytes: Uint8Array, value: Uint8Array, from: DecodedFrom | undefined): Uint8Array {
  if (from === undefined || value.buffer !== from.input.buffer) return value.slice();
  const offset = value.byteOffset - from.input.byteOffset - from.start;
  if (offset < 0 || offset + value.length > infoBytes.length) return value.slice();
  return infoBytes.subarray(offset, offset + value.length);
}
