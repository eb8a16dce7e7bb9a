// Many connections over one datagram channel, sans I/O: datagrams in (`receive`), datagrams out (the
// `send` callback), connections matched by (address, port, connection id). It bounds what a peer can
// make it hold: total connections and half-open ones (SYN received, nothing since); a SYN past the
// bounds, a malformed datagram or one for an unknown connection costs one counter increment (and,
// within a small budget per second, a RESET).

import type { Clock, Random } from './clock.js';
import { microseconds } from './clock.js';
import { Connection, type ConnectionEvents } from './connection.js';
import { UtpError } from './errors.js';
import { isLoopback, resolveOptions, MAX_PACKET_SIZE, MIN_PACKET_SIZE, type ConnectionOptions, type ResolvedConnectionOptions } from './options.js';
import { decodePacket, encodePacket, PacketType, type Packet } from './packet.js';

export interface Remote {
  address: string;
  port: number;
}

export interface EndpointLimits {
  /** Connections at once (any state). */
  maxConnections?: number;
  /** Accepted connections that have not yet sent anything after their SYN. */
  maxHalfOpen?: number;
  /** RESETs sent per second for packets of unknown connections and refused SYNs. */
  resetsPerSecond?: number;
}

export interface EndpointOptions {
  clock: Clock;
  random: Random;
  send: (bytes: Uint8Array, remote: Remote) => void;
  /** A connection was accepted (its peer sent something after the SYN-ACK). */
  onConnection?: (connection: Connection, remote: Remote) => void;
  connection?: ConnectionOptions;
  limits?: EndpointLimits;
  /** The first sequence number of each connection; random by default (tests pin it near 65535). */
  initialSeq?: () => number;
}

export interface EndpointStats {
  malformed: number;
  unknownConnection: number;
  synsDropped: number;
  resetsSent: number;
  accepted: number;
}

interface Entry {
  connection: Connection;
  remote: Remote;
  key: string;
}

function keyOf(remote: Remote, recvId: number): string {
  return `${recvId}|${remote.port}|${remote.address}`;
}

export class UtpEndpoint {
  /** Accept incoming SYNs (a listening socket). */
  accepting = false;
  /** Called for each accepted connection (its peer sent something after the SYN-ACK). */
  onConnection: ((connection: Connection, remote: Remote) => void) | undefined;
  readonly stats: EndpointStats = { malformed: 0, unknownConnection: 0, synsDropped: 0, resetsSent: 0, accepted: 0 };
  private readonly entries = new Map<string, Entry>();
  private readonly halfOpen = new Set<string>();
  private readonly owingAck = new Set<Connection>();
  private readonly options: ResolvedConnectionOptions;
  private readonly loopbackOptions: ResolvedConnectionOptions;
  private readonly limits: Required<EndpointLimits>;
  private resetTokens: number;
  private resetRefillAt: number;

  constructor(private readonly init: EndpointOptions) {
    this.options = resolveOptions(init.connection);
    const loopbackSize = this.options.loopbackPacketSize ?? this.options.packetSize;
    checkPacketSize(this.options.packetSize, 'packetSize');
    checkPacketSize(loopbackSize, 'loopbackPacketSize');
    this.loopbackOptions = { ...this.options, packetSize: loopbackSize };
    this.limits = { maxConnections: 1024, maxHalfOpen: 64, resetsPerSecond: 50, ...stripUndefined(init.limits ?? {}) };
    this.resetTokens = this.limits.resetsPerSecond;
    this.resetRefillAt = init.clock.now();
    this.onConnection = init.onConnection;
  }

  get size(): number {
    return this.entries.size;
  }

  get halfOpenCount(): number {
    return this.halfOpen.size;
  }

  /** Opens a connection: the SYN goes out at once; `events.connect` fires when it is answered. */
  connect(remote: Remote, events: ConnectionEvents = {}): Connection {
    if (this.entries.size >= this.limits.maxConnections) throw new UtpError('ELIMIT', 'too many connections');
    // Our receive id is random; the peer's packets carry it, our SYN too, and we send with id + 1.
    for (let attempt = 0; attempt < 64; attempt++) {
      const recvId = this.init.random.nextU32() & 0xffff;
      const sendId = (recvId + 1) & 0xffff;
      const key = keyOf(remote, recvId);
      if (this.entries.has(key)) continue;
      const connection = this.create(remote, recvId, sendId, 'syn-sent', key);
      connection.events = events;
      connection.connect();
      return connection;
    }
    throw new UtpError('ELIMIT', 'no free connection id for this peer');
  }

  /**
   * A datagram from `remote`. Returns false when it is not uTP (the caller may route it elsewhere,
   * e.g. to the DHT); malformed uTP is counted and dropped. Never throws on any input.
   */
  receive(bytes: Uint8Array, remote: Remote): boolean {
    const decoded = decodePacket(bytes);
    if (!decoded.ok) {
      if (decoded.reason === 'bad-version' || decoded.reason === 'too-short' || decoded.reason === 'bad-type') return false;
      this.stats.malformed++;
      return true;
    }
    const p = decoded.packet;
    const entry = this.entries.get(keyOf(remote, p.type === PacketType.SYN ? (p.connectionId + 1) & 0xffff : p.connectionId));
    if (entry !== undefined) {
      entry.connection.receive(p);
      this.reap(entry);
      return true;
    }
    if (p.type === PacketType.RESET) {
      // libtorrent puts our send id in a RESET; libutp our receive id. Accept either.
      const other = this.findBySendId(remote, p.connectionId);
      if (other !== undefined) {
        other.connection.receive(p);
        this.reap(other);
      }
      return true;
    }
    if (p.type === PacketType.SYN) {
      this.acceptSyn(p, remote);
      return true;
    }
    this.stats.unknownConnection++;
    this.sendReset(p, remote);
    return true;
  }

  /** Sends the acks the last batch of datagrams left pending (only connections that owe one). */
  flush(): void {
    if (this.owingAck.size === 0) return;
    const owing = [...this.owingAck];
    this.owingAck.clear();
    for (const connection of owing) connection.flush();
  }

  /** The earliest connection deadline (ms on the injected clock), Infinity when idle. */
  nextDeadline(): number {
    let at = Infinity;
    for (const entry of this.entries.values()) at = Math.min(at, entry.connection.deadline);
    return at;
  }

  /** Runs the connections whose deadline passed. */
  tick(): void {
    const now = this.init.clock.now();
    for (const entry of [...this.entries.values()]) {
      if (entry.connection.deadline <= now) entry.connection.onTimer();
      this.reap(entry);
    }
  }

  /** Destroys every connection (a RESET to each peer that knows us). */
  destroyAll(error?: UtpError): void {
    for (const entry of [...this.entries.values()]) {
      entry.connection.destroy(error);
      entry.connection.dead = true;
      this.reap(entry);
    }
  }

  connections(): Connection[] {
    return [...this.entries.values()].map((e) => e.connection);
  }

  private acceptSyn(syn: Packet, remote: Remote): void {
    if (!this.accepting || this.halfOpen.size >= this.limits.maxHalfOpen || this.entries.size >= this.limits.maxConnections) {
      this.stats.synsDropped++;
      if (!this.accepting) this.sendReset(syn, remote);
      return;
    }
    const recvId = (syn.connectionId + 1) & 0xffff;
    const key = keyOf(remote, recvId);
    const connection = this.create(remote, recvId, syn.connectionId, 'syn-recv', key);
    this.halfOpen.add(key);
    connection.acceptSyn(syn);
  }

  private create(remote: Remote, recvId: number, sendId: number, state: 'syn-sent' | 'syn-recv', key: string): Connection {
    const send = this.init.send;
    const connection: Connection = new Connection(
      {
        recvId,
        sendId,
        clock: this.init.clock,
        random: this.init.random,
        options: isLoopback(remote.address) ? this.loopbackOptions : this.options,
        ...(this.init.initialSeq === undefined ? {} : { initialSeq: this.init.initialSeq() }),
        output: (bytes) => send(bytes, remote),
        onAckPending: (c) => this.owingAck.add(c),
        onEstablished: () => {
          this.halfOpen.delete(key);
          this.stats.accepted++;
          this.onConnection?.(connection, remote);
        },
      },
      state,
    );
    this.entries.set(key, { connection, remote, key });
    return connection;
  }

  private reap(entry: Entry): void {
    if (entry.connection.state === 'closed') this.halfOpen.delete(entry.key);
    if (entry.connection.dead) {
      this.entries.delete(entry.key);
      this.owingAck.delete(entry.connection);
    }
  }

  private findBySendId(remote: Remote, id: number): Entry | undefined {
    for (const candidate of [(id + 1) & 0xffff, (id - 1) & 0xffff]) {
      const entry = this.entries.get(keyOf(remote, candidate));
      if (entry !== undefined && entry.connection.sendId === id) return entry;
    }
    return undefined;
  }

  /** A RESET for a packet we cannot place, within the per-second budget; never in reply to a RESET. */
  private sendReset(p: Packet, remote: Remote): void {
    if (p.type === PacketType.RESET) return;
    const now = this.init.clock.now();
    if (now - this.resetRefillAt >= 1000) {
      this.resetTokens = this.limits.resetsPerSecond;
      this.resetRefillAt = now;
    }
    if (this.resetTokens <= 0) return;
    this.resetTokens--;
    this.stats.resetsSent++;
    const reset: Packet = {
      type: PacketType.RESET,
      connectionId: p.connectionId,
      timestamp: microseconds(this.init.clock),
      timestampDifference: 0,
      windowSize: 0,
      seq: this.init.random.nextU32() & 0xffff,
      ack: p.seq,
      payload: new Uint8Array(0),
    };
    this.init.send(encodePacket(reset), remote);
  }
}

export function checkPacketSize(size: number, field: string): void {
  if (!Number.isInteger(size) || size < MIN_PACKET_SIZE || size > MAX_PACKET_SIZE) {
    throw new UtpError('EINVAL', `${field} must be an integer in [${MIN_PACKET_SIZE}, ${MAX_PACKET_SIZE}]`, { field });
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
