import { describe, expect, test } from '@jest/globals';
import { WireError } from '../errors.js';
import { decodeUtMetadata, encodeUtMetadata, metadataPieceCount, metadataPieceLength } from './ut-metadata.js';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const join = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

test('the BEP 9 request example decodes and encodes', () => {
  expect(decodeUtMetadata(ascii('d8:msg_typei0e5:piecei0ee'))).toEqual({ msgType: 'request', piece: 0 });
  expect(encodeUtMetadata({ msgType: 'request', piece: 0 })).toEqual(ascii('d8:msg_typei0e5:piecei0ee'));
});

test('a reject decodes and encodes', () => {
  expect(decodeUtMetadata(ascii('d8:msg_typei2e5:piecei3ee'))).toEqual({ msgType: 'reject', piece: 3 });
  expect(encodeUtMetadata({ msgType: 'reject', piece: 3 })).toEqual(ascii('d8:msg_typei2e5:piecei3ee'));
});

describe('data messages', () => {
  const totalSize = 16384 + 100;
  const last = new Uint8Array(100).fill(0x65); // 'e' bytes: a search for the dict's "e" would go wrong
  const header = ascii('d8:msg_typei1e5:piecei1e10:total_sizei16484ee');

  test('the data starts where the header dict ends, whatever the data bytes are', () => {
    const message = decodeUtMetadata(join(header, last));
    expect(message).toEqual({ msgType: 'data', piece: 1, totalSize, data: last });
  });

  test('encode then decode gives the same piece', () => {
    const first = new Uint8Array(16384).map((_, i) => i % 251);
    const decoded = decodeUtMetadata(encodeUtMetadata({ msgType: 'data', piece: 0, totalSize, data: first }));
    expect(decoded).toMatchObject({ msgType: 'data', piece: 0, totalSize });
    expect(decoded.msgType === 'data' && Buffer.compare(decoded.data, first)).toBe(0);
  });

  test.each([
    ['a short non-last piece', 'd8:msg_typei1e5:piecei0e10:total_sizei16484ee', 100],
    ['a last piece with extra bytes', 'd8:msg_typei1e5:piecei1e10:total_sizei16484ee', 101],
    ['more than 16 KiB in one piece', 'd8:msg_typei1e5:piecei0e10:total_sizei40000ee', 16385],
    ['a piece past the end', 'd8:msg_typei1e5:piecei2e10:total_sizei16484ee', 0],
    ['a total_size of 0', 'd8:msg_typei1e5:piecei0e10:total_sizei0ee', 0],
    ['a total_size above the cap', 'd8:msg_typei1e5:piecei0e10:total_sizei67108865ee', 16384],
    ['no total_size', 'd8:msg_typei1e5:piecei0ee', 10],
  ])('%s is fatal', (_name, head, dataLength) => {
    expect(() => decodeUtMetadata(join(ascii(head), new Uint8Array(dataLength)))).toThrow(
      expect.objectContaining({ code: 'bad-ut-metadata', fatal: true }),
    );
  });

  test('total_size must match the metadata_size of the handshake', () => {
    expect(() => decodeUtMetadata(join(header, last), { metadataSize: 16485 })).toThrow(expect.objectContaining({ field: 'total_size' }));
  });
});

test('a request beyond the metadata is a non-fatal error the caller answers with a reject', () => {
  expect(() => decodeUtMetadata(ascii('d8:msg_typei0e5:piecei2ee'), { metadataSize: 20000 })).toThrow(
    expect.objectContaining({ code: 'bad-ut-metadata', fatal: false }),
  );
});

test('unknown msg_type values are returned, to be ignored (BEP 9)', () => {
  expect(decodeUtMetadata(ascii('d8:msg_typei7e5:piecei0ee'))).toEqual({ msgType: 'unknown', code: 7 });
});

test.each([
  ['not bencode', 'd8:msg_type'],
  ['a list', 'li0ee'],
  ['no piece', 'd8:msg_typei0ee'],
  ['a negative piece', 'd8:msg_typei0e5:piecei-1ee'],
  ['bytes after a request', 'd8:msg_typei0e5:piecei0eexx'],
])('%s is a WireError', (_name, text) => {
  expect(() => decodeUtMetadata(ascii(text))).toThrow(WireError);
});

test('piece geometry: 16 KiB pieces, the last one shorter', () => {
  expect(metadataPieceCount(16384)).toBe(1);
  expect(metadataPieceCount(16385)).toBe(2);
  expect(metadataPieceLength(16385, 0)).toBe(16384);
  expect(metadataPieceLength(16385, 1)).toBe(1);
});

test('encodeUtMetadata refuses data of the wrong size', () => {
  expect(() => encodeUtMetadata({ msgType: 'data', piece: 0, totalSize: 100, data: new Uint8Array(99) })).toThrow(
    expect.objectContaining({ code: 'invalid-argument' }),
  );
});
