// An impaired UDP link for interop tests, in-process: a relay on 127.0.0.1 (or ::1) that forwards
// one client's datagrams to an upstream address and the upstream's answers back, dropping, delaying
// and reordering them with a seeded random source. It stands in for tc/netem where the kernel has
// none; the faults it makes (lost, late, out-of-order datagrams) are ones a real peer never produces
// on loopback, so the software on both ends stays real.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { seededRandom, type RandomSource } from '@typetorrent/metainfo';

export interface Impairment {
  /** Chance that a datagram is lost, 0 to 1. */
  readonly loss?: number;
  /** Delay of every datagram, in ms. */
  readonly delayMs?: number;
  /** A uniform extra delay of 0 to `jitterMs` per datagram (datagrams closer than that may swap). */
  readonly jitterMs?: number;
  /** Chance that a datagram is held back `reorderMs` more, so later ones overtake it. */
  readonly reorder?: number;
  readonly reorderMs?: number;
}

/** What happens to each datagram, in the order they arrive: dropped (undefined) or its delay in ms. */
export class ImpairmentPlan {
  readonly #impairment: Impairment;
  readonly #random: RandomSource;

  constructor(impairment: Impairment, seed: number) {
    this.#impairment = impairment;
    this.#random = seededRandom(seed);
  }

  /** The fate of the next datagram. Draws the same number of values whatever the outcome, so one seed gives one sequence. */
  next(): { readonly drop: true } | { readonly drop: false; readonly delayMs: number; readonly reordered: boolean } {
    const { loss = 0, delayMs = 0, jitterMs = 0, reorder = 0, reorderMs = 0 } = this.#impairment;
    const lost = this.#random() < loss;
    const jitter = this.#random() * jitterMs;
    const reordered = this.#random() < reorder;
    if (lost) return { drop: true };
    return { drop: false, delayMs: delayMs + jitter + (reordered ? reorderMs : 0), reordered };
  }
}

export interface UdpRelayOptions {
  /** Where the client's datagrams go. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** Address the relay binds (default the upstream's loopback: 127.0.0.1 or ::1). */
  readonly host?: string;
  /** Both directions, each with its own random sequence. */
  readonly impairment: Impairment;
  readonly seed: number;
}

export interface UdpRelayStats {
  /** Datagrams in, per direction. */
  received: { toUpstream: number; toClient: number };
  dropped: { toUpstream: number; toClient: number };
  /** Held back to be overtaken. */
  reordered: { toUpstream: number; toClient: number };
  /** Payload bytes passed on. */
  forwardedBytes: { toUpstream: number; toClient: number };
}

export type RelayDirection = 'toUpstream' | 'toClient';
type Direction = RelayDirection;

export type UdpRelayEvents = {
  /** A datagram was lost on purpose. */
  dropped: [direction: RelayDirection];
  /** A datagram was passed on (after its delay). */
  forwarded: [direction: RelayDirection, bytes: number];
};

export class UdpRelay extends EventEmitter<UdpRelayEvents> {
  readonly #socket: dgram.Socket;
  readonly #upstream: { readonly host: string; readonly port: number };
  readonly #plans: Record<Direction, ImpairmentPlan>;
  readonly #timers = new Set<NodeJS.Timeout>();
  #client: { address: string; port: number } | undefined;
  #closed = false;
  readonly stats: UdpRelayStats = {
    received: { toUpstream: 0, toClient: 0 },
    dropped: { toUpstream: 0, toClient: 0 },
    reordered: { toUpstream: 0, toClient: 0 },
    forwardedBytes: { toUpstream: 0, toClient: 0 },
  };

  private constructor(socket: dgram.Socket, options: UdpRelayOptions) {
    super();
    this.#socket = socket;
    this.#upstream = options.upstream;
    this.#plans = { toUpstream: new ImpairmentPlan(options.impairment, options.seed), toClient: new ImpairmentPlan(options.impairment, options.seed + 1) };
    socket.on('message', (bytes, from) => this.#receive(bytes, from));
    socket.on('error', () => undefined); // a send that failed is one more lost datagram
  }

  /** Binds the relay; the client sends to `port` (on the relay's host) to reach the upstream. */
  static async start(options: UdpRelayOptions): Promise<UdpRelay> {
    const v6 = isIP(options.upstream.host) === 6;
    const host = options.host ?? (v6 ? '::1' : '127.0.0.1');
    const socket = dgram.createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpRelay(socket, options);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  /** Stops forwarding; datagrams still delayed are dropped. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #receive(bytes: Buffer, from: dgram.RemoteInfo): void {
    const fromUpstream = from.port === this.#upstream.port && from.address === this.#upstream.host;
    if (!fromUpstream) this.#client = { address: from.address, port: from.port }; // one client: the latest sender
    const to = fromUpstream ? this.#client : { address: this.#upstream.host, port: this.#upstream.port };
    if (to === undefined) return; // the upstream spoke first: nobody to pass it to
    const direction: Direction = fromUpstream ? 'toClient' : 'toUpstream';
    this.stats.received[direction]++;
    const fate = this.#plans[direction].next();
    if (fate.drop) {
      this.stats.dropped[direction]++;
      this.emit('dropped', direction);
      return;
    }
    if (fate.reordered) this.stats.reordered[direction]++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#closed) return;
      this.stats.forwardedBytes[direction] += bytes.length;
      this.#socket.send(bytes, to.port, to.address, () => undefined);
      this.emit('forwarded', direction, bytes.length);
    }, fate.delayMs);
    this.#timers.add(timer);
  }
}
