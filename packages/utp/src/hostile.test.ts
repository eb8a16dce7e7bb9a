import { describe, expect, it } from '@jest/globals';
import { seededRandom } from './clock.js';
import { HALF_OPEN_TIMEOUT_MS } from './connection.js';
import { PacketType } from './packet.js';
import { Harness, PEER } from './testing/harness.js';
import { ADDRESS_A, Sim } from './testing/sim.js';
import { testData, transfer } from './testing/transfer.js';

describe('hostile input to an endpoint', () => {
  it('survives 10,000 random datagrams (many with a valid first byte) holding bounded state', () => {
    const h = new Harness(1);
    h.endpoint.accepting = true;
    const random = seededRandom(99);
    for (let i = 0; i < 10_000; i++) {
      const bytes = new Uint8Array(random.nextU32() % 120);
      for (let j = 0; j < bytes.length; j++) bytes[j] = random.nextU32() & 0xff;
      if (i % 2 === 0 && bytes.length > 0) bytes[0] = ((random.nextU32() % 5) << 4) | 1;
      const from = { address: '10.1.1.1', port: 1 + (random.nextU32() % 50_000) };
      expect(() => h.feedBytes(bytes, from)).not.toThrow();
      if (i % 1000 === 0) h.advance(1);
    }
    expect(h.endpoint.size).toBeLessThanOrEqual(64);
    expect(h.endpoint.stats.malformed + h.endpoint.stats.unknownConnection + h.endpoint.stats.synsDropped).toBeGreaterThan(1000);
    // The RESET budget held: a few per simulated second, not one per datagram.
    expect(h.endpoint.stats.resetsSent).toBeLessThan(1000);
  });

  it('a SYN flood fills only the half-open table; the rest costs a counter; it drains after the timeout', () => {
    const h = new Harness(2);
    h.endpoint.accepting = true;
    for (let i = 0; i < 10_000; i++) h.feed({ type: PacketType.SYN, connectionId: i, seq: i }, { address: '10.2.2.2', port: 1024 + i });
    expect(h.endpoint.halfOpenCount).toBe(64);
    expect(h.endpoint.size).toBe(64);
    expect(h.endpoint.stats.synsDropped).toBe(10_000 - 64);
    // Each accepted SYN got one SYN-ACK; the dropped ones got nothing.
    expect(h.take().length).toBe(64);
    h.advance(HALF_OPEN_TIMEOUT_MS + 2500);
    expect(h.endpoint.size).toBe(0);
    expect(h.endpoint.halfOpenCount).toBe(0);
    // And a real connection is accepted afterwards.
    h.feed({ type: PacketType.SYN, connectionId: 500, seq: 77 });
    const [synAck] = h.take();
    expect(synAck?.type).toBe(PacketType.STATE);
    expect(synAck?.ack).toBe(77);
    expect(synAck?.connectionId).toBe(500);
  });

  it('packets with connection ids it does not know are counted and answered with rate-limited RESETs', () => {
    const h = new Harness(3);
    for (let i = 0; i < 500; i++) h.feed({ type: PacketType.DATA, connectionId: 1000 + i, seq: i, payload: new Uint8Array(10) });
    expect(h.endpoint.stats.unknownConnection).toBe(500);
    const resets = h.take();
    expect(resets.length).toBe(50);
    expect(resets.every((p) => p.type === PacketType.RESET)).toBe(true);
    // Never a RESET in answer to a RESET.
    h.advance(2000);
    h.feed({ type: PacketType.RESET, connectionId: 4242 });
    expect(h.take()).toEqual([]);
  });

  it('ignores an ack for data never sent, and forged ids mid-transfer do not disturb it', () => {
    const sim = new Sim(4, { delayMs: 10, bytesPerMs: 5000 });
    let forged = 0;
    const original = sim.run.bind(sim);
    sim.run = (done, maxMs) =>
      original(() => {
        const server = sim.b.connections()[0];
        if (server !== undefined && forged < 200) {
          forged++;
          // From the client's address: an ack far beyond anything sent, then random ids.
          sim.inject('b', encodeState(server.recvId, (server.send.ackedTo + 1000) & 0xffff), ADDRESS_A);
          sim.inject('b', encodeState((server.recvId + 7 + forged) & 0xffff, 0), ADDRESS_A);
        }
        return done();
      }, maxMs);
    const data = testData(1024 * 1024, 4);
    const result = transfer(sim, data);
    expect(Buffer.compare(result.received, data)).toBe(0);
    expect(forged).toBe(200);
    expect(sim.b.stats.unknownConnection).toBeGreaterThan(100);
  });

  it('a peer advertising a zero window forever gets one probe per timeout, never a flood', () => {
    const h = new Harness(5);
    const conn = h.endpoint.connect(PEER);
    const [syn] = h.take();
    h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 300, ack: syn?.seq ?? 0, windowSize: 0 });
    conn.write(testData(1024 * 1024));
    let answered = 0;
    const start = h.clock.now();
    while (h.clock.now() - start < 60_000 && conn.state !== 'closed') {
      for (const p of h.take()) {
        if (p.type !== PacketType.DATA) continue;
        answered++;
        // Ack the probe, still with no room.
        h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 300, ack: p.seq, windowSize: 0 });
      }
      h.advanceToDeadline(60_000);
    }
    // One probe per retransmission timeout (500 ms at least), each acked and refused again.
    expect(answered).toBeGreaterThan(10);
    expect(answered).toBeLessThanOrEqual(60_000 / 500 + 1);
    expect(conn.state).toBe('connected');
  });

  it('three duplicate acks retransmit the first unacknowledged packet (BEP 29 fast retransmit)', () => {
    const h = new Harness(6, { connection: { packetSize: 1000 } });
    const conn = h.endpoint.connect(PEER);
    const [syn] = h.take();
    h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 300, ack: syn?.seq ?? 0 });
    h.take();
    conn.write(testData(10_000));
    const data = h.take().filter((p) => p.type === PacketType.DATA);
    expect(data.length).toBeGreaterThan(1);
    const first = data[0]?.seq ?? 0;
    for (let i = 0; i < 3; i++) h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 300, ack: (first - 1) & 0xffff });
    const resent = h.take().filter((p) => p.type === PacketType.DATA);
    expect(resent[0]?.seq).toBe(first);
    expect(conn.stats.fastRetransmits).toBe(1);
  });

  it('a RESET that acks beyond what we sent is ignored; a proper one resets the connection', () => {
    const h = new Harness(7);
    const conn = h.endpoint.connect(PEER);
    const [syn] = h.take();
    h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 300, ack: syn?.seq ?? 0 });
    let error: string | undefined;
    conn.events = { close: (e) => (error = e?.code) };
    h.feed({ type: PacketType.RESET, connectionId: conn.sendId, ack: ((syn?.seq ?? 0) + 5000) & 0xffff });
    expect(conn.state).toBe('connected');
    h.feed({ type: PacketType.RESET, connectionId: conn.sendId, ack: syn?.seq ?? 0 });
    expect(error).toBe('ECONNRESET');
    expect(h.endpoint.size).toBe(0);
  });
});

function encodeState(connectionId: number, ack: number): Uint8Array {
  const bytes = new Uint8Array(20);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, (PacketType.STATE << 4) | 1);
  view.setUint16(2, connectionId);
  view.setUint32(12, 1 << 20);
  view.setUint16(18, ack);
  return bytes;
}
