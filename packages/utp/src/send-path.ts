// The send path of a connection: what goes out when, within the congestion window (LEDBAT), the
// peer's receive window and the zero-window probe rule. Works on a Connection's internal fields.

import type { Connection } from './connection.js';
import { DATAGRAM_HEADROOM, PacketType } from './packet.js';
import type { OutgoingPacket } from './send-buffer.js';

/** Sends what the windows allow: lost packets first, then new data, then the FIN. */
export function pump(c: Connection): void {
  if (c.state !== 'connected') return;
  const now = c.clock.now();
  for (;;) {
    const lost = firstLost(c);
    if (lost !== undefined) {
      // The oldest unacked packet goes out regardless of the window (as TCP's fast retransmit does):
      // nothing moves until it arrives, and each loss verdict needed fresh evidence.
      if (lost !== c.send.first() && !mayPut(c, lost.payload.length, now)) return;
      c.send.resent(lost, now);
      c.stats.retransmitted++;
      c.transmit(lost.type, lost.seq, lost.payload);
      continue;
    }
    if (c.send.queued > 0) {
      if (c.send.outstanding >= c.options.maxReorder / 2) return;
      let bytes = Math.min(c.options.packetSize, c.send.queued);
      // Nothing in flight and a small (not closed) peer window: send what fits.
      if (c.send.flight === 0 && c.peerWindow > 0 && c.peerWindow < bytes) bytes = c.peerWindow;
      if (!mayPut(c, bytes, now)) return;
      const { payload, datagram } = c.send.take(bytes, DATAGRAM_HEADROOM);
      c.sendNew(PacketType.DATA, payload, now, datagram);
      continue;
    }
    if (c.finQueued && c.finSeq === undefined) {
      c.finSeq = c.seqNr;
      c.sendNew(PacketType.FIN, new Uint8Array(0), now);
    }
    return;
  }
}

/** Whether a packet of `bytes` fits the congestion and peer windows now (or is a due window probe). */
function mayPut(c: Connection, bytes: number, now: number): boolean {
  if (c.send.flight > 0) return c.send.flight + bytes <= Math.min(c.ledbat.cwnd, c.peerWindow);
  // One packet may always be in flight (the minimum window), unless the peer's window is closed:
  // then one probe per timeout, so a peer advertising zero forever costs a packet per RTO.
  if (c.peerWindow >= bytes) {
    c.probeAt = undefined;
    return true;
  }
  if (c.probeAt === undefined) c.probeAt = now + c.rtt.rto;
  if (now < c.probeAt) return false;
  c.probeAt = undefined;
  return true;
}

/** The oldest packet marked lost and not yet resent. */
function firstLost(c: Connection): OutgoingPacket | undefined {
  if (c.lostCount === 0) return undefined;
  for (const p of c.send.unacked()) if (p.lost) return p;
  c.lostCount = 0;
  return undefined;
}
