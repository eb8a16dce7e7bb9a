// One endpoint driven by hand: the test plays the peer with raw packets and reads what the endpoint
// sent back. For protocol details (SYN-ACK, duplicate acks, RTO spacing) and hostile input.

import { ManualClock, seededRandom } from '../clock.js';
import { UtpEndpoint, type EndpointOptions, type Remote } from '../endpoint.js';
import { decodePacket, encodePacket, PacketType, type Packet } from '../packet.js';

export const PEER: Remote = { address: '10.9.9.9', port: 6881 };

export class Harness {
  readonly clock = new ManualClock(5_000_000);
  readonly endpoint: UtpEndpoint;
  /** Every datagram the endpoint sent, decoded, with the clock time it left and the bytes as handed over. */
  readonly sent: { at: number; packet: Packet; to: Remote; bytes: Uint8Array }[] = [];

  constructor(seed = 1, options: Partial<Omit<EndpointOptions, 'clock' | 'random' | 'send'>> = {}) {
    this.endpoint = new UtpEndpoint({
      ...options,
      clock: this.clock,
      random: seededRandom(seed),
      send: (bytes, to) => {
        const decoded = decodePacket(bytes);
        if (!decoded.ok) throw new Error(`endpoint sent a malformed packet: ${decoded.reason}`);
        this.sent.push({ at: this.clock.now(), packet: decoded.packet, to, bytes });
      },
    });
  }

  /** Takes the packets sent since the last call. */
  take(): Packet[] {
    return this.sent.splice(0).map((s) => s.packet);
  }

  /** Hands the endpoint one packet from `from` (defaults filled in), then flushes its acks. */
  feed(fields: Partial<Packet>, from: Remote = PEER): boolean {
    const packet: Packet = {
      type: PacketType.STATE,
      connectionId: 0,
      timestamp: Math.floor(this.clock.now() * 1000) >>> 0,
      timestampDifference: 0,
      windowSize: 1 << 20,
      seq: 0,
      ack: 0,
      payload: new Uint8Array(0),
      ...fields,
    };
    return this.feedBytes(encodePacket(packet), from);
  }

  feedBytes(bytes: Uint8Array, from: Remote = PEER): boolean {
    const routed = this.endpoint.receive(bytes, from);
    this.endpoint.flush();
    return routed;
  }

  /** Moves the clock to the next deadline (at most `maxMs` ahead) and runs the timers. */
  advanceToDeadline(maxMs = Infinity): void {
    const next = Math.min(this.endpoint.nextDeadline(), this.clock.now() + maxMs);
    if (next === Infinity) return;
    if (next > this.clock.now()) this.clock.set(next);
    this.endpoint.tick();
    this.endpoint.flush();
  }

  advance(ms: number): void {
    const end = this.clock.now() + ms;
    while (this.endpoint.nextDeadline() <= end) this.advanceToDeadline(end - this.clock.now());
    this.clock.set(end);
    this.endpoint.tick();
  }
}
