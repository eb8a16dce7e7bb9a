// The DHT node's sans-I/O core: feed it datagrams with `receive`, it sends through the injected
// transport and keeps time through the injected clock. Lookups, announces and the server side.
import { EventEmitter } from 'node:events';
import { isValidNodeId } from './bep42.js';
import type { Address, Cancel, Clock, RandomSource } from './env.js';
import { DhtError } from './errors.js';
import { idEquals, isId } from './ids.js';
import { addressKey, formatIp, parseIp, type IpFamily } from './ip.js';
import type { NodeInfo } from './krpc/compact.js';
import { decodeKrpc } from './krpc/decode.js';
import { KRPC_ERROR, type KrpcResponse } from './krpc/messages.js';
import { Lookup, type LookupResult } from './lookup/lookup.js';
import type { DhtOptions } from './options.js';
import { nodeState } from './routing/node-state.js';
import { RoutingTable } from './routing/table.js';
import { Rpc, type OutgoingQuery, type QueryResult } from './rpc.js';
import { GarbageTracker } from './server/garbage.js';
import { answerQuery, encodeWithin, errorReply, replyBudget, type HandlerContext } from './server/handler.js';
import { PeerStore } from './server/peer-store.js';
import { RateLimiter } from './server/rate-limit.js';
import { TokenIssuer } from './server/tokens.js';

export interface DhtEvents {
  /** A node entered the routing table. */
  node: [node: NodeInfo];
  /** A remote peer announced itself to us for an info-hash (token checked). */
  announce: [infoHash: Uint8Array, peer: Address];
  /** Something was wrong but handled: a malformed datagram, a node banned for garbage. Never fatal. */
  warning: [error: DhtError, from: Address | undefined];
}

export interface LookupCallOptions {
  readonly signal?: AbortSignal;
  /** Peers as they arrive (get_peers), before the lookup ends. */
  readonly onPeers?: (peers: readonly Address[]) => void;
}

export interface AnnounceOptions extends LookupCallOptions {
  /** The TCP/uTP port peers should connect to; ignored with impliedPort. */
  readonly port?: number;
  /** Ask nodes to use the UDP source port of the announce instead (BEP 5 implied_port). */
  readonly impliedPort?: boolean;
}

export interface AnnounceResult {
  readonly lookup: LookupResult;
  /** Nodes that accepted our announce_peer. */
  readonly announcedTo: number;
}

const DEFAULT_VERSION = Uint8Array.of(0x54, 0x54, 0x00, 0x01); // 'TT' 0.1

export class Dht extends EventEmitter<DhtEvents> {
  readonly id: Uint8Array;
  readonly families: readonly IpFamily[];
  readonly #options: DhtOptions;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #tables = new Map<IpFamily, RoutingTable>();
  readonly #rpc: Rpc;
  readonly #peers: PeerStore;
  readonly #tokens: TokenIssuer;
  readonly #rate: RateLimiter;
  readonly #garbage: GarbageTracker;
  readonly #handler: HandlerContext;
  readonly #pinging = new Set<string>();
  readonly #lookups = new Set<Lookup>();
  #maintenance: Cancel | undefined;
  #closed = false;

  constructor(options: DhtOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock;
    this.#random = options.random;
    this.id = options.id ?? options.random.bytes(20);
    if (!isId(this.id)) throw new DhtError('INVALID_ARGUMENT', 'a node id is 20 bytes', { field: 'id' });
    this.families = options.families ?? [4];
    const now = this.#clock.now();
    for (const f of this.families) this.#tables.set(f, new RoutingTable(this.id, { k: options.k ?? 8 }, now));
    this.#rpc = new Rpc(options.clock, options.random, options.transport, {
      timeoutMs: options.queryTimeoutMs, maxPending: options.maxPendingQueries,
      extras: { version: options.version ?? DEFAULT_VERSION, readOnly: options.readOnly === true },
    });
    this.#peers = new PeerStore(options.peerStore);
    this.#tokens = new TokenIssuer(options.random, now);
    this.#rate = new RateLimiter(options.rateLimit);
    this.#garbage = new GarbageTracker(options.garbage);
    this.#handler = {
      ownId: this.id, tables: this.#tables, peers: this.#peers, tokens: this.#tokens, random: this.#random,
      maxResponseBytes: options.maxResponseBytes ?? 1400,
      onAnnounce: (infoHash, peer) => this.emit('announce', infoHash, peer),
    };
    this.#scheduleMaintenance();
  }

  /** Nodes in the routing tables (all families). */
  get nodeCount(): number {
    let n = 0;
    for (const t of this.#tables.values()) n += t.size;
    return n;
  }

  /** Sizes of the bounded state, for monitoring and the benchmark. */
  get stats() {
    return {
      nodes: this.nodeCount, storedPeers: this.#peers.size, storedTorrents: this.#peers.torrentCount,
      pendingQueries: this.#rpc.pending, rateLimitedIps: this.#rate.tracked, garbageEndpoints: this.#garbage.tracked,
      bytesSent: this.#rpc.bytesSent,
    };
  }

  /** The routing table's nodes that are not bad (BEP 5 states), for saving and monitoring. */
  nodes(): NodeInfo[] {
    const now = this.#clock.now();
    return [...this.#tables.values()].flatMap((t) =>
      t.all().filter((n) => nodeState(n, now) !== 'bad').map((n) => ({ id: n.id, address: n.address })));
  }

  /**
   * Handles one datagram from `from`. Never throws: malformed input becomes a `warning` event.
   * Returns false when the bytes were not a KRPC message we could use.
   */
  receive(bytes: Uint8Array, from: Address): boolean {
    if (this.#closed) return false;
    try {
      return this.#receive(bytes, from);
    } catch (e) {
      const error = e instanceof DhtError ? e : new DhtError('MALFORMED', 'unexpected failure handling a datagram', { cause: e });
      this.emit('warning', error, from);
      return false;
    }
  }

  #receive(bytes: Uint8Array, rawFrom: Address): boolean {
    const from = normalize(rawFrom);
    if (!from || !this.#tables.has(parseIp(from.host)!.family)) return false;
    const now = this.#clock.now();
    if (this.#garbage.isBanned(addressKey(from), now)) return false;
    let message;
    try {
      message = decodeKrpc(bytes, { maxMessageBytes: this.#options.maxMessageBytes });
    } catch (e) {
      if (!(e instanceof DhtError)) throw e;
      this.#reportGarbage(from, e, now);
      // BEP 5: a malformed query gets error 203, if it carried a transaction id we can echo.
      if (e.transactionId && e.code !== 'TOO_LARGE' && !this.#options.readOnly && this.#allow(from, now)) {
        const reply = encodeWithin(errorReply(e.transactionId, KRPC_ERROR.protocol, e.detail), replyBudget(bytes.length, 1400));
        this.#options.transport.send(reply, from);
      }
      return false;
    }
    if (message.kind !== 'query') return this.#rpc.settle(message, from);
    if (this.#options.readOnly) return true; // BEP 43: read-only nodes do not answer
    if (!this.#allow(from, now)) return true;
    if (!message.readOnly && message.method !== 'unknown') this.#heard({ id: message.id, address: from }, 'query');
    this.#options.transport.send(answerQuery(this.#handler, message, from, bytes.length, now), from);
    return true;
  }

  /** Per-IP rate limit; loopback is exempt unless `rateLimit.loopback` is set (local swarms share one IP). */
  #allow(from: Address, now: number): boolean {
    if (this.#options.rateLimit?.loopback !== true && isLoopback(from.host)) return true;
    return this.#rate.allow(from.host, now);
  }

  /** Garbage is counted per endpoint (host:port), so one bad program cannot get a whole NAT or loopback ignored. */
  #reportGarbage(from: Address, error: DhtError, now: number): void {
    this.emit('warning', error, from);
    const key = addressKey(from);
    if (!this.#garbage.report(key, now)) return;
    for (const table of this.#tables.values()) {
      const node = table.findByAddress(from);
      if (node) table.remove(node.id);
    }
    this.emit('warning', new DhtError('MALFORMED', `ignoring ${key} for a while: repeated garbage`), from);
  }

  #acceptable(node: NodeInfo): boolean {
    const ip = parseIp(node.address.host);
    if (!ip || !this.#tables.has(ip.family) || node.address.port === 0 || idEquals(node.id, this.id)) return false;
    if (this.#garbage.isBanned(addressKey(node.address), this.#clock.now())) return false;
    return !this.#options.enforceNodeIds || isValidNodeId(node.id, node.address.host);
  }

  #heard(node: NodeInfo, how: 'query' | 'response'): void {
    if (!this.#acceptable(node)) return;
    const table = this.#tables.get(parseIp(node.address.host)!.family)!;
    const outcome = table.heard(node, how, this.#clock.now());
    if (outcome.kind === 'added' || outcome.kind === 'replaced') this.emit('node', node);
    if (outcome.kind === 'cached' && outcome.ping) this.#pingForReplacement(outcome.ping);
  }

  #pingForReplacement(node: NodeInfo): void {
    const key = `${node.address.host}:${node.address.port}`;
    if (this.#pinging.has(key)) return;
    this.#pinging.add(key);
    this.#query(node.address, { method: 'ping', id: this.id, readOnly: false }, () => this.#pinging.delete(key), node.id);
  }

  /** Sends a query and keeps the routing table current with the outcome. */
  #query(to: Address, query: OutgoingQuery, done: (r: QueryResult) => void, expectedId?: Uint8Array): void {
    this.#rpc.query(to, query, (result) => {
      const now = this.#clock.now();
      if (result.ok) this.#heard({ id: result.response.id, address: to }, 'response');
      else if (expectedId && result.error.code === 'TIMEOUT') {
        this.#tables.get(parseIp(to.host)?.family ?? 4)?.failed(expectedId, now);
      }
      done(result);
    });
  }

  #want() {
    return this.families.length > 1 ? { want: { n4: this.families.includes(4), n6: this.families.includes(6) } } : {};
  }

  #seeds(target: Uint8Array): NodeInfo[] {
    const now = this.#clock.now();
    return [...this.#tables.values()].flatMap((t) => t.closest(target, t.k * 2, now));
  }

  #runLookup(method: 'find_node' | 'get_peers', target: Uint8Array, seeds: NodeInfo[], options: LookupCallOptions): Promise<LookupResult> {
    if (!isId(target)) return Promise.reject(new DhtError('INVALID_ARGUMENT', 'a target is 20 bytes', { field: 'target' }));
    if (this.#closed) return Promise.reject(new DhtError('CLOSED', 'the DHT node is closed'));
    if (options.signal?.aborted) return Promise.reject(new DhtError('ABORTED', 'lookup aborted'));
    for (const t of this.#tables.values()) t.touch(target, this.#clock.now());
    return new Promise((resolve, reject) => {
      const onAbort = (): void => lookup.abort();
      const lookup: Lookup = new Lookup({
        target, method,
        send: (node, done) => {
          const q: OutgoingQuery = method === 'find_node'
            ? { method, id: this.id, target, readOnly: false, ...this.#want() }
            : { method, id: this.id, infoHash: target, readOnly: false, ...this.#want() };
          this.#query(node.address, q, done, node.id);
        },
        accept: (node) => this.#acceptable(node),
        onPeers: (peers) => options.onPeers?.(peers),
        onDone: (result) => {
          this.#lookups.delete(lookup);
          options.signal?.removeEventListener('abort', onAbort);
          if (this.#closed) reject(new DhtError('CLOSED', 'the DHT node was closed'));
          else if (result.aborted) reject(new DhtError('ABORTED', 'lookup aborted'));
          else resolve(result);
        },
      }, this.#options.lookup);
      this.#lookups.add(lookup);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      // Peers announced to us count too: in a small swarm we may be the node that holds them.
      const known = method === 'get_peers' ? this.#peers.get(target, 200, this.#clock.now(), this.#random) : [];
      lookup.start(seeds, known);
    });
  }

  /** Iterative find_node towards `target`: the k closest nodes that answered. */
  findNode(target: Uint8Array, options: LookupCallOptions = {}): Promise<LookupResult> {
    return this.#runLookup('find_node', target, this.#seeds(target), options);
  }

  /** Iterative get_peers for `infoHash`: peers (also through onPeers as they come) and the closest nodes' tokens. */
  getPeers(infoHash: Uint8Array, options: LookupCallOptions = {}): Promise<LookupResult> {
    return this.#runLookup('get_peers', infoHash, this.#seeds(infoHash), options);
  }

  /** get_peers, then announce_peer to the closest k nodes that gave a token. */
  async announce(infoHash: Uint8Array, options: AnnounceOptions = {}): Promise<AnnounceResult> {
    const impliedPort = options.impliedPort === true;
    const port = options.port ?? 0;
    if (!impliedPort && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      throw new DhtError('INVALID_ARGUMENT', `port ${port} out of range (or pass impliedPort)`, { field: 'port' });
    }
    const lookup = await this.getPeers(infoHash, options);
    const withTokens = lookup.closest.filter((c) => c.token !== undefined);
    const acks = await Promise.all(withTokens.map((c) => new Promise<boolean>((resolve) => {
      this.#query(c.node.address, { method: 'announce_peer', id: this.id, readOnly: false, infoHash, port, impliedPort, token: c.token! },
        (r) => resolve(r.ok), c.node.id);
    })));
    return { lookup, announcedTo: acks.filter(Boolean).length };
  }

  /**
   * Asks the given endpoints (bootstrap routers, or saved nodes) for the nodes nearest our id, then
   * looks up our own id through them, which fills the routing table.
   */
  async bootstrap(addresses: readonly Address[], options: { signal?: AbortSignal } = {}): Promise<LookupResult> {
    const found: NodeInfo[] = [];
    await Promise.all(addresses.map((address) => new Promise<void>((resolve) => {
      const to = normalize(address);
      if (!to || !this.#tables.has(parseIp(to.host)!.family)) return resolve();
      this.#query(to, { method: 'find_node', id: this.id, target: this.id, readOnly: false, ...this.#want() }, (r) => {
        if (r.ok) found.push(...nodesOf(r.response).filter((n) => this.#acceptable(n)).slice(0, 16));
        resolve();
      });
    })));
    const result = await this.#runLookup('find_node', this.id, [...this.#seeds(this.id), ...found], options);
    // The self-lookup fills only the buckets near our id; one lookup inside every other bucket fills the rest.
    await this.refresh({ all: true, ...options });
    return result;
  }

  /**
   * BEP 5 bucket refresh: a find_node for a random id inside each bucket not touched for 15 minutes
   * (every bucket with `all`). Runs on its own every maintenance period; resolves when all are done.
   */
  async refresh(options: { all?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const now = this.#clock.now();
    const targets = [...this.#tables.values()].flatMap((t) => t.refreshTargets(now, this.#random, options.all === true));
    const runs = targets.map((target) => this.findNode(target, options).catch((e: unknown) => {
      if (e instanceof DhtError && e.code === 'ABORTED') throw e;
    }));
    await Promise.all(runs);
  }

  /** Pings an endpoint (BEP 5 PORT message, a saved node); it joins the routing table if it answers. */
  addNode(address: Address): void {
    const to = normalize(address);
    if (!to || !this.#tables.has(parseIp(to.host)!.family) || this.#closed) return;
    this.#query(to, { method: 'ping', id: this.id, readOnly: false }, () => undefined);
  }

  #scheduleMaintenance(): void {
    const every = this.#options.maintenanceIntervalMs ?? 60_000;
    if (every <= 0 || this.#closed) return;
    this.#maintenance = this.#clock.setTimeout(() => {
      this.#maintain();
      this.#scheduleMaintenance();
    }, every);
  }

  /** BEP 5 upkeep: refresh buckets untouched for 15 minutes, re-check questionable nodes, expire peers. */
  #maintain(): void {
    const now = this.#clock.now();
    this.#peers.expire(now);
    this.refresh().catch(() => undefined);
    for (const table of this.#tables.values()) {
      for (const node of table.questionable(now).slice(0, 8)) this.#pingForReplacement(node);
    }
  }

  /** Stops timers, fails pending queries and lookups with CLOSED. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#maintenance?.();
    for (const lookup of [...this.#lookups]) lookup.abort();
    this.#rpc.close();
  }
}

function nodesOf(r: KrpcResponse): NodeInfo[] {
  return [...(r.nodes ?? []), ...(r.nodes6 ?? [])];
}

function isLoopback(host: string): boolean {
  return host === '::1' || host.startsWith('127.');
}

/** Canonical text for the IP (so one endpoint has one key); IPv4-mapped IPv6 becomes IPv4. */
function normalize(address: Address): Address | undefined {
  const ip = parseIp(address.host);
  if (!ip || !Number.isInteger(address.port) || address.port < 1 || address.port > 65535) return undefined;
  const mapped = ip.family === 6 && ip.bytes.subarray(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
  const host = mapped ? formatIp(ip.bytes.subarray(12)) : formatIp(ip.bytes);
  return host === address.host ? address : { host, port: address.port };
}
