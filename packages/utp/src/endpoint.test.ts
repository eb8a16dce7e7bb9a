import { describe, expect, it } from '@jest/globals';
import { ManualClock, seededRandom } from './clock.js';
import { UtpEndpoint, type Remote } from './endpoint.js';
import { PacketType } from './packet.js';
import { Harness, PEER } from './testing/harness.js';
import { testData } from './testing/transfer.js';

function largestPayload(remote: Remote, loopbackPacketSize?: number): number {
  const h = new Harness(1, loopbackPacketSize === undefined ? {} : { connection: { loopbackPacketSize } });
  const conn = h.endpoint.connect(remote);
  const [syn] = h.take();
  h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 10, ack: syn?.seq ?? 0 }, remote);
  conn.write(testData(200_000));
  return Math.max(...h.take().map((p) => p.payload.length));
}

describe('UtpEndpoint', () => {
  it('uses 1400-byte packets by default, loopbackPacketSize only towards loopback addresses', () => {
    expect(largestPayload(PEER)).toBe(1400);
    expect(largestPayload({ address: '127.0.0.1', port: 6881 })).toBe(1400);
    expect(largestPayload(PEER, 16 * 1024)).toBe(1400);
    expect(largestPayload({ address: '127.0.0.1', port: 6881 }, 16 * 1024)).toBe(16 * 1024);
    expect(largestPayload({ address: '::1', port: 6881 }, 16 * 1024)).toBe(16 * 1024);
  });

  it('changes the packet size of one connection on request', () => {
    const h = new Harness(4);
    const conn = h.endpoint.connect(PEER);
    const [syn] = h.take();
    h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 10, ack: syn?.seq ?? 0 });
    conn.setPacketSize(8000);
    conn.write(testData(100_000));
    expect(Math.max(...h.take().map((p) => p.payload.length))).toBe(8000);
  });

  it('rejects a packet size it cannot put on the wire with EINVAL naming the option', () => {
    const make = (packetSize: number): UtpEndpoint =>
      new UtpEndpoint({ clock: new ManualClock(), random: seededRandom(1), send: () => {}, connection: { packetSize } });
    expect(() => make(10)).toThrow(expect.objectContaining({ code: 'EINVAL', field: 'packetSize' }));
    expect(() => make(70_000)).toThrow(expect.objectContaining({ code: 'EINVAL', field: 'packetSize' }));
  });

  it('routes a retransmitted SYN to the connection it made, which answers it again', () => {
    const h = new Harness(2);
    h.endpoint.accepting = true;
    h.feed({ type: PacketType.SYN, connectionId: 900, seq: 5 });
    h.feed({ type: PacketType.SYN, connectionId: 900, seq: 5 });
    expect(h.endpoint.size).toBe(1);
    const answers = h.take();
    expect(answers.map((p) => [p.type, p.ack, p.connectionId])).toEqual([
      [PacketType.STATE, 5, 900],
      [PacketType.STATE, 5, 900],
    ]);
  });

  it('reports datagrams that are not uTP as not routed (for the DHT), and counts malformed uTP', () => {
    const h = new Harness(3);
    expect(h.feedBytes(new TextEncoder().encode('d1:ad2:id20:aaaaaaaaaaaaaaaaaaaae1:q4:ping1:t2:aa1:y1:qe'))).toBe(false);
    const badExtension = new Uint8Array(22);
    badExtension[0] = 0x21;
    badExtension[1] = 1;
    badExtension[21] = 200;
    expect(h.feedBytes(badExtension)).toBe(true);
    expect(h.endpoint.stats.malformed).toBe(1);
  });
});
