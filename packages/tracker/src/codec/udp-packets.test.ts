import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { TrackerError } from '../errors.js';
import { thrownCode } from '../testing/thrown.js';
import type { AnnounceRequest } from '../types.js';
import { encodeAnnounceRequest, encodeConnectRequest, encodeScrapeRequest } from './udp-requests.js';
import { decodeUdpResponse, readUdpHeader } from './udp-responses.js';

/** Builds a packet from big-endian fields: [width in bytes, value] or raw bytes. */
function packet(...fields: ([1 | 2 | 4 | 8, number | bigint] | Uint8Array)[]): Uint8Array {
  const parts = fields.map((field) => {
    if (field instanceof Uint8Array) return field;
    const [width, value] = field;
    const out = new Uint8Array(width);
    let v = BigInt(value);
    for (let i = width - 1; i >= 0; i--) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  });
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

const infoHash = new Uint8Array(20).fill(0xaa);
const peerId = new Uint8Array(20).fill(0xbb);
const request: AnnounceRequest = { infoHash, peerId, port: 6881, uploaded: 3, downloaded: 2, left: 2 ** 40, event: 'completed', numWant: 25, key: 0xdeadbeef };

describe('BEP 15 requests', () => {
  test('connect: protocol id, action 0, transaction id', () => {
    expect(encodeConnectRequest(0x01020304)).toEqual(packet([8, 0x41727101980n], [4, 0], [4, 0x01020304]));
  });

  test('announce: 98 bytes in BEP 15 field order', () => {
    expect(encodeAnnounceRequest(0x1122334455667788n, 7, request)).toEqual(
      packet([8, 0x1122334455667788n], [4, 1], [4, 7], infoHash, peerId, [8, 2], [8, 2 ** 40], [8, 3], [4, 1], [4, 0], [4, 0xdeadbeef], [4, 25], [2, 6881]),
    );
  });

  test.each([
    ['none', 0],
    ['completed', 1],
    ['started', 2],
    ['stopped', 3],
  ] as const)('announce event %s is %d', (event, number) => {
    const bytes = encodeAnnounceRequest(1n, 1, { ...request, event });
    expect(new DataView(bytes.buffer).getUint32(80)).toBe(number);
  });

  test('announce without numWant asks for the default (-1)', () => {
    const { numWant: _omit, ...rest } = request;
    const bytes = encodeAnnounceRequest(1n, 1, rest);
    expect(new DataView(bytes.buffer).getInt32(92)).toBe(-1);
  });

  test('scrape: header then 20 bytes per hash; at most 74 hashes', () => {
    const other = new Uint8Array(20).fill(1);
    expect(encodeScrapeRequest(9n, 5, [infoHash, other])).toEqual(packet([8, 9], [4, 2], [4, 5], infoHash, other));
    expect(thrownCode(() => encodeScrapeRequest(9n, 5, Array.from({ length: 75 }, () => infoHash)))).toBe('INVALID_REQUEST');
  });
});

describe('BEP 15 responses', () => {
  test('connect reply carries the connection id', () => {
    expect(decodeUdpResponse(packet([4, 0], [4, 42], [8, 0xfedcba9876543210n]), 4)).toEqual({
      action: 'connect',
      transactionId: 42,
      connectionId: 0xfedcba9876543210n,
    });
  });

  test('announce reply on an IPv4 socket has 6-byte peers', () => {
    const reply = packet([4, 1], [4, 42], [4, 1800], [4, 3], [4, 4], Uint8Array.from([127, 0, 0, 1, 0x1a, 0xe1, 10, 1, 2, 3, 0, 99]));
    expect(decodeUdpResponse(reply, 4)).toEqual({
      action: 'announce',
      transactionId: 42,
      interval: 1800,
      leechers: 3,
      seeders: 4,
      peers: [
        { host: '127.0.0.1', port: 6881 },
        { host: '10.1.2.3', port: 99 },
      ],
    });
  });

  test('announce reply on an IPv6 socket has 18-byte peers', () => {
    const v6 = new Uint8Array(18);
    v6[0] = 0x20;
    v6[1] = 0x01;
    v6[15] = 5;
    v6[17] = 80;
    const reply = packet([4, 1], [4, 1], [4, 60], [4, 0], [4, 1], v6);
    expect(decodeUdpResponse(reply, 6)).toMatchObject({ peers: [{ host: '2001::5', port: 80 }] });
    // The same bytes on an IPv4 socket are three 6-byte entries (two with port 0, skipped): the
    // socket's family, not the packet, decides the layout.
    expect(decodeUdpResponse(reply, 4)).toMatchObject({ peers: [{ host: '0.0.0.5', port: 80 }] });
  });

  test('scrape reply has one 12-byte record per hash', () => {
    const reply = packet([4, 2], [4, 8], [4, 1], [4, 2], [4, 3], [4, 4], [4, 5], [4, 6]);
    expect(decodeUdpResponse(reply, 4)).toEqual({
      action: 'scrape',
      transactionId: 8,
      records: [
        { seeders: 1, completed: 2, leechers: 3 },
        { seeders: 4, completed: 5, leechers: 6 },
      ],
    });
  });

  test('error reply (action 3) carries its message', () => {
    const reply = packet([4, 3], [4, 8], new TextEncoder().encode('connection id mismatch'));
    expect(decodeUdpResponse(reply, 4)).toEqual({ action: 'error', transactionId: 8, message: 'connection id mismatch' });
  });

  test("an 8-byte announce or scrape reply is opentracker's refusal, not a short read", () => {
    expect(decodeUdpResponse(packet([4, 1], [4, 8]), 4)).toEqual({ action: 'empty', transactionId: 8, replyTo: 'announce' });
    expect(decodeUdpResponse(packet([4, 2], [4, 8]), 4)).toEqual({ action: 'empty', transactionId: 8, replyTo: 'scrape' });
  });

  test.each([
    ['7 bytes', new Uint8Array(7)],
    ['connect reply of 12 bytes', packet([4, 0], [4, 1], [4, 0])],
    ['announce reply of 19 bytes', packet([4, 1], [4, 1], [4, 60], [4, 0], [2, 0], [1, 0])],
    ['announce peers cut mid-entry', packet([4, 1], [4, 1], [4, 60], [4, 0], [4, 0], new Uint8Array(7))],
    ['scrape record cut short', packet([4, 2], [4, 1], [4, 1], [4, 2])],
    ['unknown action 9', packet([4, 9], [4, 1])],
  ])('rejects %s with MALFORMED_RESPONSE', (_name, bytes) => {
    expect(thrownCode(() => decodeUdpResponse(bytes, 4))).toBe('MALFORMED_RESPONSE');
  });

  test('readUdpHeader needs 8 bytes and reads action and transaction id', () => {
    expect(readUdpHeader(new Uint8Array(7))).toBeUndefined();
    expect(readUdpHeader(packet([4, 3], [4, 0xffffffff]))).toEqual({ action: 3, transactionId: 0xffffffff });
  });

  test('any bytes give a response or a MALFORMED_RESPONSE TrackerError, on either family', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.constantFrom(4 as const, 6 as const), fc.integer({ min: 0, max: 3 }), (tail, family, action) => {
        // Half the runs get a valid action in front so every decoder branch is reached.
        const bytes = tail.length % 2 === 0 ? packet([4, action], tail) : tail;
        try {
          const response = decodeUdpResponse(bytes, family);
          expect(['connect', 'announce', 'scrape', 'error', 'empty']).toContain(response.action);
        } catch (error) {
          expect(error).toBeInstanceOf(TrackerError);
          expect((error as TrackerError).code).toBe('MALFORMED_RESPONSE');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
