import { describe, expect, it } from '@jest/globals';
import type { Connection } from './connection.js';
import { PacketType } from './packet.js';
import { Harness, PEER } from './testing/harness.js';

/** A connection from the harness's endpoint to PEER, answered by a hand-made SYN-ACK. */
function connected(h: Harness): { conn: Connection; synSeq: number } {
  const conn = h.endpoint.connect(PEER);
  const [syn] = h.take();
  const synSeq = syn?.seq ?? 0;
  h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 40, ack: synSeq });
  h.take();
  return { conn, synSeq };
}

describe('connection timers', () => {
  it('sends a keep-alive ack after 29 s without sending anything, and again 29 s later', () => {
    const h = new Harness(1);
    const { conn } = connected(h);
    const start = h.clock.now();
    h.advance(28_000);
    expect(h.take()).toEqual([]);
    h.advance(1_000);
    const [keepAlive] = h.sent.splice(0);
    expect(keepAlive?.packet.type).toBe(PacketType.STATE);
    expect(keepAlive?.at).toBe(start + 29_000);
    h.advance(29_000);
    expect(h.take().map((p) => p.type)).toEqual([PacketType.STATE]);
    expect(conn.state).toBe('connected');
  });

  it('closes with ETIMEDOUT when the idle timeout passes without a packet from the peer', () => {
    const h = new Harness(2, { connection: { idleTimeoutMs: 60_000 } });
    const { conn } = connected(h);
    let error: string | undefined;
    conn.events = { close: (e) => (error = e?.code) };
    h.advance(59_000);
    expect(conn.state).toBe('connected');
    h.advance(1_000);
    expect(error).toBe('ETIMEDOUT');
  });

  it('acks a retransmitted FIN during time-wait, then forgets the connection', () => {
    const h = new Harness(3);
    const { conn, synSeq } = connected(h);
    let closed = false;
    conn.events = { end: () => conn.end(), close: () => (closed = true) };
    h.feed({ type: PacketType.FIN, connectionId: conn.recvId, seq: 40, ack: synSeq });
    const fin = h.take().find((p) => p.type === PacketType.FIN);
    expect(fin).toBeDefined();
    h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 41, ack: fin?.seq ?? 0 });
    expect(closed).toBe(true);
    expect(conn.state).toBe('closed');
    // Its ack of our FIN... and the peer's FIN again, as if our ack got lost.
    h.take();
    h.feed({ type: PacketType.FIN, connectionId: conn.recvId, seq: 40, ack: fin?.seq ?? 0 });
    expect(h.take().map((p) => [p.type, p.ack])).toEqual([[PacketType.STATE, 40]]);
    h.advance(2_000);
    expect(h.endpoint.size).toBe(0);
  });
});
