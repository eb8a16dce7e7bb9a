import { describe, expect, test } from '@jest/globals';
import { WireDecoder } from './decoder.js';
import { encodeHandshake } from './handshake.js';
import { WireError } from './errors.js';
import type { WireMessage } from './messages.js';
import { concat, hex, WIRE_TABLE } from './testing/wire-table.js';

const HANDSHAKE = encodeHandshake({
  reserved: hex('0000000000100005'),
  infoHash: new Uint8Array(20).fill(0xaa),
  peerId: new Uint8Array(20).fill(0x42),
});

/** Feeds `bytes` in chunks of the given sizes (the last size repeats) and collects every message. */
function decodeInChunks(decoder: WireDecoder, bytes: Uint8Array, sizes: readonly number[]): WireMessage[] {
  const out: WireMessage[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[Math.min(i, sizes.length - 1)] ?? 1;
    out.push(...decoder.decode(bytes.subarray(at, at + size)));
    at += size;
  }
  return out;
}

function expectWireError(run: () => unknown, code: string, offset?: number): WireError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WireError);
  const error = caught as WireError;
  expect(error.code).toBe(code);
  expect(error.fatal).toBe(true);
  if (offset !== undefined) expect(error.offset).toBe(offset);
  return error;
}

describe('each message decodes from its bytes', () => {
  test.each(WIRE_TABLE.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const decoder = new WireDecoder({ handshake: false });
    expect(decoder.decode(c.bytes)).toEqual([c.message]);
    expect(decoder.bufferedBytes).toBe(0);
  });
});

test('the handshake comes first, then messages', () => {
  const decoder = new WireDecoder();
  const messages = decoder.decode(concat([HANDSHAKE, hex('00000001 01')]));
  expect(messages).toEqual([
    { type: 'handshake', reserved: hex('0000000000100005'), infoHash: new Uint8Array(20).fill(0xaa), peerId: new Uint8Array(20).fill(0x42) },
    { type: 'unchoke' },
  ]);
});

test('one byte at a time gives the same messages as one chunk and as any fixed chunk size', () => {
  const stream = concat([HANDSHAKE, ...WIRE_TABLE.map((c) => c.bytes)]);
  const whole = new WireDecoder().decode(stream);
  expect(whole).toHaveLength(1 + WIRE_TABLE.length);
  for (const size of [1, 2, 3, 5, 7, 13, 64]) {
    expect(decodeInChunks(new WireDecoder(), stream, [size])).toEqual(whole);
  }
});

test('messages pushed before the previous chunk was read come out in order', () => {
  const decoder = new WireDecoder({ handshake: false });
  decoder.push(hex('00000005 04 000000'));
  decoder.push(hex('01 00000001'));
  decoder.push(hex('02'));
  expect([decoder.next(), decoder.next(), decoder.next()]).toEqual([{ type: 'have', index: 1 }, { type: 'interested' }, null]);
});

describe('piece blocks are handed out without extra copies', () => {
  const block = new Uint8Array(16384).map((_, i) => i & 0xff);
  const message = concat([hex('00004009 07 00000004 00008000'), block]);

  test('a message inside one chunk gives a subarray of that chunk', () => {
    const chunk = concat([hex('00000001 02'), message, hex('00000000')]);
    const [, piece] = new WireDecoder({ handshake: false }).decode(chunk);
    expect(piece).toMatchObject({ type: 'piece', index: 4, begin: 0x8000 });
    const got = (piece as { block: Uint8Array }).block;
    expect(got.buffer).toBe(chunk.buffer);
    expect(got.byteOffset).toBe(5 + 13);
    expect(Buffer.compare(got, block)).toBe(0); // toEqual walks 16 KiB element by element: slow
  });

  test('a block split over chunks is assembled once into a buffer of exactly the block size', () => {
    const messages = decodeInChunks(new WireDecoder({ handshake: false }), message, [1000]);
    expect(messages).toHaveLength(1);
    const got = (messages[0] as { block: Uint8Array }).block;
    expect(got.buffer.byteLength).toBe(16384);
    expect(Buffer.compare(got, block)).toBe(0); // toEqual walks 16 KiB element by element: slow
  });

  test('Buffer input never comes back out as a Buffer', () => {
    const [piece] = new WireDecoder({ handshake: false }).decode(Buffer.from(message));
    const got = (piece as { block: Uint8Array }).block;
    expect(Buffer.isBuffer(got)).toBe(false);
    expect(Object.getPrototypeOf(got)).toBe(Uint8Array.prototype);
  });
});

describe('the length prefix is checked before any payload is buffered', () => {
  test('a prefix over the absolute cap fails on its 4 bytes alone', () => {
    const decoder = new WireDecoder({ handshake: false });
    decoder.push(hex('00000001 02')); // one good message first: the error offset is the bad one's
    expect(decoder.next()).toEqual({ type: 'interested' });
    decoder.push(hex('00100001'));
    expectWireError(() => decoder.next(), 'message-too-long', 5);
  });

  test.each([
    ['choke with a payload', '00000002 00 00'],
    ['have of 4 bytes', '00000004 04'],
    ['request of 14 bytes', '0000000e 06'],
    ['port of 3 bytes', '00000004 09'],
    ['have-all with a payload', '00000002 0e'],
    ['piece without begin', '00000005 07'],
    ['extended without an extended id', '00000001 14'],
  ])('%s fails once the id byte arrives', (_name, bytes) => {
    expectWireError(() => new WireDecoder({ handshake: false }).decode(hex(bytes).subarray(0, 5)), 'bad-message-length', 0);
  });

  test('a piece over 9 + maxBlockLength fails; a larger maxBlockLength accepts it', () => {
    const header = hex('00008009 07 00000000 00000000'); // 32 KiB block
    expectWireError(() => new WireDecoder({ handshake: false }).decode(header), 'message-too-long', 0);
    const decoder = new WireDecoder({ handshake: false, maxBlockLength: 128 * 1024 });
    expect(decoder.decode(header)).toEqual([]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  test('extended and unknown messages are bounded by their own caps', () => {
    expectWireError(() => new WireDecoder({ handshake: false, maxExtendedLength: 100 }).decode(hex('00000066 14')), 'message-too-long');
    expectWireError(() => new WireDecoder({ handshake: false, maxUnknownLength: 100 }).decode(hex('00000066 63')), 'message-too-long');
  });

  test('what the decoder holds for a message split over chunks never exceeds that message', () => {
    const decoder = new WireDecoder({ handshake: false });
    decoder.decode(hex('00004009 07 00000000 00000000'));
    expect(decoder.bufferedBytes).toBe(0);
    for (let i = 0; i < 16; i++) {
      decoder.decode(new Uint8Array(1000));
      expect(decoder.bufferedBytes).toBe(1000 * (i + 1));
    }
  });
});

describe('requests', () => {
  test('a request for more than 16 KiB is fatal by default (BEP 3)', () => {
    expectWireError(() => new WireDecoder({ handshake: false }).decode(hex('0000000d 06 00000000 00000000 00004001')), 'bad-request-length', 0);
  });
  test('a request for zero bytes is fatal', () => {
    expectWireError(() => new WireDecoder({ handshake: false }).decode(hex('0000000d 06 00000000 00000000 00000000')), 'bad-request-length');
  });
  test('maxRequestLength makes larger requests acceptable', () => {
    const decoder = new WireDecoder({ handshake: false, maxRequestLength: 128 * 1024 });
    expect(decoder.decode(hex('0000000d 06 00000000 00000000 00020000'))).toEqual([{ type: 'request', index: 0, begin: 0, length: 0x20000 }]);
  });
});

describe('bitfields', () => {
  test('once the piece count is known, the length must be exactly ceil(pieces / 8)', () => {
    const decoder = new WireDecoder({ handshake: false, pieceCount: 9 });
    expectWireError(() => decoder.decode(hex('00000004 05 ff80 00')), 'bad-message-length', 0);
  });
  test('set spare bits are fatal', () => {
    const error = expectWireError(() => new WireDecoder({ handshake: false, pieceCount: 9 }).decode(hex('00000003 05 ff c0')), 'bitfield-spare-bits');
    expect(error.offset).toBe(6);
  });
  test('before the piece count is known any length up to the cap passes, as raw bytes', () => {
    const decoder = new WireDecoder({ handshake: false });
    expect(decoder.decode(hex('00000004 05 ff ff ff'))).toEqual([{ type: 'bitfield', bytes: hex('ffffff') }]);
    decoder.setPieceCount(24);
    expect(decoder.decode(hex('00000004 05 00 00 01'))).toEqual([{ type: 'bitfield', bytes: hex('000001') }]);
  });
  test('a bitfield split over chunks is checked against a piece count set meanwhile', () => {
    const decoder = new WireDecoder({ handshake: false });
    decoder.decode(hex('00000003 05 ff'));
    decoder.setPieceCount(9);
    expectWireError(() => decoder.decode(hex('ff')), 'bitfield-spare-bits');
  });
});

test('unknown message ids are skipped without buffering and reported with their length', () => {
  const decoder = new WireDecoder({ handshake: false });
  const messages = decodeInChunks(decoder, hex('00000005 16 01020304 00000001 15 00000001 01'), [3]);
  expect(messages).toEqual([{ type: 'unknown', id: 0x16, length: 4 }, { type: 'unknown', id: 0x15, length: 0 }, { type: 'unchoke' }]);
});

describe('negotiated extensions', () => {
  test('BEP 6 messages are fatal once the fast extension is known not to be negotiated', () => {
    const decoder = new WireDecoder({ handshake: false });
    decoder.setNegotiated({ fast: false });
    expectWireError(() => decoder.decode(hex('00000001 0e')), 'fast-not-negotiated', 0);
  });
  test('BEP 10 messages are fatal when the extension protocol is off', () => {
    expectWireError(() => new WireDecoder({ handshake: false, extended: false }).decode(hex('00000002 14 00')), 'extended-not-negotiated');
  });
  test('without negotiation information, BEP 6 and 10 messages pass', () => {
    expect(new WireDecoder({ handshake: false }).decode(hex('00000001 0e 00000002 14 00'))).toEqual([
      { type: 'have-all' },
      { type: 'extended', id: 0, payload: new Uint8Array(0) },
    ]);
  });
});

describe('handshake checks', () => {
  test('a wrong first byte fails at once, before 68 bytes arrive', () => {
    expectWireError(() => new WireDecoder().decode(hex('13 43')), 'bad-protocol', 1);
    expectWireError(() => new WireDecoder().decode(hex('47')), 'bad-protocol', 0);
  });
  test('an HTTP request is not a handshake', () => {
    expectWireError(() => new WireDecoder().decode(new TextEncoder().encode('GET / HTTP/1.1\r\n')), 'bad-protocol', 0);
  });
});

test('after a fatal error the decoder keeps failing with the same error', () => {
  const decoder = new WireDecoder({ handshake: false });
  const error = expectWireError(() => decoder.decode(hex('00000002 00 00')), 'bad-message-length');
  expect(() => decoder.next()).toThrow(error);
  expect(() => decoder.push(hex('00000001 00'))).toThrow(error);
});

test('offset counts every byte decoded so far', () => {
  const decoder = new WireDecoder();
  decoder.decode(concat([HANDSHAKE, hex('00000000 00000001 01')]));
  expect(decoder.offset).toBe(68 + 4 + 5);
});
