import { describe, expect, it } from '@jest/globals';
import { seededRandom } from './clock.js';
import { DATAGRAM_HEADROOM, decodePacket, encodeHeaderBefore, encodePacket, isUtpDatagram, PacketType, sackedSeqs, type Packet } from './packet.js';

function packet(overrides: Partial<Packet> = {}): Packet {
  return {
    type: PacketType.DATA,
    connectionId: 0xbeef,
    timestamp: 0xfedcba98,
    timestampDifference: 12345,
    windowSize: 1 << 20,
    seq: 0xffff,
    ack: 7,
    payload: new Uint8Array([1, 2, 3]),
    ...overrides,
  };
}

describe('packet codec (BEP 29 header)', () => {
  it.each([
    ['ST_DATA with payload', packet()],
    ['ST_FIN', packet({ type: PacketType.FIN, payload: new Uint8Array(0) })],
    ['ST_STATE with a SACK', packet({ type: PacketType.STATE, payload: new Uint8Array(0), sack: new Uint8Array([0b101, 0, 0, 0x80]) })],
    ['ST_RESET', packet({ type: PacketType.RESET, payload: new Uint8Array(0) })],
    ['ST_SYN', packet({ type: PacketType.SYN, payload: new Uint8Array(0), ack: 0 })],
  ])('round-trips %s', (_name, p) => {
    const decoded = decodePacket(encodePacket(p));
    expect(decoded).toEqual({ ok: true, packet: p });
  });

  it.each([
    ['without extensions', undefined],
    ['with the largest SACK we send (32 bytes)', new Uint8Array(32).fill(0x5a)],
  ])('writes a header in front of a payload already in place, %s, as encodePacket would', (_name, sack) => {
    const p = packet({ payload: new Uint8Array([9, 8, 7, 6]), ...(sack === undefined ? {} : { sack }) });
    const datagram = new Uint8Array(DATAGRAM_HEADROOM + 4);
    datagram.set(p.payload, DATAGRAM_HEADROOM);
    const sent = encodeHeaderBefore(p, datagram, DATAGRAM_HEADROOM);
    expect(sent?.buffer).toBe(datagram.buffer);
    expect(Array.from(sent ?? [])).toEqual(Array.from(encodePacket(p)));
  });

  it('declines to write a header that does not fit before the payload', () => {
    const p = packet({ sack: new Uint8Array(36) });
    expect(encodeHeaderBefore(p, new Uint8Array(DATAGRAM_HEADROOM + 3), DATAGRAM_HEADROOM)).toBeUndefined();
  });

  it('lays out the 20-byte header big-endian with version 1 in the low nibble', () => {
    const bytes = encodePacket(packet({ type: PacketType.STATE, payload: new Uint8Array(0) }));
    expect(bytes.length).toBe(20);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x21, 0, 0xbe, 0xef]);
    expect(Array.from(bytes.subarray(16, 20))).toEqual([0xff, 0xff, 0, 7]);
  });

  it('reads the SACK mask least significant bit first, from ack + 2', () => {
    expect(sackedSeqs(100, new Uint8Array([0b1000_0001, 0b10, 0, 0]))).toEqual([102, 109, 111]);
    expect(sackedSeqs(0xfffe, new Uint8Array([0b11, 0, 0, 0]))).toEqual([0, 1]);
  });

  it('skips unknown extensions and finds the SACK after them', () => {
    const bytes = new Uint8Array(20 + 4 + 6 + 2);
    bytes[0] = 0x21;
    bytes[1] = 2; // an unknown extension first
    bytes.set([1, 2, 0xaa, 0xbb], 20); // next: SACK, length 2
    bytes.set([0, 4, 1, 0, 0, 0], 24); // end of chain, 4-byte mask
    bytes.set([9, 9], 30);
    const decoded = decodePacket(bytes);
    expect(decoded.ok && Array.from(decoded.packet.sack ?? [])).toEqual([1, 0, 0, 0]);
    expect(decoded.ok && Array.from(decoded.packet.payload)).toEqual([9, 9]);
  });

  it.each([
    ['shorter than a header', new Uint8Array(19), 'too-short'],
    ['version 2', Uint8Array.from([0x02, ...new Uint8Array(19)]), 'bad-version'],
    ['type 5', Uint8Array.from([0x51, ...new Uint8Array(19)]), 'bad-type'],
    ['an extension running past the end', Uint8Array.from([0x01, 1, ...new Uint8Array(18), 0, 10, 1]), 'bad-extension'],
    ['an extension header cut off', Uint8Array.from([0x01, 1, ...new Uint8Array(18), 0]), 'bad-extension'],
    ['an endless extension chain', Uint8Array.from([0x01, 1, ...new Uint8Array(18), ...Array.from({ length: 20 }, () => [1, 0]).flat()]), 'bad-extension'],
  ])('rejects %s as a value, without throwing', (_name, bytes, reason) => {
    const decoded = decodePacket(bytes);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toBe(reason);
  });

  it('tells uTP from KRPC (bencoded dictionaries start with "d")', () => {
    expect(isUtpDatagram(encodePacket(packet()))).toBe(true);
    expect(isUtpDatagram(new TextEncoder().encode('d1:ad2:id20:aaaaaaaaaaaaaaaaaaaae1:q4:ping1:t2:aa1:y1:qe'))).toBe(false);
  });
});

describe('packet codec properties', () => {
  it('round-trips 2,000 random packets and never throws on their truncations', () => {
    const random = seededRandom(2024);
    const u = (n: number): number => random.nextU32() % n;
    for (let i = 0; i < 2000; i++) {
      const p: Packet = {
        type: u(5) as Packet['type'],
        connectionId: u(0x10000),
        timestamp: random.nextU32(),
        timestampDifference: random.nextU32(),
        windowSize: random.nextU32(),
        seq: u(0x10000),
        ack: u(0x10000),
        payload: Uint8Array.from({ length: u(64) }, () => u(256)),
      };
      if (u(2) === 0) p.sack = Uint8Array.from({ length: 4 * (1 + u(8)) }, () => u(256));
      const bytes = encodePacket(p);
      expect(decodePacket(bytes)).toEqual({ ok: true, packet: p });
      const cut = bytes.subarray(0, u(bytes.length + 1));
      expect(() => decodePacket(cut)).not.toThrow();
    }
  });
});
