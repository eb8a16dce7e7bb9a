// One interval for many torrents (issue 17): a session with hundreds of idle seeds wakes once per
// tick, not once per torrent. The interval runs only while something is registered.
import type { Cancel, Clock } from '../clock.js';
import type { SessionTicks, Tickable } from './services.js';

export class TickGroup implements SessionTicks {
  readonly #clock: Clock;
  readonly #everyMs: number;
  readonly #members = new Set<Tickable>();
  #cancel: Cancel | undefined;

  constructor(clock: Clock, everyMs: number) {
    this.#clock = clock;
    this.#everyMs = everyMs;
  }

  get size(): number {
    return this.#members.size;
  }

  add(member: Tickable): void {
    this.#members.add(member);
    this.#cancel ??= this.#clock.setInterval(() => this.#tick(), this.#everyMs);
  }

  remove(member: Tickable): void {
    this.#members.delete(member);
    if (this.#members.size > 0) return;
    this.#cancel?.();
    this.#cancel = undefined;
  }

  /** Every member ticks even when one throws; the first error is then thrown as a lone ticker's would be. */
  #tick(): void {
    const now = this.#clock.now();
    let failure: { error: unknown } | undefined;
    for (const member of this.#members) {
      try {
        member.tick(now);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}
