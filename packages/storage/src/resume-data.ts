// The fast-resume record: which pieces were verified and written, which of those were also fsynced,
// the boot of the OS it was written in, and the size and modification time of every file at that
// moment. Bencoded (see README: resume format). Decoding never throws: a record
// that is damaged, from another version or another torrent is a value saying why, and the caller falls
// back to checking the data.
import { decode, encode, isBytes, isDict, isList, type BencodeDict, type BencodeInput, type BencodeValue } from '@typetorrent/bencode';
import { PieceSet } from './piece-set.js';
import type { FileStamp } from './storage.js';

/**
 * Bumped whenever the meaning of a field changes; newer records are ignored. Version 1 records (every
 * piece fsynced) are still read, as records whose pieces are all durable.
 */
export const RESUME_VERSION = 2;

/** Longest boot identity kept; the kernel's is a 36-character UUID. */
const MAX_BOOT_ID_LENGTH = 64;

export interface ResumeData {
  readonly infoHash: Uint8Array;
  /** Pieces verified and written (to the page cache at least) before this record was written. */
  readonly verified: PieceSet;
  /** The verified pieces that an fsync made durable before this record was written. */
  readonly durable: PieceSet;
  /**
   * The OS boot this record was written in: pieces verified but not durable are trusted only in that
   * boot. Undefined: unknown, so only durable pieces are ever trusted.
   */
  readonly bootId: string | undefined;
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
  const durable = data.durable.clone();
  // The record never claims more durable pieces than verified ones.
  for (const piece of data.durable) if (!data.verified.has(piece)) durable.delete(piece);
  return encode(
    new Map<string, BencodeInput>([
      ...(data.bootId === undefined ? [] : [['boot-id', data.bootId] as const]),
      ['durable', durable.toBitfield()],
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
  const version = root.get('version');
  if (version !== RESUME_VERSION && version !== 1) return { ok: false, reason: `version is not 1 or ${RESUME_VERSION}` };
  const infoHash = root.get('info-hash');
  if (!isBytes(infoHash) || !sameBytes(infoHash, expected.infoHash)) return { ok: false, reason: 'another torrent' };
  if (root.get('piece-count') !== expected.pieceCount) return { ok: false, reason: 'piece count differs' };
  const pieces = root.get('pieces');
  const verified = isBytes(pieces) ? PieceSet.fromBitfield(pieces, expected.pieceCount) : undefined;
  if (verified === undefined) return { ok: false, reason: 'bad piece bitfield' };
  const durability = version === 1 ? { durable: verified, bootId: undefined } : readDurability(root, verified);
  if (typeof durability === 'string') return { ok: false, reason: durability };
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
      durable: durability.durable,
      bootId: durability.bootId,
      files: stamps.map((stamp) => stamp ?? undefined),
      parts: parts ?? undefined,
    },
  };
}

/** The durable pieces (a subset of the verified ones) and the boot identity, or why they are unusable. */
function readDurability(root: BencodeDict, verified: PieceSet): { durable: PieceSet; bootId: string | undefined } | string {
  const bits = root.get('durable');
  const durable = isBytes(bits) ? PieceSet.fromBitfield(bits, verified.size) : undefined;
  if (durable === undefined) return 'bad durable bitfield';
  for (const piece of durable) if (!verified.has(piece)) return `durable piece ${piece} is not verified`;
  const id = root.get('boot-id');
  if (id === undefined) return { durable, bootId: undefined };
  // Printable ASCII only (the kernel's is a UUID): encodeResume writes the text as UTF-8, so a byte
  // above 0x7f read here as latin1 would come back as two bytes, another boot id (found by fuzzing).
  if (!isBytes(id) || id.length === 0 || id.length > MAX_BOOT_ID_LENGTH || id.some((b) => b < 0x21 || b > 0x7e)) return 'bad boot id';
  return { durable, bootId: latin1(id) };
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
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
