// DhtNode: the Dht core over real UDP sockets (IPv4, and IPv6 where it can bind), or over a socket
// someone else owns (a session sharing one UDP port with uTP feeds KRPC datagrams to handleDatagram).
import dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import { Dht, type AnnounceResult, type DhtEvents } from '../dht.js';
import type { Address, Transport } from '../env.js';
import { DhtError } from '../errors.js';
import { isId } from '../ids.js';
import { ipFamily, type IpFamily } from '../ip.js';
import type { DhtOptions } from '../options.js';
import { loadState, saveState } from './state-file.js';
import { systemClock, systemRandom } from './system.js';

/** The well-known public routers. Only used when no bootstrap list is given; tests always give one. */
export const DEFAULT_BOOTSTRAP: readonly string[] = [
  'router.bittorrent.com:6881',
  'dht.transmissionbt.com:6881',
  'router.utorrent.com:6881',
  'dht.libtorrent.org:25401',
];

/**
 * A UDP socket owned by someone else: we only send through it. `host` is plain IPv4 or IPv6 text
 * (incoming `::ffff:a.b.c.d` is read as IPv4), so a dual-stack udp6 socket must map IPv4 hosts back to
 * `::ffff:a.b.c.d` itself, and say `families: [4, 6]`.
 */
export interface SharedSocket {
  send(bytes: Uint8Array, port: number, host: string): void;
  /** Families it can reach. Default [4]. */
  readonly families?: readonly IpFamily[];
}

export interface DhtNodeOptions extends Partial<Omit<DhtOptions, 'clock' | 'random' | 'transport' | 'families'>> {
  /** UDP port to bind (ignored with `socket`). Default 0: the OS picks. */
  readonly port?: number;
  /** IPv4 address to bind. Default '0.0.0.0'. */
  readonly host?: string;
  /** Also bind '::' (IPv6 only) on the same port, if the system allows. Default true. */
  readonly ipv6?: boolean;
  /** IPv6 address to bind. Default '::'. */
  readonly host6?: string;
  /** Send through this socket instead of binding one; deliver its datagrams with handleDatagram. */
  readonly socket?: SharedSocket;
  /** 'host:port' entries ('[::1]:6881' for IPv6) or addresses. Default DEFAULT_BOOTSTRAP. */
  readonly bootstrap?: readonly (string | Address)[];
  /** Routing table file: read at create (keeping the node id; a damaged file is a 'warning' and ignored), written at close and by save(). */
  readonly stateFile?: string;
}

export interface DhtNodeEvents extends DhtEvents {
  /** A peer found by a lookup of this node. */
  peer: [infoHash: Uint8Array, peer: Address];
}

export interface DhtLookupOptions {
  readonly signal?: AbortSignal;
}

export class DhtNode extends EventEmitter<DhtNodeEvents> {
  readonly #dht: Dht;
  readonly #options: DhtNodeOptions;
  readonly #sockets = new Map<IpFamily, dgram.Socket>();
  #saved: Address[] = [];
  #closed = false;

  private constructor(dht: Dht, options: DhtNodeOptions, sockets: Map<IpFamily, dgram.Socket>, saved: Address[]) {
    super();
    this.#dht = dht;
    this.#options = options;
    this.#sockets = sockets;
    this.#saved = saved;
    dht.on('node', (n) => this.emit('node', n));
    dht.on('announce', (h, p) => this.emit('announce', h, p));
    dht.on('warning', (e, from) => this.emit('warning', e, from));
    for (const socket of sockets.values()) {
      socket.on('message', (bytes, rinfo) => this.handleDatagram(bytes, rinfo));
      socket.on('error', (e) => this.emit('warning', new DhtError('MALFORMED', 'socket error', { cause: e }), undefined));
    }
  }

  /** Binds the sockets (unless `socket` is given), loads the state file, and returns the node. Call bootstrap() next. */
  static async create(options: DhtNodeOptions = {}): Promise<DhtNode> {
    // A damaged state file must not keep the DHT from starting: it is reported and ignored.
    let stateError: DhtError | undefined;
    const state = options.stateFile
      ? await loadState(options.stateFile).catch((e: unknown) => {
        stateError = e instanceof DhtError ? e : new DhtError('STATE_FILE', 'cannot read the state file', { cause: e });
        return undefined;
      })
      : undefined;
    const sockets = new Map<IpFamily, dgram.Socket>();
    let send: (bytes: Uint8Array, to: Address) => void;
    let families: readonly IpFamily[];
    if (options.socket) {
      const shared = options.socket;
      families = shared.families ?? [4];
      send = (bytes, to) => shared.send(bytes, to.port, to.host);
    } else {
      const v4 = await bind('udp4', options.host ?? '0.0.0.0', options.port ?? 0);
      sockets.set(4, v4);
      if (options.ipv6 !== false) {
        const v6 = await bind('udp6', options.host6 ?? '::', v4.address().port).catch(() => undefined);
        if (v6) sockets.set(6, v6);
      }
      families = [...sockets.keys()];
      send = (bytes, to) => {
        const socket = sockets.get(ipFamily(to.host) ?? 4);
        socket?.send(bytes, to.port, to.host, () => undefined); // UDP: a failed send is a lost datagram
      };
    }
    const transport: Transport = { send };
    const id = options.id ?? state?.id;
    const dht = new Dht({ ...options, ...(id ? { id } : {}), clock: systemClock, random: systemRandom, transport, families });
    const node = new DhtNode(dht, options, sockets, state?.nodes.map((n) => n.address) ?? []);
    if (stateError) setImmediate(() => node.emit('warning', stateError!, undefined)); // after the caller's listeners
    return node;
  }

  get id(): Uint8Array {
    return this.#dht.id;
  }

  /** The bound UDP port (0 with a shared socket). */
  get port(): number {
    const v4 = this.#sockets.get(4);
    return v4 ? v4.address().port : 0;
  }

  get nodeCount(): number {
    return this.#dht.nodeCount;
  }

  get stats() {
    return this.#dht.stats;
  }

  /** The sans-I/O core, for callers that need find_node or the raw lookup result. */
  get core(): Dht {
    return this.#dht;
  }

  /**
   * Feeds one datagram from a socket this node does not own. Returns false when it is not KRPC
   * (KRPC messages are bencoded dicts and start with 'd'; uTP packets do not).
   */
  handleDatagram(bytes: Uint8Array, rinfo: { address: string; port: number }): boolean {
    if (this.#closed || bytes.length === 0 || bytes[0] !== 0x64) return false;
    return this.#dht.receive(bytes, { host: rinfo.address, port: rinfo.port });
  }

  /**
   * Joins the DHT: through the saved nodes when there are any (no routers needed after a restart),
   * otherwise, or when none of them answers, through the bootstrap list.
   */
  async bootstrap(options: DhtLookupOptions = {}): Promise<number> {
    if (this.#saved.length > 0) {
      await this.#dht.bootstrap(this.#saved, options).catch(rethrowAbort);
      if (this.nodeCount > 0) return this.nodeCount;
    }
    const list = this.#options.bootstrap ?? DEFAULT_BOOTSTRAP;
    const addresses = (await Promise.all(list.map((entry) => resolve(entry, this.#dht.families)))).flat();
    await this.#dht.bootstrap(addresses, options).catch(rethrowAbort);
    return this.nodeCount;
  }

  /** Peers for `infoHash` as the lookup finds them. Also emitted as 'peer' events. */
  async *lookup(infoHash: Uint8Array, options: DhtLookupOptions = {}): AsyncGenerator<Address, void, undefined> {
    checkHash(infoHash);
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const queue: Address[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    this.#dht.getPeers(infoHash, {
      signal,
      onPeers: (peers) => {
        for (const p of peers) this.emit('peer', infoHash, p);
        queue.push(...peers);
        wake?.();
      },
    }).then(
      () => (finished = true),
      (e: unknown) => {
        finished = true;
        failure = e;
      },
    ).finally(() => wake?.());
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (finished) break;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
      if (failure !== undefined && !(failure instanceof DhtError && failure.code === 'ABORTED' && !options.signal?.aborted)) throw failure;
    } finally {
      stop.abort(); // the consumer stopped early: end the lookup too
    }
  }

  /** Announces that we have `infoHash` on `port` (or the UDP source port with `implied`). */
  async announce(infoHash: Uint8Array, port: number | 'implied', options: DhtLookupOptions = {}): Promise<AnnounceResult> {
    checkHash(infoHash);
    return await this.#dht.announce(infoHash, {
      ...(port === 'implied' ? { impliedPort: true } : { port }), ...options,
      onPeers: (peers) => peers.forEach((p) => this.emit('peer', infoHash, p)),
    });
  }

  /** BEP 5 PORT message: a peer told us its DHT port. Pinged, and added if it answers. */
  addNode(host: string, port: number): void {
    this.#dht.addNode({ host, port });
  }

  /** Writes the routing table to `file` (default: the stateFile option). */
  async save(file = this.#options.stateFile): Promise<void> {
    if (!file) throw new DhtError('INVALID_ARGUMENT', 'no state file given', { field: 'stateFile' });
    await saveState(file, { id: this.#dht.id, nodes: this.#dht.nodes() });
  }

  /** Reads a saved table; its nodes are used by the next bootstrap(). Returns how many were read. */
  async load(file = this.#options.stateFile): Promise<number> {
    if (!file) throw new DhtError('INVALID_ARGUMENT', 'no state file given', { field: 'stateFile' });
    const state = await loadState(file);
    this.#saved = state?.nodes.map((n) => n.address) ?? [];
    return this.#saved.length;
  }

  /** Saves the state file (if configured), stops the core and closes the sockets we own. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const saving = this.#options.stateFile && this.#dht.nodeCount > 0 ? this.save() : Promise.resolve();
    this.#dht.close();
    await Promise.all([...this.#sockets.values()].map((s) => new Promise<void>((r) => s.close(() => r()))));
    await saving;
  }
}

function checkHash(infoHash: Uint8Array): void {
  if (!isId(infoHash)) throw new DhtError('INVALID_ARGUMENT', 'an info-hash is 20 bytes', { field: 'infoHash' });
}

function rethrowAbort(e: unknown): void {
  if (e instanceof DhtError && (e.code === 'ABORTED' || e.code === 'CLOSED')) throw e;
}

async function bind(type: 'udp4' | 'udp6', host: string, port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type, ipv6Only: type === 'udp6', reuseAddr: false });
  return await new Promise((resolveBind, reject) => {
    socket.once('error', (e) => {
      socket.close();
      reject(e);
    });
    socket.bind(port, host, () => resolveBind(socket));
  });
}

/** 'host:port' or '[v6]:port' or an Address -> addresses the node can reach (DNS for names). */
async function resolve(entry: string | Address, families: readonly IpFamily[]): Promise<Address[]> {
  let host: string;
  let port: number;
  if (typeof entry === 'string') {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(entry) ?? /^([^:]+):(\d+)$/.exec(entry);
    if (!m) return [];
    [host, port] = [m[1]!, Number(m[2])];
  } else ({ host, port } = entry);
  if (ipFamily(host)) return [{ host, port }];
  try {
    const found = await dnsLookup(host, { all: true });
    return found.filter((a) => families.includes(a.family as IpFamily)).map((a) => ({ host: a.address, port }));
  } catch {
    return []; // an unresolvable router is skipped; the others may answer
  }
}
