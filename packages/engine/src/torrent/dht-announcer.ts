// A torrent's DHT peer source: look up its info-hash and announce it every 15 minutes while it is
// active (BEP 5 has announces expire after 30 minutes). Never for private torrents (BEP 27): the
// caller does not start one for them.
import type { Cancel, Clock } from '../clock.js';
import { EngineError, describeError } from '../errors.js';
import type { DhtService } from './dht-service.js';
import type { CheckSlots } from './services.js';
import type { Endpoint } from './types.js';

export const DHT_REANNOUNCE_MS = 15 * 60_000;
/**
 * A round that found no peer or reached no node (a young routing table, a new torrent) is tried
 * again sooner: after this, doubling each time, up to the regular 15 minutes.
 */
export const DHT_RETRY_MS = 5_000;
/** Peers handed to the swarm at once while a lookup runs. */
const BATCH = 16;

/**
 * Lookups (each with its announce) running at once across a session's torrents: a restart of 1,000
 * torrents would otherwise start 1,000 lookups, some 3,000 queries, in one instant (issue 17).
 * libtorrent announces its torrents to the DHT one at a time, spread over its 15-minute interval.
 */
export const DHT_LOOKUPS_AT_ONCE = 8;

export interface DhtAnnouncerHooks {
  /** Our TCP port (0: not listening, nothing to announce). */
  port(): number;
  /** The session's turns at looking up (see DHT_LOOKUPS_AT_ONCE); undefined: no waiting. */
  readonly turns?: CheckSlots | undefined;
  found(peers: readonly Endpoint[]): void;
  warn(warning: EngineError): void;
}

export class DhtAnnouncer {
  readonly #dht: DhtService;
  readonly #clock: Clock;
  readonly #infoHash: Uint8Array;
  readonly #hooks: DhtAnnouncerHooks;
  #abort: AbortController | undefined;
  #timer: Cancel | undefined;
  /** Rounds in a row that found nobody or reached no node. */
  #emptyRounds = 0;

  constructor(dht: DhtService, clock: Clock, infoHash: Uint8Array, hooks: DhtAnnouncerHooks) {
    this.#dht = dht;
    this.#clock = clock;
    this.#infoHash = infoHash;
    this.#hooks = hooks;
  }

  get running(): boolean {
    return this.#abort !== undefined;
  }

  /** Starts the cycle (a no-op when it runs). */
  start(): void {
    if (this.#abort !== undefined) return;
    const abort = new AbortController();
    this.#abort = abort;
    void this.#round(abort.signal);
  }

  /** Ends the cycle; a lookup in flight is aborted. */
  stop(): void {
    this.#abort?.abort(new EngineError('ABORTED', 'torrent stopped'));
    this.#abort = undefined;
    this.#timer?.();
    this.#timer = undefined;
  }

  #nextDelay(fruitful: boolean): number {
    this.#emptyRounds = fruitful ? 0 : this.#emptyRounds + 1;
    return fruitful ? DHT_REANNOUNCE_MS : Math.min(DHT_REANNOUNCE_MS, DHT_RETRY_MS * 2 ** (this.#emptyRounds - 1));
  }

  async #round(signal: AbortSignal): Promise<void> {
    let found = 0;
    let announcedTo = 0;
    let release: (() => void) | undefined;
    try {
      release = await this.#hooks.turns?.take(signal);
      let batch: Endpoint[] = [];
      for await (const peer of this.#dht.lookup(this.#infoHash, { signal })) {
        found++;
        batch.push(peer);
        if (batch.length >= BATCH) {
          this.#hooks.found(batch);
          batch = [];
        }
      }
      if (batch.length > 0) this.#hooks.found(batch);
      const port = this.#hooks.port();
      if (port > 0 && !signal.aborted) announcedTo = await this.#dht.announce(this.#infoHash, port, { signal });
      else announcedTo = 1; // nothing to announce: only the lookup counts
    } catch (error) {
      if (!signal.aborted) this.#hooks.warn(new EngineError('DHT', `DHT lookup failed: ${describeError(error)}`, { cause: error }));
    } finally {
      release?.();
    }
    if (signal.aborted) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (!signal.aborted) void this.#round(signal);
    }, this.#nextDelay(found > 0 && announcedTo > 0));
  }
}
