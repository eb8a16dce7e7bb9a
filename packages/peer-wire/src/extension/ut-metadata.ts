// BEP 9 ut_metadata: the info dictionary in 16 KiB pieces. A message is a bencoded dict; a `data`
// message has the piece's bytes appended after the dict, so the dict's end offset (found by the
// bencode decoder, never by searching the bytes) is where the data starts.
import { BencodeError, decodeWithSpans, encode, isDict, type BencodeDict } from '@typetorrent/bencode';
import { WireError, invalidArgument } from '../errors.js';
import { DEFAULT_MAX_METADATA_SIZE, METADATA_PIECE_LENGTH } from '../limits.js';

export const UT_METADATA = 'ut_metadata';

export type UtMetadataMessage =
  | { msgType: 'request'; piece: number }
  | { msgType: 'data'; piece: number; totalSize: number; data: Uint8Array }
  | { msgType: 'reject'; piece: number }
  /** BEP 9: "an unrecognized message ID MUST be ignored"; returned so the caller can log it. */
  | { msgType: 'unknown'; code: number };

const CODES = { request: 0, data: 1, reject: 2 } as const;

export interface UtMetadataOptions {
  /** The size announced in the peer's extended handshake (`metadata_size`), if any: `total_size` must match. */
  metadataSize?: number;
  /** Largest `total_size` accepted. Default 64 MiB. */
  maxMetadataSize?: number;
}

/** Number of 16 KiB metadata pieces for `size` bytes of metadata. */
export function metadataPieceCount(size: number): number {
  return Math.ceil(size / METADATA_PIECE_LENGTH);
}

/** Length of metadata piece `piece`: 16 KiB except the last (BEP 9). */
export function metadataPieceLength(size: number, piece: number): number {
  return Math.min(METADATA_PIECE_LENGTH, size - piece * METADATA_PIECE_LENGTH);
}

function bad(message: string, field: string, fatal: boolean, offset?: number): WireError {
  return new WireError('bad-ut-metadata', `ut_metadata: ${message}`, { field, fatal, ...(offset === undefined ? {} : { offset }) });
}

function intField(dict: BencodeDict, key: string): number {
  const value = dict.get(key);
  if (typeof value !== 'number' || value < 0) throw bad(`${key} must be a non-negative integer`, key, true);
  return value;
}

/**
 * Decodes a ut_metadata payload. Malformed messages and data that cannot be a piece of the
 * announced metadata are fatal; a request for a piece beyond `metadataSize` is not (answer it with
 * a reject). `data` is a view into `payload`.
 */
export function decodeUtMetadata(payload: Uint8Array, options: UtMetadataOptions = {}): UtMetadataMessage {
  const maxSize = options.maxMetadataSize ?? DEFAULT_MAX_METADATA_SIZE;
  let headerEnd: number;
  let header: BencodeDict;
  try {
    const decoded = decodeWithSpans(payload, { allowTrailing: true, lenientKeyOrder: true, maxDepth: 4 });
    if (!isDict(decoded.value)) throw bad('message must be a dictionary', '(root)', true, 0);
    header = decoded.value;
    headerEnd = decoded.spanOf(header)?.end ?? payload.length;
  } catch (error) {
    if (error instanceof BencodeError) {
      throw new WireError('bad-ut-metadata', `ut_metadata: header is not bencode: ${error.message}`, { offset: error.offset, fatal: true, cause: error });
    }
    throw error;
  }
  const code = intField(header, 'msg_type');
  if (code !== CODES.request && code !== CODES.data && code !== CODES.reject) return { msgType: 'unknown', code };
  const piece = intField(header, 'piece');
  const trailing = payload.length - headerEnd;

  if (code !== CODES.data) {
    if (trailing !== 0) throw bad(`${trailing} bytes after a ${code === CODES.request ? 'request' : 'reject'}`, '(trailing)', true, headerEnd);
    if (options.metadataSize !== undefined && piece >= metadataPieceCount(options.metadataSize)) {
      throw bad(`piece ${piece} is past the end of ${options.metadataSize} bytes of metadata`, 'piece', false);
    }
    return code === CODES.request ? { msgType: 'request', piece } : { msgType: 'reject', piece };
  }

  const totalSize = intField(header, 'total_size');
  if (totalSize === 0 || totalSize > maxSize) throw bad(`total_size ${totalSize} is outside 1..${maxSize}`, 'total_size', true);
  if (options.metadataSize !== undefined && totalSize !== options.metadataSize) {
    throw bad(`total_size ${totalSize} differs from the announced metadata_size ${options.metadataSize}`, 'total_size', true);
  }
  if (piece >= metadataPieceCount(totalSize)) throw bad(`piece ${piece} is past the end of ${totalSize} bytes`, 'piece', true);
  const want = metadataPieceLength(totalSize, piece);
  // BEP 9: every piece but the last is exactly 16 KiB; the last is the remainder.
  if (trailing !== want) throw bad(`piece ${piece} carries ${trailing} bytes, want ${want}`, 'data', true, headerEnd);
  return { msgType: 'data', piece, totalSize, data: payload.subarray(headerEnd) };
}

/** Encodes a ut_metadata payload (put it in an extended message with the peer's ut_metadata id). */
export function encodeUtMetadata(message: Exclude<UtMetadataMessage, { msgType: 'unknown' }>): Uint8Array {
  if (!Number.isSafeInteger(message.piece) || message.piece < 0) throw invalidArgument('piece', `must be a non-negative integer, got ${message.piece}`);
  if (message.msgType !== 'data') return encode(new Map([['msg_type', CODES[message.msgType]], ['piece', message.piece]]));
  const { piece, totalSize, data } = message;
  if (!Number.isSafeInteger(totalSize) || totalSize < 1 || piece >= metadataPieceCount(totalSize)) {
    throw invalidArgument('totalSize', `piece ${piece} does not fit ${totalSize} bytes of metadata`);
  }
  if (data.length !== metadataPieceLength(totalSize, piece)) {
    throw invalidArgument('data', `piece ${piece} of ${totalSize} bytes must be ${metadataPieceLength(totalSize, piece)} bytes, got ${data.length}`);
  }
  const header = encode(new Map([['msg_type', CODES.data], ['piece', piece], ['total_size', totalSize]]));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}
