import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { encode } from '@typetorrent/bencode';
import { TrackerError } from '../errors.js';
import { thrownCode } from '../testing/thrown.js';
import { parseAnnounceResponse } from './http-announce-response.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('parseAnnounceResponse: answers', () => {
  test('reads compact IPv4 peers and every counter', () => {
    const body = encode({
      interval: 1800,
      'min interval': 900,
      complete: 5,
      incomplete: 7,
      peers: bytes(127, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0, 80),
    });
    expect(parseAnnounceResponse(body)).toEqual({
      ok: true,
      interval: 1800,
      minInterval: 900,
      seeders: 5,
      leechers: 7,
      peers: [
        { host: '127.0.0.1', port: 6881 },
        { host: '10.0.0.2', port: 80 },
      ],
    });
  });

  test('reads BEP 3 dictionary peers with their ids', () => {
    const body = encode({
      interval: 60,
      peers: [
        { ip: '192.168.1.2', port: 51413, 'peer id': text('-TR3000-abcdefghijkl') },
        { ip: 'peer.example', port: 6881 },
        { ip: '2001:db8::1', port: 6882 },
      ],
    });
    const result = parseAnnounceResponse(body);
    expect(result).toEqual({
      ok: true,
      interval: 60,
      peers: [
        { host: '192.168.1.2', port: 51413, peerId: text('-TR3000-abcdefghijkl') },
        { host: 'peer.example', port: 6881 },
        { host: '2001:db8::1', port: 6882 },
      ],
    });
  });

  test('adds BEP 7 peers6 (18 bytes each) after the IPv4 peers', () => {
    const v6 = new Uint8Array(18);
    v6[15] = 1;
    v6[16] = 0x1a;
    v6[17] = 0xe2;
    const result = parseAnnounceResponse(encode({ interval: 60, peers: bytes(1, 2, 3, 4, 0, 1), peers6: v6 }));
    expect(result.ok && result.peers).toEqual([
      { host: '1.2.3.4', port: 1 },
      { host: '::1', port: 6882 },
    ]);
  });

  test('a failure reason is a value, with BEP 31 retry in when given', () => {
    expect(parseAnnounceResponse(encode({ 'failure reason': 'torrent not registered' }))).toEqual({
      ok: false,
      reason: 'torrent not registered',
    });
    expect(parseAnnounceResponse(encode({ 'failure reason': 'busy', 'retry in': 5 }))).toEqual({
      ok: false,
      reason: 'busy',
      retryInMinutes: 5,
    });
    expect(parseAnnounceResponse(encode({ 'failure reason': 'gone', 'retry in': 'never' }))).toEqual({ ok: false, reason: 'gone' });
  });

  test('keeps the warning message and tracker id', () => {
    const result = parseAnnounceResponse(encode({ interval: 60, peers: '', 'warning message': 'slow down', 'tracker id': bytes(0, 255) }));
    expect(result).toEqual({ ok: true, interval: 60, peers: [], warning: 'slow down', trackerId: bytes(0, 255) });
  });

  test('skips peers that cannot be dialled (port 0, empty host) but keeps the rest', () => {
    const result = parseAnnounceResponse(
      encode({ peers: [{ ip: '1.1.1.1', port: 0 }, { ip: '', port: 5 }, { ip: '2.2.2.2', port: 5 }] }),
    );
    expect(result.ok && result.peers).toEqual([{ host: '2.2.2.2', port: 5 }]);
  });

  test('an IPv4-mapped peer reads as its IPv4 address in every list form', () => {
    const mapped = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4, 0, 5]);
    const result = parseAnnounceResponse(encode({ peers: [{ ip: '::FFFF:1.2.3.4', port: 5 }, { ip: '2001:0db8::0:1', port: 6 }], peers6: mapped }));
    expect(result.ok && result.peers).toEqual([
      { host: '1.2.3.4', port: 5 },
      { host: '2001:db8::1', port: 6 },
      { host: '1.2.3.4', port: 5 },
    ]);
  });

  test('accepts keys out of order, as hand-written trackers send them', () => {
    const body = text('d8:intervali60e5:peers0:8:completei1ee');
    expect(parseAnnounceResponse(body)).toEqual({ ok: true, interval: 60, seeders: 1, peers: [] });
  });
});

describe('parseAnnounceResponse: malformed bodies throw MALFORMED_RESPONSE', () => {
  test.each([
    ['not bencode', text('<html>nope</html>')],
    ['a list, not a dict', text('li1ee')],
    ['truncated dict', text('d8:intervali60e')],
    ['compact peers not a multiple of 6', encode({ peers: bytes(1, 2, 3, 4, 5) })],
    ['peers6 not a multiple of 18', encode({ peers6: new Uint8Array(17) })],
    ['peers an integer', encode({ peers: 5 })],
    ['peer entry not a dict', encode({ peers: [5] })],
    ['peer without port', encode({ peers: [{ ip: '1.2.3.4' }] })],
    ['negative interval', encode({ interval: -1, peers: '' })],
    ['interval as text', encode({ interval: '60', peers: '' })],
    ['huge integer', text('d8:intervali99999999999999999999e5:peers0:e')],
    ['failure reason not a string', encode({ 'failure reason': 3 })],
  ])('%s', (_name, body) => {
    expect(thrownCode(() => parseAnnounceResponse(body))).toBe('MALFORMED_RESPONSE');
  });
});

describe('parseAnnounceResponse: properties', () => {
  test('any bytes give a result or a MALFORMED_RESPONSE TrackerError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (body) => {
        try {
          const result = parseAnnounceResponse(body);
          expect(typeof result.ok).toBe('boolean');
        } catch (error) {
          expect(error).toBeInstanceOf(TrackerError);
          expect((error as TrackerError).code).toBe('MALFORMED_RESPONSE');
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('bencode-shaped input (valid dicts with random fields) never escapes as another error', () => {
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.integer({ min: -5, max: 100_000 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom('ip', 'port', 'peer id', 'x'), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    const field = fc.constantFrom('interval', 'min interval', 'complete', 'incomplete', 'peers', 'peers6', 'failure reason', 'warning message', 'tracker id', 'retry in');
    fc.assert(
      fc.property(fc.dictionary(field, value, { maxKeys: 6 }), (dict) => {
        const body = encode(dict as Parameters<typeof encode>[0]);
        try {
          parseAnnounceResponse(body);
        } catch (error) {
          expect((error as TrackerError).code).toBe('MALFORMED_RESPONSE');
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('compact peer lists round-trip: n entries of 6 bytes give n peers with their ports', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 1, max: 65535 })), { maxLength: 50 }), (entries) => {
        const packed = new Uint8Array(entries.length * 6);
        entries.forEach(([ip, port], i) => {
          packed.set(ip, i * 6);
          packed[i * 6 + 4] = port >> 8;
          packed[i * 6 + 5] = port & 0xff;
        });
        const result = parseAnnounceResponse(encode({ interval: 1, peers: packed }));
        expect(result.ok && result.peers).toEqual(entries.map(([ip, port]) => ({ host: [...ip].join('.'), port })));
      }),
    );
  });
});
