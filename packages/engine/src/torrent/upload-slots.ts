// The session's upload slots (libtorrent's unchoke_slots_limit, default 8 there too): how many
// interested peers may be unchoked at once across all torrents. Without it each torrent unchokes its
// own 4 + 1, so 1,000 seeding torrents could upload to 5,000 peers at once. Every rechoke interval
// the session runs one round for all torrents: it shares the slots by demand (choke/slot-share.ts)
// and has each torrent rechoke within its share. Between rounds a torrent whose peer becomes
// interested may claim a slot nobody holds, so a fresh swarm still starts at once.
import { shareSlots } from '../choke/slot-share.js';
import { EngineError } from '../errors.js';

/** The session's tick (services.ts's SessionTicks, named here without importing it: services.ts names this file). */
interface Ticks {
  add(member: { tick(now: number): void }): void;
  remove(member: { tick(now: number): void }): void;
}

/** libtorrent's default unchoke_slots_limit. */
export const DEFAULT_SESSION_UPLOAD_SLOTS = 8;

/** One torrent's choking, as the session's slots see it. */
export interface SlotHolder {
  /** Interested peers that would take a slot now (0 while the torrent does not upload). */
  demand(): number;
  /** Rechoke within `UploadSlots.slotsOf(this)`, which the round has just set. */
  rechoke(now: number): void;
}

export interface UploadSlotsOptions {
  /** Slots in the session; Infinity: each torrent keeps its own `perTorrent`. */
  readonly limit: number;
  /** Most slots one torrent may hold (its regular slots plus the optimistic one). */
  readonly perTorrent: number;
  readonly intervalMs: number;
  /** Ticks the rounds while any torrent holds a place. */
  readonly ticks: Ticks;
}

export class UploadSlots {
  readonly limit: number;
  readonly perTorrent: number;
  readonly #intervalMs: number;
  readonly #ticks: Ticks;
  /** Every torrent that may upload, in the order it joined, with the slots it holds. */
  readonly #holders = new Map<SlotHolder, number>();
  #held = 0;
  /** Where the next round's deal starts (see shareSlots). */
  #start = 0;
  #lastRound = Number.NEGATIVE_INFINITY;

  constructor(options: UploadSlotsOptions) {
    const { limit, perTorrent } = options;
    if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit >= 0))) throw new EngineError('INVALID_ARGUMENT', `upload slots must be a non-negative integer or Infinity, got ${limit}`);
    this.limit = limit;
    this.perTorrent = perTorrent;
    this.#intervalMs = options.intervalMs;
    this.#ticks = options.ticks;
  }

  /** Slots held by all torrents together. */
  get held(): number {
    return this.#held;
  }

  join(holder: SlotHolder): void {
    if (this.#holders.has(holder)) return;
    if (this.#holders.size === 0) this.#ticks.add(this);
    this.#holders.set(holder, 0);
  }

  leave(holder: SlotHolder): void {
    const slots = this.#holders.get(holder);
    if (slots === undefined) return;
    this.#holders.delete(holder);
    this.#held -= slots;
    if (this.#holders.size === 0) this.#ticks.remove(this);
  }

  /** Slots the torrent may fill now (regular and optimistic together). */
  slotsOf(holder: SlotHolder): number {
    return this.#holders.get(holder) ?? 0;
  }

  /** Between rounds: one more slot for `holder`, if one is free and it holds fewer than `perTorrent`. */
  claim(holder: SlotHolder): boolean {
    const slots = this.#holders.get(holder);
    if (slots === undefined || slots >= this.perTorrent || this.#held >= this.limit) return false;
    this.#holders.set(holder, slots + 1);
    this.#held++;
    return true;
  }

  tick(now: number): void {
    if (now - this.#lastRound >= this.#intervalMs) this.round(now);
  }

  /** Shares the slots by current demand, then has every torrent rechoke within its share. */
  round(now: number): void {
    this.#lastRound = now;
    const holders = [...this.#holders.keys()];
    const { shares, next } = shareSlots(holders.map((holder) => holder.demand()), this.limit, this.perTorrent, this.#start);
    this.#start = next;
    this.#held = 0;
    holders.forEach((holder, i) => {
      const slots = shares[i] ?? 0;
      this.#holders.set(holder, slots);
      this.#held += slots;
    });
    // Every share is set before anyone rechokes, so what one unchokes fits beside the others'.
    let failure: { error: unknown } | undefined;
    for (const holder of holders) {
      if (!this.#holders.has(holder)) continue;
      try {
        holder.rechoke(now);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}
