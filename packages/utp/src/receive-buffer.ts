// The receive side of a connection: in-order data waiting for the application, packets that arrived
// ahead of a gap, the cumulative ack and the selective ACK mask. Memory is bounded by `capacity`
// bytes and `maxReorder` packets; a packet past either is dropped (the peer retransmits it).

import { seqAdd, seqDistance } from './seq.js';

export type ReceiveOutcome =
  /** New data (or FIN), now in order or buffered ahead of a gap. */
  | 'accepted'
  /** Already received: the peer did not see our ack, so ack again. */
  | 'duplicate'
  /** Too far ahead, past the window, or after the FIN: dropped unacknowledged. */
  | 'dropped';

/**
 * Largest SACK mask on a packet with payload, in bytes (256 packets past the gap): 1400 bytes of
 * payload, the header and 34 bytes of extension fit libtorrent's 1500-byte datagram buffer.
 */
export const MAX_DATA_SACK_BYTES = 32;
/**
 * Largest SACK mask on a pure ack: 252 bytes (2016 packets past the gap), the most whole 32-bit
 * words the one-byte extension length holds. A sender counts every packet the mask leaves out as
 * still in flight (libtorrent sizes its own mask to cover its whole reorder buffer), so a mask
 * shorter than what we hold past a gap fills its window with packets we already have, and it
 * stalls until its retransmission timeout.
 */
export const MAX_ACK_SACK_BYTES = 252;

export class ReceiveBuffer {
  /** The last sequence number received in order (the peer's ack_nr to us). */
  ackNr: number;
  /** The FIN's sequence number once one arrived. */
  eofSeq: number | undefined;
  private readonly ahead = new Map<number, Uint8Array>();
  private aheadBytes = 0;
  private readonly ready: Uint8Array[] = [];
  private readyBytes = 0;

  constructor(
    ackNr: number,
    private readonly capacity: number,
    private readonly maxReorder: number,
  ) {
    this.ackNr = ackNr;
  }

  /** The receive window to advertise (wnd_size): free bytes in the buffer. */
  get window(): number {
    return Math.max(0, this.capacity - this.readyBytes - this.aheadBytes);
  }

  /** Bytes ready for the application. */
  get readable(): number {
    return this.readyBytes;
  }

  /** True once every byte up to the FIN arrived. */
  get eofReached(): boolean {
    return this.eofSeq !== undefined && this.ackNr === this.eofSeq;
  }

  receive(seq: number, payload: Uint8Array, fin: boolean): ReceiveOutcome {
    const distance = seqDistance(this.ackNr, seq);
    if (distance <= 0) return 'duplicate';
    if (this.eofSeq !== undefined && seqDistance(this.eofSeq, seq) > 0) return 'dropped';
    if (distance > this.maxReorder) return 'dropped';
    if (this.ahead.has(seq)) return 'duplicate';
    if (payload.length > this.window) return 'dropped';
    if (fin) {
      // A second FIN with a different number is ignored: the first one fixed the end.
      if (this.eofSeq !== undefined && this.eofSeq !== seq) return 'dropped';
      this.eofSeq = seq;
    }
    if (distance === 1) {
      this.deliver(payload);
      this.ackNr = seq;
      // Pull whatever now follows in order out of the reorder buffer.
      for (;;) {
        const next = seqAdd(this.ackNr, 1);
        const chunk = this.ahead.get(next);
        if (chunk === undefined) break;
        this.ahead.delete(next);
        this.aheadBytes -= chunk.length;
        this.deliver(chunk);
        this.ackNr = next;
      }
    } else {
      this.ahead.set(seq, payload);
      this.aheadBytes += payload.length;
    }
    return 'accepted';
  }

  /** Takes every in-order byte waiting (zero-length array when none). */
  read(): Uint8Array[] {
    const chunks = this.ready.splice(0, this.ready.length);
    this.readyBytes = 0;
    return chunks;
  }

  /** True while packets wait ahead of a gap: the peer still owes us the missing ones. */
  get hasGap(): boolean {
    return this.ahead.size > 0;
  }

  /**
   * The SACK bitmask (bit i: ackNr + 2 + i arrived), at most `maxBytes` long (a multiple of 4), or
   * undefined with nothing out of order.
   */
  sackMask(maxBytes = MAX_DATA_SACK_BYTES): Uint8Array | undefined {
    if (this.ahead.size === 0) return undefined;
    let furthest = 0;
    for (const seq of this.ahead.keys()) furthest = Math.max(furthest, seqDistance(this.ackNr, seq) - 2);
    const bytes = Math.min(maxBytes, Math.ceil((furthest + 1) / 32) * 4);
    const mask = new Uint8Array(bytes);
    for (const seq of this.ahead.keys()) {
      const bit = seqDistance(this.ackNr, seq) - 2;
      if (bit >= 0 && bit < bytes * 8) mask[bit >> 3] = (mask[bit >> 3] ?? 0) | (1 << (bit & 7));
    }
    return mask;
  }

  private deliver(payload: Uint8Array): void {
    if (payload.length === 0) return;
    this.ready.push(payload);
    this.readyBytes += payload.length;
  }
}
