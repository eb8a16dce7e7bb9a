// The BEP 5 routing table: k-buckets over the 160-bit id space, where only the bucket holding our own
// id splits. Buckets are kept as a list indexed by the number of leading bits shared with our id; the
// last bucket holds every id sharing at least that many bits (it is the one that contains ours).
import { addressKey } from '../ip.js';
import { commonPrefixLength, compareDistance, idEquals, ID_BITS, randomIdWithPrefix } from '../ids.js';
import type { RandomSource } from '../env.js';
import type { NodeInfo } from '../krpc/compact.js';
import { lastSeen, nodeState, QUESTIONABLE_AFTER_MS, type RoutingNode } from './node-state.js';

export interface RoutingTableOptions {
  /** Nodes per bucket. Default 8 (BEP 5). */
  k?: number;
  /** Candidates kept per bucket for when a node goes bad. Default 8. */
  replacements?: number;
}

interface Bucket {
  nodes: RoutingNode[];
  replacements: RoutingNode[];
  /** Last time a node in the bucket was added or answered, or a lookup targeted the bucket's range. */
  lastChanged: number;
}

export type InsertOutcome =
  | { readonly kind: 'added' | 'updated' | 'replaced' | 'dropped' }
  /** The bucket is full: the node waits in the replacement cache; ping `ping` (if set) to see if it is alive. */
  | { readonly kind: 'cached'; readonly ping: RoutingNode | undefined };

export class RoutingTable {
  readonly ownId: Uint8Array;
  readonly k: number;
  readonly #maxReplacements: number;
  #buckets: Bucket[];
  /** addressKey -> node: one entry per endpoint, so nobody can take over an address under a new id. */
  readonly #byAddress = new Map<string, RoutingNode>();

  constructor(ownId: Uint8Array, options: RoutingTableOptions = {}, now = 0) {
    this.ownId = ownId;
    this.k = options.k ?? 8;
    this.#maxReplacements = options.replacements ?? 8;
    this.#buckets = [{ nodes: [], replacements: [], lastChanged: now }];
  }

  get size(): number {
    return this.#byAddress.size;
  }

  get bucketCount(): number {
    return this.#buckets.length;
  }

  #indexOf(id: Uint8Array): number {
    return Math.min(commonPrefixLength(this.ownId, id), this.#buckets.length - 1);
  }

  find(id: Uint8Array): RoutingNode | undefined {
    return this.#buckets[this.#indexOf(id)]!.nodes.find((n) => idEquals(n.id, id));
  }

  findByAddress(address: { host: string; port: number }): RoutingNode | undefined {
    return this.#byAddress.get(addressKey(address));
  }

  /** Records that `info` answered us ('response') or queried us ('query'), adding it if there is room. */
  heard(info: NodeInfo, how: 'response' | 'query', now: number): InsertOutcome {
    if (idEquals(info.id, this.ownId)) return { kind: 'dropped' };
    const mark = (node: RoutingNode): void => {
      if (how === 'response') {
        node.lastResponse = now;
        node.failures = 0;
      } else node.lastQuery = now;
    };
    const known = this.#byAddress.get(addressKey(info.address));
    if (known && !idEquals(known.id, info.id)) {
      // Same endpoint, new id. A query proves nothing (anyone can claim an id); an answer to our own
      // query from that endpoint means the node there restarted with a new id: replace the entry.
      if (how === 'query') return { kind: 'dropped' };
      this.remove(known.id);
    } else if (known) {
      mark(known);
      if (how === 'response') this.#buckets[this.#indexOf(known.id)]!.lastChanged = now;
      return { kind: 'updated' };
    }
    if (this.find(info.id)) return { kind: 'dropped' }; // same id from another endpoint: keep the first
    const node: RoutingNode = { id: info.id, address: info.address, lastResponse: -Infinity, lastQuery: -Infinity, failures: 0 };
    mark(node);
    for (;;) {
      const index = this.#indexOf(node.id);
      const bucket = this.#buckets[index]!;
      if (bucket.nodes.length < this.k) {
        this.#insert(bucket, node, now);
        return { kind: 'added' };
      }
      if (index === this.#buckets.length - 1 && this.#buckets.length < ID_BITS) {
        this.#split();
        continue;
      }
      const bad = bucket.nodes.find((n) => nodeState(n, now) === 'bad');
      if (bad) {
        this.#remove(bucket, bad);
        this.#insert(bucket, node, now);
        return { kind: 'replaced' };
      }
      this.#cache(bucket, node);
      const questionable = bucket.nodes
        .filter((n) => nodeState(n, now) === 'questionable')
        .sort((a, b) => lastSeen(a) - lastSeen(b))[0];
      return { kind: 'cached', ping: questionable };
    }
  }

  /** One of our queries to `id` went unanswered; a node that turns bad gives way to a replacement. */
  failed(id: Uint8Array, now: number): void {
    const bucket = this.#buckets[this.#indexOf(id)]!;
    const node = bucket.nodes.find((n) => idEquals(n.id, id));
    if (!node) {
      bucket.replacements = bucket.replacements.filter((n) => !idEquals(n.id, id));
      return;
    }
    node.failures++;
    if (nodeState(node, now) !== 'bad') return;
    const replacement = bucket.replacements.pop();
    if (replacement) {
      this.#remove(bucket, node);
      this.#insert(bucket, replacement, now);
    }
  }

  /** Forgets a node (it sent garbage or failed a BEP 42 check). */
  remove(id: Uint8Array): void {
    const bucket = this.#buckets[this.#indexOf(id)]!;
    const node = bucket.nodes.find((n) => idEquals(n.id, id));
    if (node) this.#remove(bucket, node);
  }

  /** Up to `count` non-bad nodes, closest to `target` first. */
  closest(target: Uint8Array, count: number, now: number): RoutingNode[] {
    const all: RoutingNode[] = [];
    for (const bucket of this.#buckets) for (const n of bucket.nodes) if (nodeState(n, now) !== 'bad') all.push(n);
    return all.sort((a, b) => compareDistance(a.id, b.id, target)).slice(0, count);
  }

  all(): RoutingNode[] {
    return this.#buckets.flatMap((b) => b.nodes);
  }

  /** A lookup for `target` ran: its bucket counts as refreshed. */
  touch(target: Uint8Array, now: number): void {
    this.#buckets[this.#indexOf(target)]!.lastChanged = now;
  }

  /** A random target inside each bucket untouched for 15 minutes (BEP 5 refresh), or inside every bucket. */
  refreshTargets(now: number, random: RandomSource, all = false): Uint8Array[] {
    const last = this.#buckets.length - 1;
    return this.#buckets.flatMap((bucket, i) =>
      all || now - bucket.lastChanged >= QUESTIONABLE_AFTER_MS ? [randomIdWithPrefix(this.ownId, i, i !== last, random)] : [],
    );
  }

  /** Questionable nodes, to ping before they are relied on. */
  questionable(now: number): RoutingNode[] {
    return this.all().filter((n) => nodeState(n, now) === 'questionable');
  }

  #insert(bucket: Bucket, node: RoutingNode, now: number): void {
    bucket.nodes.push(node);
    bucket.replacements = bucket.replacements.filter((n) => !idEquals(n.id, node.id));
    bucket.lastChanged = now;
    this.#byAddress.set(addressKey(node.address), node);
  }

  #remove(bucket: Bucket, node: RoutingNode): void {
    bucket.nodes = bucket.nodes.filter((n) => n !== node);
    this.#byAddress.delete(addressKey(node.address));
  }

  #cache(bucket: Bucket, node: RoutingNode): void {
    bucket.replacements = bucket.replacements.filter((n) => !idEquals(n.id, node.id) && addressKey(n.address) !== addressKey(node.address));
    bucket.replacements.push(node);
    if (bucket.replacements.length > this.#maxReplacements) bucket.replacements.shift();
  }

  /** Splits the last bucket (the one holding our id) in two. */
  #split(): void {
    const old = this.#buckets.pop()!;
    const depth = this.#buckets.length; // ids in `old` share at least `depth` bits with ours
    const far: Bucket = { nodes: [], replacements: [], lastChanged: old.lastChanged };
    const near: Bucket = { nodes: [], replacements: [], lastChanged: old.lastChanged };
    const side = (n: RoutingNode): Bucket => (commonPrefixLength(this.ownId, n.id) === depth ? far : near);
    for (const n of old.nodes) side(n).nodes.push(n);
    for (const n of old.replacements) side(n).replacements.push(n);
    this.#buckets.push(far, near);
  }
}
