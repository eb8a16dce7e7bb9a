import { describe, expect, test } from '@jest/globals';
import { decode, encode, isDict } from '@typetorrent/bencode';
import { PieceSet } from './piece-set.js';
import { RESUME_VERSION, decodeResume, encodeResume, type ResumeData } from './resume-data.js';

const infoHash = new Uint8Array(20).fill(0xab);
const expected = { infoHash, pieceCount: 10, fileCount: 3 };

function sample(): ResumeData {
  const verified = new PieceSet(10);
  for (const piece of [0, 3, 9]) verified.add(piece);
  return {
    infoHash,
    verified,
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
    expect(decoded.data.files).toEqual(sample().files);
    expect(decoded.data.parts).toEqual({ size: 32768, mtimeUs: 42 });
  });

  test('is a bencoded dict with a version number and the info-hash', () => {
    const root = decode(encodeResume(sample()));
    expect(isDict(root) && root.get('version')).toBe(RESUME_VERSION);
    expect(isDict(root) && root.get('info-hash')).toEqual(infoHash);
  });

  test.each([
    ['another version', withKey('version', RESUME_VERSION + 1), 'version'],
    ['another torrent', withKey('info-hash', new Uint8Array(20)), 'another torrent'],
    ['another piece count', withKey('piece-count', 11), 'piece count'],
    ['a bitfield of the wrong length', withKey('pieces', new Uint8Array(3)), 'bitfield'],
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
