// What an incoming packet's ack_nr and SACK mask tell the sender: which packets arrived (RTT samples
// from packets sent once, LEDBAT's bytes-acked), and which are lost: three duplicate acks (BEP 29
// fast retransmit) or three later packets selectively acknowledged past a hole.

import type { Connection } from './connection.js';
import { PacketType, sackedSeqs, type Packet } from './packet.js';
import { seqDistance, seqLess } from './seq.js';
import type { OutgoingPacket } from './send-buffer.js';

/** Duplicate acks (or packets SACKed past a hole) that make a packet lost. */
export const DUPLICATE_ACKS = 3;

/** Applies the ack part of `p`; false when the packet acks data never sent and must be ignored. */
export function handleAck(conn: Connection, p: Packet, now: number): boolean {
  const send = conn.send;
  const distance = seqDistance(send.ackedTo, p.ack);
  if (distance > send.outstanding) return false; // an ack for a packet we never sent
  const flightBefore = send.flight;
  let ackedBytes = 0;
  let newestSample: OutgoingPacket | undefined;

  if (distance > 0) {
    for (const packet of send.ackUpTo(p.ack)) {
      if (!packet.sacked) ackedBytes += packet.payload.length;
      if (packet.transmissions === 1 && !packet.sacked) newestSample = packet;
    }
    conn.dupAcks = 0;
    conn.onProgress(now);
  } else if (distance === 0 && send.outstanding > 0 && p.type === PacketType.STATE && p.sack === undefined) {
    // BEP 29: the same ack_nr three times means the packet after it is lost.
    if (++conn.dupAcks === DUPLICATE_ACKS) {
      const first = send.first();
      if (first !== undefined && !first.lost) lose(conn, first, true);
    }
  }

  if (p.sack !== undefined && send.outstanding > 0) {
    let highest = -1;
    for (const seq of sackedSeqs(p.ack, p.sack)) {
      const packet = send.get(seq);
      if (packet === undefined) continue;
      if (send.sack(packet)) {
        ackedBytes += packet.payload.length;
        if (packet.transmissions === 1) newestSample = packet;
      }
      highest = Math.max(highest, seqDistance(send.ackedTo, seq));
    }
    // A packet with DUPLICATE_ACKS selectively acknowledged packets after it is lost: walk from the
    // highest SACKed packet down, counting SACKed packets above each hole.
    let above = 0;
    for (let d = highest; d >= 1; d--) {
      const packet = send.get((send.ackedTo + d) & 0xffff);
      if (packet === undefined) continue;
      if (packet.sacked) above++;
      else if (above >= DUPLICATE_ACKS && !packet.lost && sentBeforeLastResend(packet, now, conn)) lose(conn, packet, false);
    }
    if (ackedBytes > 0 && distance <= 0) conn.onProgress(now);
  }

  if (newestSample !== undefined) conn.rtt.sample(now - newestSample.sentAt);
  if (ackedBytes > 0) conn.ledbat.onAck(ackedBytes, flightBefore);
  return true;
}

/** A resent packet counts as lost again only once its resend had time to arrive (RTT plus variance). */
function sentBeforeLastResend(packet: OutgoingPacket, now: number, conn: Connection): boolean {
  return packet.transmissions === 1 || now - packet.sentAt > conn.rtt.rtt + 4 * conn.rtt.rttVar;
}

function lose(conn: Connection, packet: OutgoingPacket, fast: boolean): void {
  conn.markLost(packet);
  if (fast) conn.stats.fastRetransmits++;
  else conn.stats.sackLosses++;
  // One window cut per window of data: losses in packets sent before the last cut are the same event.
  if (seqLess(conn.lossSeq, packet.seq)) {
    conn.ledbat.onLoss();
    conn.lossSeq = seqNext(conn);
  }
}

function seqNext(conn: Connection): number {
  return (conn.send.nextSeq() - 1) & 0xffff;
}
