// An iterative Kademlia lookup (BEP 5 find_node / get_peers): alpha queries in flight, always to the
// closest candidates not yet asked, until the k closest candidates that did not fail have all answered.
// Bounded in every direction: candidates kept, nodes taken from one reply, queries sent, and "rounds"
// (hops away from the seed nodes). Pure: sending goes through the `send` callback.
import type { Address } from '../env.js';
import { compareDistance, idToHex } from '../ids.js';
import { addressKey } from '../ip.js';
import type { NodeInfo } from '../krpc/compact.js';
import type { KrpcResponse } from '../krpc/messages.js';
import type { QueryResult } from '../rpc.js';

export interface LookupLimits {
  /** Size of the closest set that must answer. Default 8 (BEP 5 k). */
  k?: number;
  /** Queries in flight at once. Default 3. */
  alpha?: number;
  /** Hops from the seeds after which nodes are not asked. Default 12. */
  maxRounds?: number;
  /** Queries per lookup. Default 200. */
  maxQueries?: number;
  /** Nodes taken from one reply (a reply with 10,000 nodes gets this many). Default 16. */
  maxNodesPerResponse?: number;
  /** Candidates remembered, closest first. Default 64. */
  maxCandidates?: number;
  /** Distinct peers collected (get_peers). Default 2,000. */
  maxPeers?: number;
}

export interface LookupHooks {
  readonly target: Uint8Array;
  readonly method: 'find_node' | 'get_peers';
  /** Sends the query to `node`; `done` is called once with the outcome. */
  send(node: NodeInfo, done: (result: QueryResult) => void): void;
  /** May a node named in a reply be asked? (address family supported, BEP 42, not ourselves) */
  accept(node: NodeInfo): boolean;
  /** New peers from a get_peers reply (`from` undefined: peers we held already). */
  onPeers?(peers: readonly Address[], from: NodeInfo | undefined): void;
  /** Every reply, for the routing table. */
  onResponse?(node: NodeInfo, response: KrpcResponse): void;
  onFailure?(node: NodeInfo): void;
  onDone(result: LookupResult): void;
}

export interface ClosestNode {
  readonly node: NodeInfo;
  /** get_peers write token, for announce_peer. */
  readonly token: Uint8Array | undefined;
}

export interface LookupResult {
  /** The k closest nodes that answered, closest first. */
  readonly closest: readonly ClosestNode[];
  readonly peers: readonly Address[];
  /** Hops from the seeds to the farthest node asked (1 = only seeds were asked). */
  readonly rounds: number;
  readonly queries: number;
  readonly responses: number;
  readonly aborted: boolean;
}

interface Candidate {
  readonly node: NodeInfo;
  readonly depth: number;
  state: 'new' | 'pending' | 'answered' | 'failed';
  token: Uint8Array | undefined;
}

export class Lookup {
  readonly #hooks: LookupHooks;
  readonly #k: number;
  readonly #alpha: number;
  readonly #maxRounds: number;
  readonly #maxQueries: number;
  readonly #maxFromOne: number;
  readonly #maxCandidates: number;
  readonly #maxPeers: number;
  #candidates: Candidate[] = [];
  readonly #seen = new Set<string>();
  readonly #peers = new Map<string, Address>();
  #inFlight = 0;
  #queries = 0;
  #responses = 0;
  #rounds = 0;
  #finished = false;

  constructor(hooks: LookupHooks, limits: LookupLimits = {}) {
    this.#hooks = hooks;
    this.#k = limits.k ?? 8;
    this.#alpha = limits.alpha ?? 3;
    this.#maxRounds = limits.maxRounds ?? 12;
    this.#maxQueries = limits.maxQueries ?? 200;
    this.#maxFromOne = limits.maxNodesPerResponse ?? 16;
    this.#maxCandidates = limits.maxCandidates ?? 64;
    this.#maxPeers = limits.maxPeers ?? 2000;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** `knownPeers`: peers we already hold (announced to us), reported first and counted once. */
  start(seeds: readonly NodeInfo[], knownPeers: readonly Address[] = []): void {
    for (const s of seeds) this.#add(s, 0);
    if (knownPeers.length > 0) this.#collect(knownPeers, undefined);
    this.#step();
  }

  /** Stops sending; replies still in flight are ignored. */
  abort(): void {
    this.#finish(true);
  }

  #add(node: NodeInfo, depth: number): void {
    const idKey = idToHex(node.id);
    const addrKey = addressKey(node.address);
    if (this.#seen.has(idKey) || this.#seen.has(addrKey)) return; // no node asked twice
    this.#seen.add(idKey);
    this.#seen.add(addrKey);
    const target = this.#hooks.target;
    const c: Candidate = { node, depth, state: 'new', token: undefined };
    const at = this.#candidates.findIndex((x) => compareDistance(node.id, x.node.id, target) < 0);
    if (at === -1) this.#candidates.push(c);
    else this.#candidates.splice(at, 0, c);
    if (this.#candidates.length > this.#maxCandidates) {
      // Drop the farthest candidate that is not waiting for a reply.
      const drop = this.#candidates.findLastIndex((x) => x.state !== 'pending');
      if (drop !== -1) this.#candidates.splice(drop, 1);
    }
  }

  /** The k closest candidates that have not failed. */
  #window(): Candidate[] {
    const out: Candidate[] = [];
    for (const c of this.#candidates) {
      if (c.state === 'failed') continue;
      out.push(c);
      if (out.length === this.#k) break;
    }
    return out;
  }

  #step(): void {
    if (this.#finished) return;
    const window = this.#window();
    if (window.length > 0 && window.every((c) => c.state === 'answered')) return this.#finish(false);
    while (this.#inFlight < this.#alpha && this.#queries < this.#maxQueries) {
      const next = this.#window().find((c) => c.state === 'new');
      if (!next) break;
      if (next.depth >= this.#maxRounds) {
        next.state = 'failed'; // too many hops from the seeds: not asked
        continue;
      }
      this.#ask(next);
      if (this.#finished) return;
    }
    if (this.#inFlight === 0) this.#finish(false);
  }

  #ask(c: Candidate): void {
    c.state = 'pending';
    this.#inFlight++;
    this.#queries++;
    this.#rounds = Math.max(this.#rounds, c.depth + 1);
    this.#hooks.send(c.node, (result) => {
      this.#inFlight--;
      if (this.#finished) return;
      if (result.ok) this.#answered(c, result.response);
      else {
        c.state = 'failed';
        this.#hooks.onFailure?.(c.node);
      }
      this.#step();
    });
  }

  #answered(c: Candidate, response: KrpcResponse): void {
    c.state = 'answered';
    c.token = response.token;
    this.#responses++;
    this.#hooks.onResponse?.(c.node, response);
    const named = [...(response.nodes ?? []), ...(response.nodes6 ?? [])].slice(0, this.#maxFromOne);
    for (const n of named) if (n.address.port !== 0 && this.#hooks.accept(n)) this.#add(n, c.depth + 1);
    if (this.#hooks.method === 'get_peers' && response.values) this.#collect(response.values, c.node);
  }

  #collect(peers: readonly Address[], from: NodeInfo | undefined): void {
    const fresh: Address[] = [];
    for (const p of peers) {
      const key = addressKey(p);
      if (p.port === 0 || this.#peers.has(key) || this.#peers.size >= this.#maxPeers) continue;
      this.#peers.set(key, p);
      fresh.push(p);
    }
    if (fresh.length > 0) this.#hooks.onPeers?.(fresh, from);
  }

  #finish(aborted: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    const closest = this.#candidates
      .filter((c) => c.state === 'answered')
      .slice(0, this.#k)
      .map((c) => ({ node: c.node, token: c.token }));
    this.#hooks.onDone({
      closest, peers: [...this.#peers.values()], rounds: this.#rounds, queries: this.#queries,
      responses: this.#responses, aborted,
    });
  }
}
