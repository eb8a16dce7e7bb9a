// The session's active queue (issue 17): how many torrents download and seed at once, as in the
// clients people use (libtorrent's active_downloads / active_seeds / active_limit, Transmission's
// download queue). Every torrent has a place in the queue; one past a limit is `queued` (no peers,
// no announces) and starts, in queue order, when a slot of its kind frees. A slot is never taken from
// a torrent for one earlier in the queue (no churn); only a lowered limit, or a kind switch that puts
// a kind over its limit, sends the active torrents latest in the queue back to wait. Slow torrents
// (libtorrent's dont_count_slow_torrents, Transmission's stalled queue): one active for a minute
// that moves less than 2 KiB/s each way does not count, so a stalled download does not hold up the
// queue; it counts again once it is fast, and then the latest in the queue waits again.
import type { Cancel, Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import type { ActiveKind, ActiveSlots, QueueMember } from '../torrent/active-slots.js';

/** Downloads at once by default: Transmission's download-queue-size. */
export const DEFAULT_MAX_ACTIVE_DOWNLOADS = 5;
/** Seeds at once by default: no limit (Transmission's seed queue is off by default; a seed costs little once idle). */
export const DEFAULT_MAX_ACTIVE_SEEDS = Number.POSITIVE_INFINITY;
/** Downloads and seeds together by default: no limit beyond the two above. */
export const DEFAULT_MAX_ACTIVE = Number.POSITIVE_INFINITY;

/** When an active torrent is slow (libtorrent's inactive_down_rate / inactive_up_rate, auto_manage_startup, auto_manage_interval). */
export interface SlowRule {
  /** Slow below this many payload bytes per second, both ways. */
  readonly belowBytesPerSecond: number;
  /** Never slow in its first this many ms of a slot. */
  readonly afterMs: number;
  /** How often the rates are looked at, while anyone waits or is slow. */
  readonly everyMs: number;
}

export const DEFAULT_SLOW_RULE: SlowRule = { belowBytesPerSecond: 2048, afterMs: 60_000, everyMs: 30_000 };

export interface ActiveLimits {
  /** Torrents downloading at once (a magnet fetching its metadata counts); Infinity: no limit. */
  readonly downloads: number;
  /** Torrents seeding at once; Infinity: no limit. */
  readonly seeds: number;
  /** Both together; Infinity: no limit. */
  readonly total: number;
}

export class ActiveQueue implements ActiveSlots {
  #limits: ActiveLimits;
  /** Members in queue order; `#positions` mirrors it so a position is read in O(1). */
  #order: QueueMember[] = [];
  readonly #positions = new Map<QueueMember, number>();
  readonly #active = new Map<QueueMember, ActiveKind>();
  /** Active members per kind (a session of 10,000 seeds asks often). */
  readonly #counts: Record<ActiveKind, number> = { download: 0, seed: 0 };
  readonly #waiting = new Map<QueueMember, ActiveKind>();
  /** Active members found slow at the last look: they do not count. */
  readonly #slow = new Set<QueueMember>();
  readonly #slowCounts: Record<ActiveKind, number> = { download: 0, seed: 0 };
  readonly #activeSince = new Map<QueueMember, number>();
  readonly #clock: Clock | undefined;
  readonly #slowRule: SlowRule | undefined;
  #timer: Cancel | undefined;

  /** `slow`: the rule for slow torrents, looked at on `clock` (both needed; without them every active torrent counts). */
  constructor(limits: Partial<ActiveLimits> = {}, options: { readonly clock?: Clock; readonly slow?: SlowRule | undefined } = {}) {
    this.#limits = merged({ downloads: DEFAULT_MAX_ACTIVE_DOWNLOADS, seeds: DEFAULT_MAX_ACTIVE_SEEDS, total: DEFAULT_MAX_ACTIVE }, limits);
    this.#clock = options.clock;
    this.#slowRule = options.clock === undefined ? undefined : options.slow;
  }

  get limits(): ActiveLimits {
    return this.#limits;
  }

  /** Active members of a kind, or all of them. */
  activeCount(kind?: ActiveKind): number {
    return kind === undefined ? this.#active.size : this.#counts[kind];
  }

  /** Active members that count against the limits (not slow). */
  #counted(kind?: ActiveKind): number {
    return kind === undefined ? this.#active.size - this.#slow.size : this.#counts[kind] - this.#slowCounts[kind];
  }

  isSlow(member: QueueMember): boolean {
    return this.#slow.has(member);
  }

  /**
   * Looks at the rates of active torrents whose kind has a limit: those past their first `afterMs`
   * moving less than the rule's rate each way stop counting; those fast again count again. Then
   * the limits are applied. The session calls it every `everyMs` while anyone waits or is slow.
   */
  evaluate(): void {
    const rule = this.#slowRule;
    const now = this.#clock?.now();
    if (rule === undefined || now === undefined) return;
    for (const [member, kind] of this.#active) {
      const limited = (kind === 'download' ? this.#limits.downloads : this.#limits.seeds) !== Number.POSITIVE_INFINITY || this.#limits.total !== Number.POSITIVE_INFINITY;
      // A session of 10,000 unlimited seeds reads no rates.
      const rates = limited ? member.transferRates?.() : undefined;
      const slow = rates !== undefined && now - (this.#activeSince.get(member) ?? now) >= rule.afterMs && rates.download < rule.belowBytesPerSecond && rates.upload < rule.belowBytesPerSecond;
      if (slow === this.#slow.has(member)) continue;
      if (slow) this.#slow.add(member);
      else this.#slow.delete(member);
      this.#slowCounts[kind] += slow ? 1 : -1;
    }
    this.#enforce();
  }

  get waitingCount(): number {
    return this.#waiting.size;
  }

  /** Puts a member last in the queue (a torrent added to the session). */
  join(member: QueueMember): void {
    if (this.#positions.has(member)) return;
    this.#positions.set(member, this.#order.length);
    this.#order.push(member);
  }

  /** Takes a member out of the queue for good (a removed torrent); its slot goes to the next waiting. */
  leave(member: QueueMember): void {
    const position = this.#positions.get(member);
    if (position === undefined) return;
    this.release(member);
    this.#order.splice(position, 1);
    this.#positions.delete(member);
    this.#renumber(position);
  }

  position(member: QueueMember): number {
    return this.#positions.get(member) ?? -1;
  }

  /** Members in queue order. */
  members(): readonly QueueMember[] {
    return this.#order;
  }

  /**
   * Moves a member to `position` (clamped to the queue; 0 is first). Only the wait order changes:
   * an active torrent keeps its slot, a waiting one moved first gets the next slot that frees.
   */
  move(member: QueueMember, position: number): void {
    const from = this.#positions.get(member);
    if (from === undefined) return;
    if (!Number.isInteger(position)) throw new EngineError('INVALID_ARGUMENT', `a queue position is an integer, got ${position}`);
    const to = Math.min(Math.max(0, position), this.#order.length - 1);
    if (to === from) return;
    this.#order.splice(from, 1);
    this.#order.splice(to, 0, member);
    this.#renumber(Math.min(from, to));
    this.#enforce();
  }

  want(member: QueueMember, kind: ActiveKind): boolean {
    this.join(member);
    if (this.#active.has(member)) {
      this.change(member, kind);
      return this.#active.has(member);
    }
    this.#waiting.set(member, kind);
    this.#grant(member);
    return this.#active.has(member);
  }

  release(member: QueueMember): void {
    this.#waiting.delete(member);
    this.#setInactive(member);
    this.#grant(undefined);
  }

  change(member: QueueMember, kind: ActiveKind): void {
    if (this.#waiting.has(member)) {
      this.#waiting.set(member, kind);
      this.#grant(undefined);
    } else if (this.#active.has(member) && this.#active.get(member) !== kind) {
      this.#setActive(member, kind);
      this.#enforce();
    }
  }

  isActive(member: QueueMember): boolean {
    return this.#active.has(member);
  }

  isWaiting(member: QueueMember): boolean {
    return this.#waiting.has(member);
  }

  /** New limits at run time: raised ones start torrents waiting, lowered ones send the latest in the queue back to wait. */
  setLimits(limits: Partial<ActiveLimits>): void {
    this.#limits = merged(this.#limits, limits);
    this.#enforce();
  }

  #room(kind: ActiveKind): boolean {
    const limit = kind === 'download' ? this.#limits.downloads : this.#limits.seeds;
    return this.#counted(kind) < limit && this.#counted() < this.#limits.total;
  }

  /** Gives free slots to waiting members in queue order; tells each one granted, except `quiet` (its caller gets the answer). */
  #grant(quiet: QueueMember | undefined): void {
    this.#watch();
    if (this.#waiting.size === 0) return;
    const waiting = [...this.#waiting.keys()].sort((a, b) => this.position(a) - this.position(b));
    for (const member of waiting) {
      const kind = this.#waiting.get(member);
      if (kind === undefined || !this.#room(kind)) continue;
      this.#waiting.delete(member);
      this.#setActive(member, kind);
      if (member !== quiet) member.queueChanged();
    }
    this.#watch();
  }

  /** The look at rates runs only while it can change something: someone waits, or someone is slow. */
  #watch(): void {
    const needed = this.#slowRule !== undefined && (this.#waiting.size > 0 || this.#slow.size > 0);
    if (needed && this.#timer === undefined) this.#timer = this.#clock?.setInterval(() => this.evaluate(), this.#slowRule!.everyMs);
    if (!needed && this.#timer !== undefined) {
      this.#timer();
      this.#timer = undefined;
    }
  }

  /** Over a limit: the active members latest in the queue wait again until it is met; then free slots are given. */
  #enforce(): void {
    const over = (kind: ActiveKind): boolean => this.#counted(kind) > (kind === 'download' ? this.#limits.downloads : this.#limits.seeds);
    for (;;) {
      const total = this.#counted() > this.#limits.total;
      const kinds = (['download', 'seed'] as const).filter(over);
      if (!total && kinds.length === 0) break;
      let latest: QueueMember | undefined;
      for (const [member, kind] of this.#active) {
        if (this.#slow.has(member) || (!total && !kinds.includes(kind))) continue;
        if (latest === undefined || this.position(member) > this.position(latest)) latest = member;
      }
      if (latest === undefined) break;
      const kind = this.#active.get(latest)!;
      this.#setInactive(latest);
      this.#waiting.set(latest, kind);
      latest.queueChanged();
    }
    this.#grant(undefined);
  }

  #setActive(member: QueueMember, kind: ActiveKind): void {
    this.#setInactive(member);
    this.#active.set(member, kind);
    this.#counts[kind]++;
    if (this.#slowRule !== undefined) this.#activeSince.set(member, this.#clock!.now());
  }

  /** False when it was not active. */
  #setInactive(member: QueueMember): boolean {
    const kind = this.#active.get(member);
    if (kind === undefined) return false;
    this.#active.delete(member);
    this.#counts[kind]--;
    this.#activeSince.delete(member);
    if (this.#slow.delete(member)) this.#slowCounts[kind]--;
    return true;
  }

  #renumber(from: number): void {
    for (let index = from; index < this.#order.length; index++) this.#positions.set(this.#order[index]!, index);
  }
}

/** `base` with the limits given in `change` (undefined ones left as they were), each checked. */
function merged(base: ActiveLimits, change: Partial<ActiveLimits>): ActiveLimits {
  const limits = { downloads: change.downloads ?? base.downloads, seeds: change.seeds ?? base.seeds, total: change.total ?? base.total };
  for (const [name, value] of Object.entries(limits)) {
    if (!(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0))) {
      throw new EngineError('INVALID_ARGUMENT', `the active ${name} limit must be a whole number of at least 0 or Infinity, got ${value}`);
    }
  }
  return limits;
}
