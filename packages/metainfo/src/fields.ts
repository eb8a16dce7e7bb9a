// Typed reads from decoded bencode, each failure naming the field path. Required fields throw a
// MetainfoError; the optional helpers return undefined when the key is absent.
import { isBytes, isDict, isInteger, isList } from '@typetorrent/bencode';
import type { BencodeDict, BencodeValue } from '@typetorrent/bencode';
import { MetainfoError } from './errors.js';

export function typeName(value: BencodeValue): string {
  if (isBytes(value)) return 'a string';
  if (isList(value)) return 'a list';
  if (isDict(value)) return 'a dictionary';
  return 'an integer';
}

function wrongType(field: string, expected: string, value: BencodeValue): MetainfoError {
  return new MetainfoError('WRONG_TYPE', field, `expected ${expected}, got ${typeName(value)}`);
}

export function requireValue(dict: BencodeDict, key: string, field: string): BencodeValue {
  const value = dict.get(key);
  if (value === undefined) throw new MetainfoError('MISSING_FIELD', field, 'required key is missing');
  return value;
}

export function requireDict(dict: BencodeDict, key: string, field: string): BencodeDict {
  const value = requireValue(dict, key, field);
  if (!isDict(value)) throw wrongType(field, 'a dictionary', value);
  return value;
}

export function requireBytes(dict: BencodeDict, key: string, field: string): Uint8Array {
  const value = requireValue(dict, key, field);
  if (!isBytes(value)) throw wrongType(field, 'a string', value);
  return value;
}

export function requireList(dict: BencodeDict, key: string, field: string): BencodeValue[] {
  const value = requireValue(dict, key, field);
  if (!isList(value)) throw wrongType(field, 'a list', value);
  return value;
}

export function requireInteger(dict: BencodeDict, key: string, field: string): number | bigint {
  const value = requireValue(dict, key, field);
  if (!isInteger(value)) throw wrongType(field, 'an integer', value);
  return value;
}

export function optionalInteger(dict: BencodeDict, key: string, field: string): number | bigint | undefined {
  return dict.has(key) ? requireInteger(dict, key, field) : undefined;
}

export function optionalBytes(dict: BencodeDict, key: string, field: string): Uint8Array | undefined {
  return dict.has(key) ? requireBytes(dict, key, field) : undefined;
}

export function optionalList(dict: BencodeDict, key: string, field: string): BencodeValue[] | undefined {
  return dict.has(key) ? requireList(dict, key, field) : undefined;
}

/** A byte length: a non-negative safe integer, or BAD_LENGTH. */
export function requireLength(dict: BencodeDict, key: string, field: string): number {
  const value = requireInteger(dict, key, field);
  if (typeof value === 'bigint' || value < 0) {
    throw new MetainfoError('BAD_LENGTH', field, `length must be a non-negative safe integer, got ${value}`);
  }
  return value;
}
