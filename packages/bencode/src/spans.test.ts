import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { decodeWithSpans } from './decode.js';
import { encode } from './encode.js';
import { bytesToLatin1, latin1ToBytes } from './bytes.js';
import { isDict, isList } from './guards.js';
import type { Span } from './types.js';

const raw = (s: string): Uint8Array => latin1ToBytes(s);
const text = (input: Uint8Array, span: Span | undefined): string | undefined =>
  span === undefined ? undefined : bytesToLatin1(input.subarray(span.start, span.end));

describe('decodeWithSpans', () => {
  const input = raw('d1:ai1e1:bl4:spamd1:xi-3eee1:c0:e');
  const decoded = decodeWithSpans(input);
  const root = decoded.value;
  if (!isDict(root)) throw new Error('fixture root must be a dict');
  const list = root.get('b');
  if (!isList(list)) throw new Error('fixture b must be a list');
  const inner = list[1];
  if (!isDict(inner)) throw new Error('fixture b[1] must be a dict');

  test('spanOf covers a container from its d/l through its e', () => {
    expect(decoded.spanOf(root)).toEqual({ start: 0, end: input.length });
    expect(text(input, decoded.spanOf(list))).toBe('l4:spamd1:xi-3eee');
    expect(text(input, decoded.spanOf(inner))).toBe('d1:xi-3ee');
  });

  test('spanOfKey gives the raw bytes of the value under a key, for every value type', () => {
    expect(text(input, decoded.spanOfKey(root, 'a'))).toBe('i1e');
    expect(text(input, decoded.spanOfKey(root, 'b'))).toBe('l4:spamd1:xi-3eee');
    expect(text(input, decoded.spanOfKey(root, 'c'))).toBe('0:');
    expect(text(input, decoded.spanOfKey(inner, 'x'))).toBe('i-3e');
  });

  test('spanOfIndex gives the raw bytes of a list member', () => {
    expect(text(input, decoded.spanOfIndex(list, 0))).toBe('4:spam');
    expect(text(input, decoded.spanOfIndex(list, 1))).toBe('d1:xi-3ee');
  });

  test('absent keys, out-of-range indices and foreign containers have no span', () => {
    expect(decoded.spanOfKey(root, 'zz')).toBeUndefined();
    expect(decoded.spanOfIndex(list, 2)).toBeUndefined();
    expect(decoded.spanOfIndex(list, -1)).toBeUndefined();
    expect(decoded.spanOfIndex(list, 0.5)).toBeUndefined();
    expect(decoded.spanOf(new Map())).toBeUndefined();
    expect(decoded.spanOf([])).toBeUndefined();
  });

  test('a scalar root decodes with spans too', () => {
    expect(decodeWithSpans(raw('i5e')).value).toBe(5);
  });

  test('with allowTrailing, the root span tells where trailing data starts (as in BEP 9 metadata messages)', () => {
    const message = raw('d8:msg_typei1e5:piecei0eeRAWDATA');
    const d = decodeWithSpans(message, { allowTrailing: true });
    if (!isDict(d.value)) throw new Error('expected a dict');
    const end = d.spanOf(d.value)?.end ?? -1;
    expect(bytesToLatin1(message.subarray(end))).toBe('RAWDATA');
  });
});

describe('info-hash over the raw bytes of a torrent with unsorted keys', () => {
  // Real-world .torrent files sometimes have info keys out of order; the info-hash is over the bytes as
  // they are, so it must come from the span, not from re-encoding (which would sort the keys).
  const pieces = '\x01'.repeat(20);
  const info = `d4:name8:file.bin6:lengthi1024e12:piece lengthi16384e6:pieces20:${pieces}e`;
  const announce = 'http://tracker.example/announce';
  const torrent = raw(`d8:announce${announce.length}:${announce}4:info${info}e`);

  test('strict decoding refuses it', () => {
    expect(() => decodeWithSpans(torrent)).toThrow('dictionary keys not in sorted order');
  });

  test('lenient decoding gives the span of the exact original info bytes', () => {
    const d = decodeWithSpans(torrent, { lenientKeyOrder: true });
    if (!isDict(d.value)) throw new Error('expected a dict');
    const span = d.spanOfKey(d.value, 'info');
    expect(text(torrent, span)).toBe(info);
    const infoDict = d.value.get('info');
    if (!isDict(infoDict)) throw new Error('expected an info dict');
    expect(d.spanOf(infoDict)).toEqual(span);
    expect([...infoDict.keys()]).toEqual(['name', 'length', 'piece length', 'pieces']);

    const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');
    const fromSpan = sha1(torrent.subarray(span?.start ?? 0, span?.end ?? 0));
    expect(fromSpan).toBe(sha1(raw(info)));
    // Re-encoding sorts the keys and so would give a different, wrong info-hash.
    expect(sha1(encode(infoDict))).not.toBe(fromSpan);
  });
});

describe('decodeWithSpans with spanDepth', () => {
  const input = raw('d1:ai1e1:bl4:spamd1:xi-3eee1:c0:e');

  test('spanDepth 0 records the root and its members only', () => {
    const shallow = decodeWithSpans(input, { spanDepth: 0 });
    const r = shallow.value;
    if (!isDict(r)) throw new Error('expected a dict');
    const b = r.get('b');
    if (!isList(b)) throw new Error('expected a list');
    expect(shallow.spanOf(r)).toEqual({ start: 0, end: input.length });
    expect(text(input, shallow.spanOfKey(r, 'b'))).toBe('l4:spamd1:xi-3eee');
    expect(shallow.spanOf(b)).toBeUndefined();
    expect(shallow.spanOfIndex(b, 0)).toBeUndefined();
  });

  test('a negative or NaN spanDepth is refused', () => {
    expect(() => decodeWithSpans(input, { spanDepth: -1 })).toThrow(RangeError);
    expect(() => decodeWithSpans(input, { spanDepth: Number.NaN })).toThrow(RangeError);
  });
});
