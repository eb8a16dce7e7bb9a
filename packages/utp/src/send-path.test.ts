import { describe, expect, it } from '@jest/globals';
import type { Connection } from './connection.js';
import { DEFAULT_CONNECTION_OPTIONS } from './options.js';
import { DATAGRAM_HEADROOM, PacketType } from './packet.js';
import { Harness, PEER } from './testing/harness.js';

/** A connection from the harness's endpoint to PEER, answered by a hand-made SYN-ACK. */
function connected(h: Harness): Connection {
  const conn = h.endpoint.connect(PEER);
  const [syn] = h.take();
  h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 40, ack: syn?.seq ?? 0 });
  h.take();
  return conn;
}

function bytes(length: number, start: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

describe('send path', () => {
  it('copies a payload cut across two writes once: the header is written in front of it in the same buffer', () => {
    const h = new Harness(3);
    const conn = connected(h);
    conn.writeQueued(bytes(1000, 0));
    conn.writeQueued(bytes(1000, 1000 % 256));
    conn.pump();
    const [first, second] = h.sent.splice(0).filter((s) => s.packet.type === PacketType.DATA);
    expect(Array.from(first?.packet.payload ?? [])).toEqual(Array.from(bytes(1400, 0)));
    expect(Array.from(second?.packet.payload ?? [])).toEqual(Array.from(bytes(600, 1400 % 256)));
    // One buffer of headroom + payload: the datagram handed to the socket is its tail.
    expect(first?.bytes.buffer.byteLength).toBe(DATAGRAM_HEADROOM + 1400);
    expect(first?.bytes.byteOffset).toBe(DATAGRAM_HEADROOM - 20);
  });

  it('resends a lost packet from a fresh buffer and leaves the first datagram as it was sent', () => {
    const h = new Harness(4);
    const conn = connected(h);
    conn.writeQueued(bytes(700, 0));
    conn.writeQueued(bytes(700, 700 % 256));
    conn.pump();
    const first = h.sent.splice(0).find((s) => s.packet.type === PacketType.DATA);
    const firstBytes = Uint8Array.from(first?.bytes ?? []);
    h.advanceToDeadline(); // the retransmission timeout
    const resent = h.sent.splice(0).find((s) => s.packet.type === PacketType.DATA);
    expect(resent?.packet.seq).toBe(first?.packet.seq);
    expect(Array.from(resent?.packet.payload ?? [])).toEqual(Array.from(bytes(1400, 0)));
    expect(resent?.bytes.buffer).not.toBe(first?.bytes.buffer);
    expect(Array.from(first?.bytes ?? [])).toEqual(Array.from(firstBytes));
    expect(conn.stats.retransmitted).toBe(1);
  });

  it('advertises a 4 MiB receive window', () => {
    expect(DEFAULT_CONNECTION_OPTIONS.receiveWindow).toBe(4 * 1024 * 1024);
    const h = new Harness(5);
    h.endpoint.connect(PEER);
    expect(h.take()[0]?.windowSize).toBe(4 * 1024 * 1024);
  });
});

describe('write back-pressure', () => {
  /** Acks every data packet sent so far, as the peer would (window: 1 MiB); returns how many. */
  function ackAll(h: Harness, conn: Connection): number {
    const data = h.sent.splice(0).filter((s) => s.packet.type === PacketType.DATA);
    const last = data.at(-1);
    if (last !== undefined) h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 41, ack: last.packet.seq, windowSize: 1 << 20 });
    return data.length;
  }

  it('lets a writer queue one window beyond a full window in flight, then waits for drain', () => {
    const h = new Harness(6);
    const conn = connected(h);
    h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 41, ack: conn.send.ackedTo, windowSize: 1 << 20 });
    conn.ledbat.cwnd = 1 << 20; // a connection out of slow start at a 1 MiB window
    expect(conn.write(new Uint8Array(1 << 20))).toBe(true);
    expect(conn.send.flight).toBeGreaterThan((1 << 20) - 1400);
    expect(conn.write(new Uint8Array((1 << 20) - 4096))).toBe(true); // queued, unsent: under one window
    let drained = 0;
    conn.events.drain = () => drained++;
    expect(conn.write(new Uint8Array(8192))).toBe(false);
    expect(drained).toBe(0);
    ackAll(h, conn); // a window's worth leaves, what was queued goes out
    expect(drained).toBe(1);
    expect(conn.send.queued).toBeLessThan(1 << 20);
  });

  it('a slow connection makes the writer wait after a few packets, and drains as acks open the window', () => {
    const h = new Harness(7);
    const conn = connected(h);
    let drained = 0;
    conn.events.drain = () => drained++;
    expect(conn.write(new Uint8Array(64 * 1024))).toBe(false); // two packets in flight, 61 KiB queued
    for (let round = 0; round < 20 && drained === 0; round++) expect(ackAll(h, conn)).toBeGreaterThan(0);
    expect(drained).toBe(1);
  });

  it('never holds more than sendBuffer bytes unacknowledged without asking the writer to wait', () => {
    const h = new Harness(8, { connection: { sendBuffer: 32 * 1024 } });
    const conn = connected(h);
    h.feed({ type: PacketType.STATE, connectionId: conn.recvId, seq: 41, ack: conn.send.ackedTo, windowSize: 1 << 20 });
    conn.ledbat.cwnd = 1 << 20;
    expect(conn.write(new Uint8Array(30 * 1024))).toBe(true);
    expect(conn.write(new Uint8Array(4 * 1024))).toBe(false);
  });
});
