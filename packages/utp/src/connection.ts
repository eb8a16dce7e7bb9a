// One uTP connection as a sans-I/O state machine: packets in (`receive`), datagrams out (the `output`
// callback), and a deadline (`deadline`) at which `onTimer` must run. Application data is pulled with
// `read()` (the receive window reopens as it is read) and pushed with `write()`.
// States and transitions are in STATE.md beside this file.

import { microseconds, type Clock } from './clock.js';
import type { ConnectionEvents, ConnectionInit, ConnectionState } from './connection-types.js';
import { UtpError } from './errors.js';
import { Ledbat } from './ledbat.js';
import { encodeHeaderBefore, encodePacket, PacketType, type Packet } from './packet.js';
import type { ResolvedConnectionOptions } from './options.js';
import { MAX_ACK_SACK_BYTES, MAX_DATA_SACK_BYTES, ReceiveBuffer } from './receive-buffer.js';
import { RttEstimator } from './rtt.js';
import { handleAck } from './ack.js';
import { SendBuffer, type OutgoingPacket } from './send-buffer.js';
import { seqAdd, seqDistance, u32Sub } from './seq.js';
import { pump } from './send-path.js';

export type { ConnectionEvents, ConnectionInit, ConnectionState } from './connection-types.js';

/** After closing, keep answering retransmitted FINs this long (or two RTOs) before forgetting. */
const TIME_WAIT_MS = 2000;
/** An accepted connection whose peer sends nothing after our SYN-ACK is dropped after this long. */
export const HALF_OPEN_TIMEOUT_MS = 10_000;

export class Connection {
  events: ConnectionEvents = {};
  state: ConnectionState;
  readonly recvId: number;
  readonly sendId: number;
  /** Why it closed, once closed. */
  error: UtpError | undefined;
  /** True once closed and past the time-wait: the owner forgets it. */
  dead = false;

  readonly rtt = new RttEstimator();
  readonly ledbat: Ledbat;
  /** Bytes the peer can still take (its last wnd_size). */
  peerWindow = 0;
  readonly send: SendBuffer;
  recv: ReceiveBuffer;
  dupAcks = 0;
  /** Losses up to this sequence number belong to one window: halve cwnd once per window. */
  lossSeq: number;
  retransmits = 0;
  /** Counters for tests and stats. */
  readonly stats = { packetsSent: 0, packetsReceived: 0, retransmitted: 0, timeouts: 0, fastRetransmits: 0, sackLosses: 0 };

  readonly clock: Clock;
  options: ResolvedConnectionOptions;
  // Fields without `private` below are internal: ack.ts and send-path.ts work on them.
  private readonly output: (bytes: Uint8Array) => void;
  private readonly onEstablished: (() => void) | undefined;
  seqNr: number;
  private synSeq = 0;
  private replyMicro = 0;
  private ackPending = false;
  private readonly onAckPending: ((connection: Connection) => void) | undefined;
  finQueued = false;
  finSeq: number | undefined;
  private endEmitted = false;
  private wantDrain = false;
  private timerStart: number;
  private lastSent: number;
  private lastReceived: number;
  private closedAt = 0;
  /** When the next zero-window probe may go out (the peer's window is closed, nothing in flight). */
  probeAt: number | undefined;

  constructor(init: ConnectionInit, state: 'syn-sent' | 'syn-recv') {
    this.recvId = init.recvId;
    this.sendId = init.sendId;
    this.clock = init.clock;
    this.options = init.options;
    this.output = init.output;
    this.onEstablished = init.onEstablished;
    this.onAckPending = init.onAckPending;
    this.state = state;
    this.seqNr = (init.initialSeq ?? init.random.nextU32()) & 0xffff;
    this.send = new SendBuffer(seqAdd(this.seqNr, -1));
    this.recv = new ReceiveBuffer(0, init.options.receiveWindow, init.options.maxReorder);
    this.lossSeq = seqAdd(this.seqNr, -1);
    const o = init.options;
    this.ledbat = new Ledbat({ minWindow: o.packetSize, maxWindow: o.maxWindow, targetMs: o.targetDelayMs, gainBytes: o.gainBytes, slowStart: o.slowStart });
    const now = this.clock.now();
    this.timerStart = now;
    this.lastSent = now;
    this.lastReceived = now;
  }

  /** Outgoing: send the SYN (its sequence number is consumed; BEP 29). */
  connect(): void {
    this.synSeq = this.seqNr;
    this.seqNr = seqAdd(this.seqNr, 1);
    this.send.ackedTo = this.synSeq;
    this.transmit(PacketType.SYN, this.synSeq, new Uint8Array(0), this.recvId);
    this.timerStart = this.clock.now();
  }

  /** Incoming: a SYN created this connection; answer with ST_STATE (the SYN-ACK). */
  acceptSyn(syn: Packet): void {
    this.synSeq = syn.seq;
    this.recv = new ReceiveBuffer(syn.seq, this.options.receiveWindow, this.options.maxReorder);
    this.noteReceived(syn);
    this.sendState();
  }

  /**
   * Changes the payload size of packets sent from now on, e.g. to 16 KiB once the peer on a loopback
   * address is known to take large packets (libtorrent does not). Validate with `checkPacketSize`.
   */
  setPacketSize(bytes: number): void {
    this.options = { ...this.options, packetSize: bytes };
    this.ledbat.minWindow = bytes;
    this.ledbat.cwnd = Math.max(this.ledbat.cwnd, bytes);
  }

  get readable(): number {
    return this.recv.readable;
  }

  /** Bytes written and not yet acknowledged. */
  get bufferedAmount(): number {
    return this.send.queued + this.send.flight;
  }

  read(): Uint8Array[] {
    const before = this.recv.window;
    const chunks = this.recv.read();
    // Window update: tell a peer that may be waiting on a small window that it reopened.
    if (before < this.options.packetSize * 2 && this.recv.window >= this.options.packetSize * 2) this.wantAck();
    this.checkEnd();
    return chunks;
  }

  /** Queues bytes and sends what the windows allow; false when the writer should wait for `drain`. */
  write(bytes: Uint8Array): boolean {
    if (!this.writeQueued(bytes)) return false;
    this.pump();
    return this.admitMore();
  }

  /** Queues bytes without sending (after a batch: `pump()`, then `admitMore()`); false once closed or ended. */
  writeQueued(bytes: Uint8Array): boolean {
    if (this.state === 'closed' || this.finQueued) return false;
    this.send.enqueue(bytes);
    return true;
  }

  /** True when the writer may hand over more now; false means a `drain` event follows once it may. */
  admitMore(): boolean {
    if (this.mayQueue) return true;
    this.wantDrain = true;
    return false;
  }

  /**
   * Unsent bytes may reach one window (the smaller of cwnd and the peer's window, at least two
   * packets) beyond those in flight, and all unacknowledged bytes `sendBuffer`. Like TCP's send
   * buffer, which the kernel sizes from the congestion window: when an ack opens room on a fast
   * connection a window's worth is ready to go, even if the writer is slow to produce more (a seeder
   * reading blocks from disk), while a slow connection holds little.
   */
  private get mayQueue(): boolean {
    const window = Math.max(2 * this.options.packetSize, Math.min(this.ledbat.cwnd, this.peerWindow));
    return this.send.queued < window && this.bufferedAmount < this.options.sendBuffer;
  }

  /** No more writes: a FIN follows the queued data. */
  end(): void {
    if (this.state === 'closed' || this.finQueued) return;
    this.finQueued = true;
    this.pump();
  }

  /** Abort: ST_RESET to the peer when it knows us, then closed. */
  destroy(error?: UtpError): void {
    if (this.state === 'closed') return;
    if (this.state !== 'syn-sent') {
      this.output(encodePacket(this.header(PacketType.RESET, this.stateSeq, new Uint8Array(0))));
    }
    this.close(error, false);
  }

  /** An ack is owed; `flush` sends it unless a data packet carries it first. */
  private wantAck(): void {
    if (this.ackPending) return;
    this.ackPending = true;
    this.onAckPending?.(this);
  }

  /** Sends the pending ack, if the packets since the last one left any (call after a batch). */
  flush(): void {
    if (this.ackPending && this.state !== 'syn-sent' && !this.dead) this.sendState();
  }

  /** When `onTimer` must run next (ms on the injected clock); Infinity when nothing is pending. */
  get deadline(): number {
    if (this.dead) return Infinity;
    if (this.state === 'closed') return this.closedAt + Math.max(TIME_WAIT_MS, 2 * this.rtt.rto);
    if (this.state === 'syn-recv') return this.timerStart + HALF_OPEN_TIMEOUT_MS;
    let at = this.lastSent + this.options.keepAliveMs;
    if (this.send.outstanding > 0 || this.state === 'syn-sent') at = Math.min(at, this.timerStart + this.rtt.rto);
    if (this.options.idleTimeoutMs > 0) at = Math.min(at, this.lastReceived + this.options.idleTimeoutMs);
    if (this.recv.hasGap) at = Math.min(at, this.lastReceived + this.silentPeerMs);
    if (this.probeAt !== undefined) at = Math.min(at, this.probeAt);
    return at;
  }

  onTimer(): void {
    const now = this.clock.now();
    if (now < this.deadline) return;
    if (this.state === 'closed') {
      this.dead = true;
      return;
    }
    if (this.state === 'syn-recv') return this.close(undefined, true);
    if (this.options.idleTimeoutMs > 0 && now >= this.lastReceived + this.options.idleTimeoutMs) {
      return this.close(new UtpError('ETIMEDOUT', 'nothing received within the idle timeout'), true);
    }
    if (this.recv.hasGap && now >= this.lastReceived + this.silentPeerMs) {
      return this.close(new UtpError('ETIMEDOUT', 'the peer went silent with data missing'), true);
    }
    if ((this.send.outstanding > 0 || this.state === 'syn-sent') && now >= this.timerStart + this.rtt.rto) return this.timeout(now);
    if (this.probeAt !== undefined && now >= this.probeAt) return this.pump();
    this.sendState(); // keep-alive
  }

  /** A packet for this connection (the endpoint matched its connection id and address). */
  receive(p: Packet): void {
    if (this.dead) return;
    if (this.state === 'closed') {
      // Time-wait: ack a retransmitted FIN or data so the peer can finish too.
      if (p.type === PacketType.DATA || p.type === PacketType.FIN) this.sendState();
      return;
    }
    if (p.type === PacketType.RESET) {
      // libtorrent's check: a RESET must not ack beyond what we sent.
      if (this.state !== 'syn-sent' && seqDistance(seqAdd(this.seqNr, -1), p.ack) > 0) return;
      // Both FINs exchanged and all our data acked, only the FIN's ack missing: the peer already
      // forgot us (its time-wait ended first). Every byte arrived both ways: a clean close.
      if (this.finSeq !== undefined && this.recv.eofReached && seqDistance(this.send.ackedTo, this.finSeq) <= 1) {
        return this.close(undefined, false);
      }
      const code = this.state === 'syn-sent' ? 'ECONNREFUSED' : 'ECONNRESET';
      return this.close(new UtpError(code, code === 'ECONNREFUSED' ? 'connection refused by the peer' : 'connection reset by the peer'), false);
    }
    if (p.type === PacketType.SYN) {
      // A retransmitted SYN: our SYN-ACK got lost.
      if (this.state !== 'syn-sent' && p.seq === this.synSeq) this.sendState();
      return;
    }
    if (this.state === 'syn-sent') {
      if (p.ack !== this.synSeq) return;
      this.recv = new ReceiveBuffer(seqAdd(p.seq, -1), this.options.receiveWindow, this.options.maxReorder);
      this.state = 'connected';
      // Karn: a SYN sent more than once gives no clean sample.
      if (this.retransmits === 0) this.rtt.sample(this.clock.now() - this.timerStart);
      this.retransmits = 0;
      this.timerStart = this.clock.now();
      this.wantAck(); // the acceptor learns we are here even if we have nothing to say yet
      this.noteReceived(p);
      this.events.connect?.();
    } else {
      if (!handleAck(this, p, this.clock.now())) return;
      this.noteReceived(p);
      if (this.state === 'syn-recv') {
        this.state = 'connected';
        this.onEstablished?.();
      }
    }
    if (this.state !== 'connected') return;
    if (p.type === PacketType.DATA || p.type === PacketType.FIN) {
      const hadData = this.recv.readable > 0;
      const outcome = this.recv.receive(p.seq, p.payload, p.type === PacketType.FIN);
      if (outcome !== 'dropped') this.wantAck();
      if (!hadData && this.recv.readable > 0) this.events.readable?.();
      this.checkEnd();
    }
    this.pump();
    this.checkClosed();
  }

  /**
   * A peer that owes us packets (a gap before ones we hold) resends the missing one at each of its
   * timeouts; silent for as long as a sender retries before giving up (our own schedule on this
   * path), it is gone. libtorrent gives up after a packet's third transmission and then forgets the
   * connection without a RESET (it answers no packet of a connection it does not know), so nothing
   * else would tell us while we have nothing of our own in flight.
   */
  private get silentPeerMs(): number {
    return this.rtt.retryScheduleMs(this.options.maxRetransmits);
  }

  /** Called by the ack handler: an ack released this much; restart the retransmission timer. */
  onProgress(now: number): void {
    this.retransmits = 0;
    this.rtt.resetBackoff();
    this.timerStart = now;
  }

  /** Sends what the windows allow (lost packets first, then new data, then the FIN), then `drain` if due. */
  pump(): void {
    pump(this);
    if (this.wantDrain && this.mayQueue && this.state !== 'closed') {
      this.wantDrain = false;
      this.events.drain?.();
    }
  }

  /** True once our FIN is acknowledged. */
  get finAcked(): boolean {
    return this.finSeq !== undefined && this.send.ackedTo === this.finSeq;
  }

  checkClosed(): void {
    if (this.state === 'connected' && this.finAcked && this.recv.eofReached && this.recv.readable === 0 && this.endEmitted) {
      this.close(undefined, true);
    }
  }

  /** Packets marked lost and not yet resent (a hint for send-path.ts; firstLost re-checks). */
  lostCount = 0;

  markLost(p: OutgoingPacket): void {
    if (this.send.markLost(p)) this.lostCount++;
  }

  private timeout(now: number): void {
    this.stats.timeouts++;
    this.retransmits++;
    const limit = this.state === 'syn-sent' ? this.options.maxSynRetransmits : this.options.maxRetransmits;
    if (this.retransmits > limit) {
      return this.close(new UtpError('ETIMEDOUT', this.state === 'syn-sent' ? 'no answer to SYN' : 'retransmissions unanswered'), this.state !== 'syn-sent');
    }
    this.rtt.backOff();
    this.timerStart = now;
    if (this.state === 'syn-sent') {
      this.transmit(PacketType.SYN, this.synSeq, new Uint8Array(0), this.recvId);
      return;
    }
    // BEP 29: on timeout the window drops to one packet and everything in flight counts as lost.
    this.ledbat.onTimeout();
    for (const p of this.send.unacked()) this.markLost(p);
    this.lossSeq = seqAdd(this.seqNr, -1);
    this.pump();
  }

  /** A new packet; `datagram`, when given, ends with `payload` and has room for the header before it. */
  sendNew(type: typeof PacketType.DATA | typeof PacketType.FIN, payload: Uint8Array, now: number, datagram?: Uint8Array): void {
    const seq = this.seqNr;
    this.seqNr = seqAdd(this.seqNr, 1);
    if (this.send.outstanding === 0) this.timerStart = now;
    this.send.push({ seq, type, payload, sentAt: now, transmissions: 1, sacked: false, lost: false });
    this.transmit(type, seq, payload, this.sendId, datagram);
  }

  private sendState(): void {
    this.transmit(PacketType.STATE, this.stateSeq, new Uint8Array(0));
  }

  /**
   * The seq_nr of STATE and RESET packets: the next one we would send, but never past our FIN.
   * libtorrent drops any packet numbered after the FIN it received, acks and RESETs included.
   */
  private get stateSeq(): number {
    return this.finSeq ?? this.seqNr;
  }

  /**
   * Sends one packet. With `datagram` (a first transmission: the payload at its end, room before
   * it) the header is written in place; resends get a fresh copy, since the first datagram may
   * still be queued in the socket.
   */
  transmit(type: PacketType, seq: number, payload: Uint8Array, connectionId = this.sendId, datagram?: Uint8Array): void {
    const packet = this.header(type, seq, payload, connectionId);
    if (type !== PacketType.SYN) {
      const sack = this.recv.sackMask(payload.length === 0 ? MAX_ACK_SACK_BYTES : MAX_DATA_SACK_BYTES);
      if (sack !== undefined) packet.sack = sack;
    }
    this.ackPending = false;
    this.lastSent = this.clock.now();
    this.stats.packetsSent++;
    const inPlace = datagram === undefined ? undefined : encodeHeaderBefore(packet, datagram, datagram.length - payload.length);
    this.output(inPlace ?? encodePacket(packet));
  }

  private header(type: PacketType, seq: number, payload: Uint8Array, connectionId = this.sendId): Packet {
    return {
      type,
      connectionId,
      timestamp: microseconds(this.clock),
      timestampDifference: this.replyMicro,
      windowSize: this.recv.window,
      seq,
      ack: type === PacketType.SYN ? 0 : this.recv.ackNr,
      payload,
    };
  }

  private noteReceived(p: Packet): void {
    this.stats.packetsReceived++;
    this.lastReceived = this.clock.now();
    this.peerWindow = p.windowSize;
    // BEP 29: echo our clock minus theirs; the peer reads its own one-way delay from it.
    this.replyMicro = u32Sub(microseconds(this.clock), p.timestamp);
    if (p.timestampDifference !== 0 && p.timestampDifference !== 0x7fffffff) {
      this.ledbat.addDelaySample(p.timestampDifference, this.lastReceived);
    }
  }

  private checkEnd(): void {
    if (!this.endEmitted && this.recv.eofReached && this.recv.readable === 0) {
      this.endEmitted = true;
      this.events.end?.();
      this.checkClosed();
    }
  }

  private close(error: UtpError | undefined, linger: boolean): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.error = error;
    this.closedAt = this.clock.now();
    if (!linger) this.dead = true;
    this.events.close?.(error);
  }
}
