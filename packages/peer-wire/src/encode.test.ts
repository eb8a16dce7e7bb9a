import { describe, expect, test } from '@jest/globals';
import {
  encodeCancelInto,
  encodedLength,
  encodeHaveInto,
  encodeMessage,
  encodeMessageInto,
  encodePieceHeaderInto,
  encodeRejectRequestInto,
  encodeRequestInto,
  PIECE_HEADER_LENGTH,
} from './encode.js';
import { WireError } from './errors.js';
import { hex, WIRE_TABLE } from './testing/wire-table.js';

describe('encodeMessage writes the bytes the BEPs define', () => {
  test.each(WIRE_TABLE.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(encodeMessage(c.message)).toEqual(c.bytes);
    expect(encodedLength(c.message)).toBe(c.bytes.length);
  });
});

test('encodeMessageInto writes at an offset and leaves the rest of the buffer alone', () => {
  const buf = new Uint8Array(40).fill(0xee);
  const written = encodeMessageInto(buf, 3, { type: 'have', index: 7 });
  expect(written).toBe(9);
  expect(buf.subarray(0, 3)).toEqual(hex('eeeeee'));
  expect(buf.subarray(3, 12)).toEqual(hex('00000005 04 00000007'));
  expect(buf[12]).toBe(0xee);
});

test('the hot-path encoders write request, cancel, reject and have into the caller buffer', () => {
  const buf = new Uint8Array(64);
  let at = encodeRequestInto(buf, 0, 1, 2, 3);
  at += encodeCancelInto(buf, at, 4, 5, 6);
  at += encodeRejectRequestInto(buf, at, 7, 8, 9);
  at += encodeHaveInto(buf, at, 10);
  expect(at).toBe(17 * 3 + 9);
  expect(buf.subarray(0, at)).toEqual(
    hex(
      '0000000d 06 00000001 00000002 00000003' +
        '0000000d 08 00000004 00000005 00000006' +
        '0000000d 10 00000007 00000008 00000009' +
        '00000005 04 0000000a',
    ),
  );
});

test('encodePieceHeaderInto writes 13 bytes whose length prefix counts the block that follows', () => {
  const buf = new Uint8Array(PIECE_HEADER_LENGTH);
  expect(encodePieceHeaderInto(buf, 0, 9, 0x4000, 16384)).toBe(13);
  expect(buf).toEqual(hex('00004009 07 00000009 00004000'));
});

test('encoders reuse one DataView per buffer and still write into a different buffer correctly', () => {
  const a = new Uint8Array(17);
  const b = new Uint8Array(new ArrayBuffer(40), 10, 17);
  encodeRequestInto(a, 0, 1, 1, 1);
  encodeRequestInto(b, 0, 2, 2, 2);
  encodeRequestInto(a, 0, 3, 3, 3);
  expect(a).toEqual(hex('0000000d 06 00000003 00000003 00000003'));
  expect(b).toEqual(hex('0000000d 06 00000002 00000002 00000002'));
});

describe('encoders refuse values the wire cannot carry', () => {
  const cases: [string, () => unknown][] = [
    ['negative index', () => encodeRequestInto(new Uint8Array(17), 0, -1, 0, 1)],
    ['index over 2^32-1', () => encodeHaveInto(new Uint8Array(9), 0, 2 ** 32)],
    ['fractional begin', () => encodeCancelInto(new Uint8Array(17), 0, 0, 0.5, 1)],
    ['no room in the buffer', () => encodeRequestInto(new Uint8Array(16), 0, 0, 0, 1)],
    ['offset past the end', () => encodeHaveInto(new Uint8Array(20), 12, 0)],
    ['port over 65535', () => encodeMessage({ type: 'port', port: 65536 })],
    ['extended id over 255', () => encodeMessage({ type: 'extended', id: 256, payload: new Uint8Array(0) })],
    ['an unknown message', () => encodeMessage({ type: 'unknown', id: 99, length: 0 })],
  ];
  test.each(cases)('%s', (_name, run) => {
    expect(run).toThrow(WireError);
    try {
      run();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid-argument', fatal: false });
    }
  });
});
