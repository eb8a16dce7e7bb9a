// Typed reads from a decoded bencode dict, each failing with MALFORMED_RESPONSE naming the field.
import { decode, BencodeError, isBytes, isDict, isInteger, type BencodeDict, type BencodeValue } from '@typetorrent/bencode';
import { TrackerError } from '../errors.js';
import { displayText } from './bytes.js';

export function malformed(message: string, cause?: unknown): TrackerError {
  return new TrackerError('MALFORMED_RESPONSE', message, { cause });
}

/**
 * Decodes a tracker response body that must be a dict. Keys out of order are accepted: many trackers
 * write their dicts by hand and sort nothing, and the order carries no meaning in a response.
 */
export function decodeDict(body: Uint8Array, what: string): BencodeDict {
  let value: BencodeValue;
  try {
    value = decode(body, { lenientKeyOrder: true });
  } catch (cause) {
    if (cause instanceof BencodeError) throw malformed(`${what} is not valid bencode: ${cause.message}`, cause);
    throw cause;
  }
  if (!isDict(value)) throw malformed(`${what} is not a bencoded dictionary`);
  return value;
}

/** A non-negative integer that fits a JS number; undefined when the key is absent. */
export function optionalCount(dict: BencodeDict, key: string): number | undefined {
  const value = dict.get(key);
  if (value === undefined) return undefined;
  if (!isInteger(value) || typeof value === 'bigint' || value < 0) {
    throw malformed(`"${key}" must be a non-negative integer`);
  }
  return value;
}

export function optionalBytes(dict: BencodeDict, key: string): Uint8Array | undefined {
  const value = dict.get(key);
  if (value === undefined) return undefined;
  if (!isBytes(value)) throw malformed(`"${key}" must be a byte string`);
  return value;
}

/** Human-readable text (failure reason, warning message, name). */
export function optionalText(dict: BencodeDict, key: string): string | undefined {
  const bytes = optionalBytes(dict, key);
  return bytes === undefined ? undefined : displayText(bytes);
}

export function optionalDict(dict: BencodeDict, key: string): BencodeDict | undefined {
  const value = dict.get(key);
  if (value === undefined) return undefined;
  if (!isDict(value)) throw malformed(`"${key}" must be a dictionary`);
  return value;
}
