import { randomIndex } from '../picker/random.js';
import type { RandomSource } from '../picker/random.js';

/** Run `choke` this often (BEP 3: "every ten seconds"). The caller owns the timer. */
export const RECHOKE_INTERVAL_MS = 10_000;

/** The optimistic unchoke moves to another peer this often (BEP 3: "every 30 seconds"). */
export const OPTIMISTIC_INTERVAL_MS = 30_000;

/** Regular (tit-for-tat) upload slots, not counting the optimistic one: BEP 3's "four peers". */
export const DEFAULT_UNCHOKE_SLOTS = 4;

/** A peer connected for less than this counts as new when choosing the optimistic unchoke. */
export const NEW_PEER_WINDOW_MS = 2 * OPTIMISTIC_INTERVAL_MS;

/** How much likelier a new peer is to become the optimistic unchoke (BEP 3: "three times"). */
export const NEW_PEER_WEIGHT = 3;

/** What the choker needs to know about one connected peer. Rates are in bytes per second. */
export interface ChokePeer {
  readonly key: string;
  /** The peer is interested in what we have (it would download from us). */
  readonly interested: boolean;
  /** We are choking the peer now. */
  readonly amChoking: boolean;
  /** How fast the peer sends to us. */
  readonly downloadRate: number;
  /** How fast we send to the peer. */
  readonly uploadRate: number;
  /** The peer has every piece; it can never want anything from us. */
  readonly isSeed?: boolean;
  /** No block from the peer for a minute while we waited on it (see `PeerRequests.snubbed`). */
  readonly snubbed: boolean;
  /** When the connection was established (ms, same clock as `now`). */
  readonly connectedAt: number;
}

/** The current optimistic unchoke and when it was chosen. */
export interface OptimisticUnchoke {
  readonly key: string;
  readonly since: number;
}

/** One rechoke round's input. */
export interface ChokeInput {
  readonly peers: readonly ChokePeer[];
  /** We have every wanted piece: rank peers by how fast they take from us, not give to us. */
  readonly seeding: boolean;
  /** Regular slots. Default `DEFAULT_UNCHOKE_SLOTS`. */
  readonly slots?: number;
  /** The optimistic unchoke the previous round returned. */
  readonly optimistic?: OptimisticUnchoke | undefined;
  /** Choose an optimistic unchoke on top of the regular slots (default true). */
  readonly optimisticSlot?: boolean;
  /** The time of this round (ms). */
  readonly now: number;
  /** Draws the optimistic unchoke. Default `Math.random`. */
  readonly random?: RandomSource;
}

/** One rechoke round's outcome. */
export interface ChokeDecision {
  /** Every peer that should be unchoked after this round. */
  readonly unchoked: ReadonlySet<string>;
  /** The tit-for-tat slot holders, best rate first. */
  readonly regular: readonly string[];
  /** Uninterested peers unchoked because they beat the slowest slot holder (BEP 3); no slot used. */
  readonly standby: readonly string[];
  /** Keep this and pass it to the next round. */
  readonly optimistic: OptimisticUnchoke | undefined;
  /** Send CHOKE to these (unchoked now, not in `unchoked`). */
  readonly choke: readonly string[];
  /** Send UNCHOKE to these (choked now, in `unchoked`). */
  readonly unchoke: readonly string[];
}

/**
 * The classic tit-for-tat choker (BEP 3, as in the original client), as one pure function:
 *
 * 1. Regular slots go to the `slots` interested peers with the best rate: the rate they send to us
 *    while we download, the rate we send to them while we seed. Snubbed peers get no regular slot
 *    while we download (they are not reciprocating). Ties go to peers already unchoked (less churn),
 *    then to older connections.
 * 2. Uninterested peers with a better rate than the slowest slot holder are unchoked too, without
 *    taking a slot, so that they can start at once if they become interested; the next round then
 *    trims back to `slots`. (With no slot holder the bar is 0: any rate above it.) Seeds are never
 *    unchoked this way: they will not download.
 * 3. One optimistic unchoke on top, an interested peer outside the regular slots chosen at random,
 *    new connections three times as likely, kept for `OPTIMISTIC_INTERVAL_MS` unless it leaves,
 *    loses interest or earns a regular slot. It lets new peers get their first pieces to trade and
 *    lets us discover peers faster than the current ones.
 *
 * So at most `slots + 1` interested peers are unchoked (`slots` with `optimisticSlot: false`).
 * O(p log p) for p peers.
 */
export function choke(input: ChokeInput): ChokeDecision {
  const slots = input.slots ?? DEFAULT_UNCHOKE_SLOTS;
  if (!Number.isInteger(slots) || slots < 0) throw new RangeError(`slots must be a non-negative integer, got ${slots}`);
  const rateOf = (peer: ChokePeer): number => (input.seeding ? peer.uploadRate : peer.downloadRate);
  const eligible = input.peers.filter((peer) => peer.isSeed !== true && !(peer.snubbed && !input.seeding));
  const ranked = [...eligible].sort(
    (a, b) =>
      rateOf(b) - rateOf(a) ||
      Number(a.amChoking) - Number(b.amChoking) ||
      a.connectedAt - b.connectedAt ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );

  const regular = ranked.filter((peer) => peer.interested).slice(0, slots);
  const last = regular.at(-1);
  const slowest = last === undefined ? 0 : rateOf(last);
  const standby = ranked.filter((peer) => !peer.interested && rateOf(peer) > slowest);
  const regularKeys = new Set(regular.map((peer) => peer.key));

  const optimistic = input.optimisticSlot === false ? undefined : chooseOptimistic(input, regularKeys);
  const unchoked = new Set([...regularKeys, ...standby.map((peer) => peer.key)]);
  if (optimistic !== undefined) unchoked.add(optimistic.key);

  return {
    unchoked,
    regular: regular.map((peer) => peer.key),
    standby: standby.map((peer) => peer.key),
    optimistic,
    choke: input.peers.filter((peer) => !peer.amChoking && !unchoked.has(peer.key)).map((peer) => peer.key),
    unchoke: input.peers.filter((peer) => peer.amChoking && unchoked.has(peer.key)).map((peer) => peer.key),
  };
}

/** Keeps the current optimistic unchoke while it is valid and young, otherwise draws a new one. */
function chooseOptimistic(input: ChokeInput, regular: ReadonlySet<string>): OptimisticUnchoke | undefined {
  const candidates = input.peers.filter(
    (peer) => peer.interested && peer.isSeed !== true && !regular.has(peer.key),
  );
  const current = input.optimistic;
  if (
    current !== undefined &&
    input.now - current.since < OPTIMISTIC_INTERVAL_MS &&
    candidates.some((peer) => peer.key === current.key)
  ) {
    return current;
  }
  // Rotate away from the current one when anybody else can take its place.
  const others = candidates.filter((peer) => peer.key !== current?.key);
  const pool = others.length > 0 ? others : candidates;
  if (pool.length === 0) return undefined;
  const weights = pool.map((peer) => (input.now - peer.connectedAt < NEW_PEER_WINDOW_MS ? NEW_PEER_WEIGHT : 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let ticket = randomIndex(input.random ?? Math.random, total);
  for (const [index, peer] of pool.entries()) {
    ticket -= weights[index] ?? 0;
    if (ticket < 0) return { key: peer.key, since: input.now };
  }
  return undefined;
}
