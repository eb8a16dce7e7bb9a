import { describe, expect, test } from '@jest/globals';
import { decode, encode, isDict } from '@typetorrent/bencode';
import { PieceSet } from './piece-set.js';
import { RESUME_VERSION, decodeResume, encodeResume, type ResumeData } from './resume-data.js';

const infoHash = new Uint8Array(20).fill(0xab);
const expected = { infoHash, pieceCount: 10, fileCount: 3 };

function sample(): ResumeData {
  const verified = new PieceSet(10);
  for (const piece of [0, 3, 9]) verified.add(piece);
  const durable = new PieceSet(10);
  durable.add(3);
  return {
    infoHash,
    verified,
    durable,
    bootId: '545690a0-29f6-44e8-a339-ca3e2b031e23',
    files: [{ size: 100, mtimeUs: 1_700_000_000_123_456 }, undefined, { size: 0, mtimeUs: 5 }],
    parts: { size: 32768, mtimeUs: 42 },
  };
}

/** Re-encodes a record with one key changed, to build damaged records. */
function withKey(key: string, value: Parameters<typeof encode>[0]): Uint8Array {
  const root = decode(encodeResume(sample()));
  if (!isDict(root)) throw new Error('resume record is not a dict');
  const copy = new Map<string, Parameters<typeof encode>[0]>(root);
  copy.set(key, value);
  return encode(copy);
}

describe('resume data', () => {
  test('round-trips verified pieces and file stamps, absent files included', () => {
    const decoded = decodeResume(encodeResume(sample()), expected);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect([...decoded.data.verified]).toEqual([0, 3, 9]);
    expect([...decoded.data.durable]).toEqual([3]);
    expect(decoded.data.bootId).toBe('545690a0-29f6-44e8-a339-ca3e2b031e23');
    expect(decoded.data.files).toEqual(sample().files);
    expect(decoded.data.parts).toEqual({ size: 32768, mtimeUs: 42 });
  });

  test('is a bencoded dict with a version number and the info-hash', () => {
    const root = decode(encodeResume(sample()));
    expect(isDict(root) && root.get('version')).toBe(RESUME_VERSION);
    expect(isDict(root) && root.get('info-hash')).toEqual(infoHash);
  });

  test('never records a durable piece that is not verified', () => {
    const record = sample();
    record.durable.add(5);
    const decoded = decodeResume(encodeResume(record), expected);
    expect(decoded.ok && [...decoded.data.durable]).toEqual([3]);
  });

  test('a record without a boot identity round-trips as one', () => {
    const bytes = encodeResume({ ...sample(), bootId: undefined });
    const root = decode(bytes);
    expect(isDict(root) && root.has('boot-id')).toBe(false);
    const decoded = decodeResume(bytes, expected);
    expect(decoded.ok).toBe(true);
    expect(decoded.ok && decoded.data.bootId).toBeUndefined();
  });

  test('reads a version 1 record (written after an fsync) as all of its pieces durable', () => {
    const root = decode(encodeResume(sample()));
    if (!isDict(root)) throw new Error('resume record is not a dict');
    const old = new Map<string, Parameters<typeof encode>[0]>(root);
    old.delete('durable');
    old.delete('boot-id');
    old.set('version', 1);
    const decoded = decodeResume(encode(old), expected);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect([...decoded.data.durable]).toEqual([0, 3, 9]);
    expect(decoded.data.bootId).toBeUndefined();
  });

  test.each([
    ['another version', withKey('version', RESUME_VERSION + 1), 'version'],
    ['another torrent', withKey('info-hash', new Uint8Array(20)), 'another torrent'],
    ['another piece count', withKey('piece-count', 11), 'piece count'],
    ['a bitfield of the wrong length', withKey('pieces', new Uint8Array(3)), 'bitfield'],
    ['a durable bitfield of the wrong length', withKey('durable', new Uint8Array(3)), 'durable bitfield'],
    ['a durable piece that is not verified', withKey('durable', new Uint8Array([0x40, 0])), 'durable piece 1 is not verified'],
    ['an empty boot id', withKey('boot-id', ''), 'boot id'],
    ['an overlong boot id', withKey('boot-id', 'x'.repeat(65)), 'boot id'],
    // Would not survive encodeResume (UTF-8) after being read as latin1: refused instead.
    ['a boot id with a byte above 0x7f', withKey('boot-id', Uint8Array.of(0x61, 0xe9, 0x62)), 'boot id'],
    ['a boot id with a space', withKey('boot-id', 'a b'), 'boot id'],
    ['a boot id that is a number', withKey('boot-id', 7), 'boot id'],
    ['a file list of the wrong length', withKey('files', []), 'file list'],
    ['a negative size', withKey('files', [new Map([['mtime-us', 1], ['size', -1]]), new Map(), new Map()]), 'stamp'],
    ['a stamp that is not a dict', withKey('parts', 7), 'stamp'],
    ['truncated bytes', encodeResume(sample()).subarray(0, 40), 'not bencode'],
    ['a list instead of a dict', encode([1, 2]), 'not a dictionary'],
  ])('refuses %s with a reason instead of throwing', (_what, bytes, reason) => {
    const decoded = decodeResume(bytes, expected);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.reason).toContain(reason);
  });
});
