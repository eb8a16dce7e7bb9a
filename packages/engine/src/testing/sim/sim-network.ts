// A network in memory for simulated swarms (test helper, not exported by the package). Nodes have an
// address, an uplink and a downlink; bytes written to a connection pass three queues, each served at
// its speed: the sender's uplink (shared by all its connections), the link, the receiver's downlink;
// then they land after the link's latency, all on the SimClock. Loss on a reliable stream shows as
// what TCP makes of it: a stall (a retransmission timeout holding back everything behind it) or, at
// times, a reset. Nodes may leave by closing (their peers see the connections end), or vanish (their
// connections go silent and new connects to them hang until the dialler gives up).
import type { RandomSource } from '@typetorrent/metainfo';
import { EngineError } from '../../errors.js';
import type { SimClock } from './sim-clock.js';
import { SimSocket, type SimWire } from './sim-socket.js';

export interface LinkProfile {
  /** Bytes per second each way (default unlimited: the nodes' own capacity decides). */
  readonly bandwidth?: number;
  /** One-way delay in ms (default 20). */
  readonly latencyMs?: number;
  /** Chance per write that a segment is lost and the stream stalls for `stallMs` (default 0). */
  readonly loss?: number;
  /** How long a loss holds the stream up (default 400 ms, a retransmission timeout). */
  readonly stallMs?: number;
  /** Chance per write that the connection is reset (default 0). */
  readonly resetChance?: number;
}

export interface NodeProfile {
  /** Upload and download capacity in bytes per second (default unlimited). */
  readonly upload?: number;
  readonly download?: number;
  /** Applies to every link of this node unless a pair has its own profile. */
  readonly link?: LinkProfile;
}

/** Whom a node's accepted connections go to (the session's listener). */
export type Acceptor = (socket: SimSocket) => void;

interface SimNode {
  readonly host: string;
  readonly profile: NodeProfile;
  accept: Acceptor | undefined;
  state: 'up' | 'closed' | 'vanished';
  nextPort: number;
  upFreeAt: number;
  downFreeAt: number;
  readonly connections: Set<Connection>;
}

/** Traffic counters, for the scenarios' reports. */
export interface NetworkStats {
  connects: number;
  refused: number;
  stalls: number;
  resets: number;
  bytes: number;
}

const DEFAULT_LATENCY_MS = 20;
const DEFAULT_STALL_MS = 400;

export class SimNetwork {
  readonly clock: SimClock;
  readonly stats: NetworkStats = { connects: 0, refused: 0, stalls: 0, resets: 0, bytes: 0 };
  readonly #random: RandomSource;
  readonly #nodes = new Map<string, SimNode>();
  readonly #pairs = new Map<string, LinkProfile>();

  constructor(clock: SimClock, random: RandomSource) {
    this.clock = clock;
    this.#random = random;
  }

  /** Adds a node; `accept` may be set later (a session listens after it is made). */
  addNode(host: string, profile: NodeProfile = {}, accept?: Acceptor): void {
    if (this.#nodes.has(host)) throw new Error(`node ${host} exists`);
    this.#nodes.set(host, { host, profile, accept, state: 'up', nextPort: 40_000, upFreeAt: 0, downFreeAt: 0, connections: new Set() });
  }

  setAcceptor(host: string, accept: Acceptor): void {
    this.#node(host).accept = accept;
  }

  /** A profile for the link between two nodes, both ways (over their own). */
  setLink(a: string, b: string, profile: LinkProfile): void {
    this.#pairs.set(pairKey(a, b), profile);
  }

  isUp(host: string): boolean {
    return this.#nodes.get(host)?.state === 'up';
  }

  /**
   * The node leaves. `close`: its connections end as when a process exits (the peers see them
   * close); `vanish`: they go silent, as when a machine drops off the network.
   */
  leave(host: string, how: 'close' | 'vanish'): void {
    const node = this.#node(host);
    if (node.state !== 'up') return;
    node.state = how === 'close' ? 'closed' : 'vanished';
    for (const connection of [...node.connections]) {
      if (how === 'close') connection.reset(false);
      else connection.silence();
    }
  }

  /** An outgoing connection from `from` to `host` (any port: a node is its address). */
  async connect(from: string, host: string, signal?: AbortSignal): Promise<SimSocket> {
    const source = this.#node(from);
    const target = this.#nodes.get(host);
    const link = this.#link(from, host);
    const latency = link.latencyMs ?? DEFAULT_LATENCY_MS;
    this.stats.connects++;
    return await new Promise<SimSocket>((resolve, reject) => {
      let server: SimSocket | undefined;
      const cancels: (() => void)[] = [];
      const fail = (message: string, cause?: unknown): void => {
        for (const cancel of cancels) cancel();
        signal?.removeEventListener('abort', onAbort);
        server?.breakOff();
        reject(new EngineError('CONNECT_FAILED', `connect to ${host}: ${message}`, { peer: host, cause }));
      };
      const onAbort = (): void => fail('timed out or aborted', signal?.reason);
      if (signal?.aborted === true) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      // The SYN reaches the target after one latency; the answer comes back after another.
      cancels.push(
        this.clock.setTimeout(() => {
          if (source.state !== 'up' || target === undefined || target.state === 'vanished') return; // no answer: the dialler times out
          if (target.state === 'closed' || target.accept === undefined) {
            this.stats.refused++;
            cancels.push(this.clock.setTimeout(() => fail('connection refused'), latency));
            return;
          }
          const clientPort = source.nextPort++;
          const client = new SimSocket({ host: from, port: clientPort }, { host, port: 6881 });
          server = new SimSocket({ host, port: 6881 }, { host: from, port: clientPort });
          const connection = new Connection(this, source, target, link, client, server);
          target.accept(server);
          cancels.push(
            this.clock.setTimeout(() => {
              signal?.removeEventListener('abort', onAbort);
              if (client.destroyed || source.state !== 'up') {
                connection.reset(false);
                return;
              }
              resolve(client);
            }, latency),
          );
        }, latency),
      );
    });
  }

  /** Used by connections: a draw from the network's own seeded stream. */
  draw(): number {
    return this.#random();
  }

  #node(host: string): SimNode {
    const node = this.#nodes.get(host);
    if (node === undefined) throw new Error(`no node ${host}`);
    return node;
  }

  #link(a: string, b: string): LinkProfile {
    return this.#pairs.get(pairKey(a, b)) ?? { ...this.#nodes.get(b)?.profile.link, ...this.#nodes.get(a)?.profile.link };
  }
}

/** Both directions of one connection. */
class Connection implements SimWire {
  readonly #network: SimNetwork;
  readonly #ends: readonly [SimSocket, SimSocket];
  readonly #nodes: readonly [SimNode, SimNode];
  readonly #link: LinkProfile;
  /** Per direction (index of the sending end): when the link is free, and when its last bytes land. */
  readonly #freeAt = [0, 0];
  readonly #lastArrival = [0, 0];
  #silent = false;
  #over = false;

  constructor(network: SimNetwork, a: SimNode, b: SimNode, link: LinkProfile, client: SimSocket, server: SimSocket) {
    this.#network = network;
    this.#nodes = [a, b];
    this.#ends = [client, server];
    this.#link = link;
    a.connections.add(this);
    b.connections.add(this);
    client.attach(this);
    server.attach(this);
  }

  send(from: SimSocket, bytes: Uint8Array, sent: (error?: Error | null) => void): void {
    const clock = this.#network.clock;
    const i = from === this.#ends[0] ? 0 : 1;
    const sender = this.#nodes[i]!;
    const receiver = this.#nodes[1 - i]!;
    const link = this.#link;
    const now = clock.now();
    this.#network.stats.bytes += bytes.length;
    // Queues in a row, each busy for the time the bytes take at its speed: the sender's uplink
    // (shared by all its connections, in the order written), this direction of the link, then the
    // receiver's downlink, which serves bytes in the order they reach it (from any sender).
    const upDone = Math.max(now, sender.upFreeAt) + transmitMs(bytes.length, sender.profile.upload);
    sender.upFreeAt = upDone;
    const linkDone = Math.max(upDone, this.#freeAt[i]!) + transmitMs(bytes.length, link.bandwidth);
    this.#freeAt[i] = linkDone;
    const stall = (link.loss ?? 0) > 0 && this.#network.draw() < link.loss!;
    const reset = (link.resetChance ?? 0) > 0 && this.#network.draw() < link.resetChance!;
    clock.setTimeout(() => sent(), upDone - now);
    const land = (done: number): void => {
      let arrival = done + (link.latencyMs ?? DEFAULT_LATENCY_MS);
      if (stall) {
        // Lost and sent again after a timeout: this segment and everything behind it waits.
        this.#network.stats.stalls++;
        arrival += link.stallMs ?? DEFAULT_STALL_MS;
      }
      arrival = Math.max(arrival, this.#lastArrival[i]!);
      this.#lastArrival[i] = arrival;
      clock.setTimeout(() => this.#deliver(1 - i, bytes, reset), arrival - clock.now());
    };
    const downlink = receiver.profile.download;
    if (downlink === undefined) {
      land(linkDone);
      return;
    }
    clock.setTimeout(() => {
      const done = Math.max(clock.now(), receiver.downFreeAt) + transmitMs(bytes.length, downlink);
      receiver.downFreeAt = done;
      land(done);
    }, linkDone - now);
  }

  #deliver(to: number, bytes: Uint8Array, reset: boolean): void {
    if (this.#silent) return;
    if (reset) {
      this.#network.stats.resets++;
      this.reset(true);
      return;
    }
    this.#ends[to]!.deliver(bytes);
  }

  closed(from: SimSocket, graceful: boolean): void {
    const i = from === this.#ends[0] ? 0 : 1;
    const to = this.#ends[1 - i]!;
    const now = this.#network.clock.now();
    const at = Math.max(now + (this.#link.latencyMs ?? DEFAULT_LATENCY_MS), this.#lastArrival[i]!);
    this.#network.clock.setTimeout(() => {
      if (this.#silent) return;
      if (graceful) to.deliverEnd();
      else {
        this.#finish();
        to.breakOff();
      }
    }, at - now);
    if (!graceful) this.#finish();
  }

  /** Both ends break off now; with `error`, as ECONNRESET. */
  reset(error: boolean): void {
    this.#finish();
    for (const end of this.#ends) end.breakOff(error ? Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) : undefined);
  }

  /** Nothing more gets through either way, and nobody is told. */
  silence(): void {
    this.#silent = true;
    this.#finish();
  }

  #finish(): void {
    if (this.#over) return;
    this.#over = true;
    for (const node of this.#nodes) node.connections.delete(this);
  }
}

function transmitMs(bytes: number, bytesPerSecond: number | undefined): number {
  return bytesPerSecond === undefined || bytesPerSecond <= 0 ? 0 : (bytes * 1000) / bytesPerSecond;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
