// The fast-resume record: which pieces were verified and flushed, and the size and modification time
// of every file at that moment. Bencoded (see README: resume format). Decoding never throws: a record
// that is damaged, from another version or another torrent is a value saying why, and the caller falls
// back to checking the data.
import { decode, encode, isBytes, isDict, isList, type BencodeDict, type BencodeInput, type BencodeValue } from '@typetorrent/bencode';
import { PieceSet } from './piece-set.js';
import type { FileStamp } from './storage.js';

/** Bumped whenever the meaning of a field changes; older or newer records are ignored. */
export const RESUME_VERSION = 1;

export interface ResumeData {
  readonly infoHash: Uint8Array;
  /** Pieces verified and flushed (fsynced) before this record was written. */
  readonly verified: PieceSet;
  /** One per torrent file; undefined: the file did not exist. */
  readonly files: readonly (FileStamp | undefined)[];
  /** The side file holding bytes of unwanted files; undefined: absent. */
  readonly parts: FileStamp | undefined;
}

export type DecodedResume = { readonly ok: true; readonly data: ResumeData } | { readonly ok: false; readonly reason: string };

export interface ResumeExpectation {
  readonly infoHash: Uint8Array;
  readonly pieceCount: number;
  readonly fileCount: number;
}

function stampValue(stamp: FileStamp | undefined): Map<string, number> {
  // An absent file is an empty dict, so list positions still match file indexes.
  return stamp === undefined ? new Map() : new Map([['mtime-us', stamp.mtimeUs], ['size', stamp.size]]);
}

export function encodeResume(data: ResumeData): Uint8Array {
  return encode(
    new Map<string, BencodeInput>([
      ['files', data.files.map(stampValue)],
      ['info-hash', data.infoHash],
      ['parts', stampValue(data.parts)],
      ['piece-count', data.verified.size],
      ['pieces', data.verified.toBitfield()],
      ['version', RESUME_VERSION],
    ]),
  );
}

export function decodeResume(bytes: Uint8Array, expected: ResumeExpectation): DecodedResume {
  let root: BencodeValue;
  try {
    root = decode(bytes);
  } catch (error) {
    return { ok: false, reason: `not bencode: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isDict(root)) return { ok: false, reason: 'not a dictionary' };
  if (root.get('version') !== RESUME_VERSION) return { ok: false, reason: `version is not ${RESUME_VERSION}` };
  const infoHash = root.get('info-hash');
  if (!isBytes(infoHash) || !sameBytes(infoHash, expected.infoHash)) return { ok: false, reason: 'another torrent' };
  if (root.get('piece-count') !== expected.pieceCount) return { ok: false, reason: 'piece count differs' };
  const pieces = root.get('pieces');
  const verified = isBytes(pieces) ? PieceSet.fromBitfield(pieces, expected.pieceCount) : undefined;
  if (verified === undefined) return { ok: false, reason: 'bad piece bitfield' };
  const files = root.get('files');
  if (!isList(files) || files.length !== expected.fileCount) return { ok: false, reason: 'file list differs' };
  const stamps = files.map(readStamp);
  const parts = readStamp(root.get('parts'));
  if (stamps.includes(null) || parts === null) return { ok: false, reason: 'bad file stamp' };
  return {
    ok: true,
    data: {
      infoHash: infoHash.slice(),
      verified,
      files: stamps.map((stamp) => stamp ?? undefined),
      parts: parts ?? undefined,
    },
  };
}

/** A stamp, undefined for an empty dict (absent file), null when malformed. */
function readStamp(value: BencodeValue | undefined): FileStamp | undefined | null {
  if (!isDict(value)) return null;
  if (value.size === 0) return undefined;
  const size = naturalNumber(value, 'size');
  const mtimeUs = naturalNumber(value, 'mtime-us');
  return size === undefined || mtimeUs === undefined ? null : { size, mtimeUs };
}

function naturalNumber(dict: BencodeDict, key: string): number | undefined {
  const value = dict.get(key);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
