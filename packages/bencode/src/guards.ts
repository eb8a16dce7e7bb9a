// Type guards for reading decoded values, used by the metainfo, tracker and peer-wire parsers:
// `isDict(root) && isBytes(root.get('pieces'))` instead of casts.
import type { BencodeDict, BencodeList, BencodeValue } from './types.js';

export function isDict(v: BencodeValue | undefined): v is BencodeDict {
  return v instanceof Map;
}

export function isList(v: BencodeValue | undefined): v is BencodeList {
  return Array.isArray(v);
}

export function isBytes(v: BencodeValue | undefined): v is Uint8Array {
  return v instanceof Uint8Array;
}

export function isInteger(v: BencodeValue | undefined): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}
