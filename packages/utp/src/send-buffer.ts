// The send side of a connection: bytes written but not yet packetized, and packets sent but not yet
// acknowledged (in sequence order, oldest first). "In flight" counts the payload of packets that are
// neither acknowledged, selectively acknowledged, nor marked lost.

import type { PacketType } from './packet.js';
import { seqAdd, seqDistance } from './seq.js';

export interface OutgoingPacket {
  seq: number;
  type: typeof PacketType.DATA | typeof PacketType.FIN;
  payload: Uint8Array;
  /** Clock time of the last transmission, in ms. */
  sentAt: number;
  transmissions: number;
  /** Selectively acknowledged: no longer in flight, but not yet covered by the cumulative ack. */
  sacked: boolean;
  /** Judged lost (timeout, duplicate acks, SACK): waiting to be sent again. */
  lost: boolean;
}

/** Packets in flight that count: payload bytes, and a FIN as one byte so it occupies the window. */
function weight(p: OutgoingPacket): number {
  return Math.max(1, p.payload.length);
}

export class SendBuffer {
  /** The peer's cumulative ack: every sequence number up to this one is acknowledged. */
  ackedTo: number;
  /** Bytes of packets in flight. */
  flight = 0;
  private packets: OutgoingPacket[] = [];
  private head = 0;
  private readonly queue: Uint8Array[] = [];
  private queueOffset = 0;
  /** Bytes written and not yet packetized. */
  queued = 0;

  constructor(ackedTo: number) {
    this.ackedTo = ackedTo;
  }

  get outstanding(): number {
    return this.packets.length - this.head;
  }

  /** The oldest unacknowledged packet. */
  first(): OutgoingPacket | undefined {
    return this.packets[this.head];
  }

  /** The packet with this sequence number, if outstanding. */
  get(seq: number): OutgoingPacket | undefined {
    const index = seqDistance(this.ackedTo, seq) - 1;
    if (index < 0 || index >= this.outstanding) return undefined;
    return this.packets[this.head + index];
  }

  *unacked(): Iterable<OutgoingPacket> {
    for (let i = this.head; i < this.packets.length; i++) yield this.packets[i] as OutgoingPacket;
  }

  enqueue(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queue.push(bytes);
    this.queued += bytes.length;
  }

  /**
   * Cuts up to `max` queued bytes into one payload. Within one written chunk it is a view of that
   * chunk (no copy: the encoder copies it once). Across chunks the bytes are copied into a new
   * buffer after `headroom` free bytes, and that buffer is returned as `datagram` for the header to
   * be written in front of the payload, so those bytes too are copied only once.
   */
  take(max: number, headroom = 0): { payload: Uint8Array; datagram?: Uint8Array } {
    const size = Math.min(max, this.queued);
    const first = this.queue[0];
    if (first !== undefined && first.length - this.queueOffset >= size) {
      const payload = first.subarray(this.queueOffset, this.queueOffset + size);
      this.queueOffset += size;
      if (this.queueOffset === first.length) this.dropFirstChunk();
      this.queued -= size;
      return { payload };
    }
    const datagram = new Uint8Array(headroom + size);
    let filled = headroom;
    while (filled < datagram.length) {
      const chunk = this.queue[0] as Uint8Array;
      const n = Math.min(datagram.length - filled, chunk.length - this.queueOffset);
      datagram.set(chunk.subarray(this.queueOffset, this.queueOffset + n), filled);
      filled += n;
      this.queueOffset += n;
      if (this.queueOffset === chunk.length) this.dropFirstChunk();
    }
    this.queued -= size;
    return { payload: datagram.subarray(headroom), datagram };
  }

  /** Records a packet just sent for the first time. */
  push(packet: OutgoingPacket): void {
    this.packets.push(packet);
    this.flight += weight(packet);
  }

  /** A packet sent again after being lost. */
  resent(packet: OutgoingPacket, now: number): void {
    if (packet.lost) this.flight += weight(packet);
    packet.lost = false;
    packet.sentAt = now;
    packet.transmissions++;
  }

  /** Marks a packet lost: it leaves the flight until sent again. */
  markLost(packet: OutgoingPacket): boolean {
    if (packet.lost || packet.sacked) return false;
    packet.lost = true;
    this.flight -= weight(packet);
    return true;
  }

  /** Cumulative ack up to `ack`: returns the packets it released. */
  ackUpTo(ack: number): OutgoingPacket[] {
    const count = seqDistance(this.ackedTo, ack);
    const released: OutgoingPacket[] = [];
    for (let i = 0; i < count; i++) {
      const p = this.packets[this.head++] as OutgoingPacket;
      if (!p.sacked && !p.lost) this.flight -= weight(p);
      released.push(p);
    }
    this.ackedTo = ack;
    if (this.head > 1024 && this.head * 2 > this.packets.length) {
      this.packets = this.packets.slice(this.head);
      this.head = 0;
    }
    return released;
  }

  /** Selective ack of one outstanding packet: true when it was news. */
  sack(packet: OutgoingPacket): boolean {
    if (packet.sacked) return false;
    if (!packet.lost) this.flight -= weight(packet);
    packet.sacked = true;
    packet.lost = false;
    return true;
  }

  /** The next sequence number after the newest outstanding packet. */
  nextSeq(): number {
    return seqAdd(this.ackedTo, this.outstanding + 1);
  }

  private dropFirstChunk(): void {
    this.queue.shift();
    this.queueOffset = 0;
  }
}

export { weight as packetWeight };
