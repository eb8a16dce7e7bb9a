// The torrent's trackers: an Announcer (from @typetorrent/tracker) for each running spell, fed live
// byte counts, its peers handed to the swarm minus ourselves, its problems turned into warnings.
import { Announcer, withoutSelf, type AnnouncerStats, type Peer } from '@typetorrent/tracker';
import { EngineError } from '../errors.js';
import type { SessionServices } from './services.js';

export interface AnnounceHooks {
  stats(): AnnouncerStats;
  peers(peers: readonly Peer[]): void;
  warn(warning: EngineError): void;
}

/** What is announced: the torrent's info-hash and its BEP 12 tiers (from the .torrent or the magnet's `tr`). */
export interface AnnounceTarget {
  readonly infoHash: Uint8Array;
  readonly infoHashHex: string;
  readonly tiers: readonly (readonly string[])[];
}

/** Starts announcing (`started`), or returns undefined when there is nothing to announce to. */
export function startAnnouncer(target: AnnounceTarget, services: SessionServices, hooks: AnnounceHooks): Announcer | undefined {
  if (target.tiers.length === 0) return undefined;
  const port = services.listenPort();
  if (port === 0) {
    hooks.warn(new EngineError('INVALID_STATE', 'not announcing: the session is not listening, so peers could not reach us', { infoHash: target.infoHashHex }));
    return undefined;
  }
  const pacing = services.announcePacing;
  const announcer = new Announcer({
    infoHash: target.infoHash,
    peerId: services.peerId,
    port,
    tiers: target.tiers,
    stats: hooks.stats,
    timers: services.clock,
    // The session's pace: a turn before each round, re-announces drifting apart (session/announce-pacer.ts).
    ...(pacing === undefined ? {} : { pace: async (signal: AbortSignal) => await pacing.turn(signal), intervalJitter: pacing.jitter, random: pacing.random }),
    ...(services.trackers.http === undefined ? {} : { httpClient: services.trackers.http }),
    ...(services.trackers.udp === undefined ? {} : { udpClient: services.trackers.udp }),
  });
  announcer.on('peers', (peers) => hooks.peers(withoutSelf(peers, port)));
  announcer.on('warning', (warning) =>
    hooks.warn(new EngineError('TRACKER', `tracker ${warning.url}: ${warning.message}`, { infoHash: target.infoHashHex, cause: warning.error })),
  );
  announcer.on('error', (error) => hooks.warn(new EngineError('TRACKER', `no tracker answered: ${error.message}`, { infoHash: target.infoHashHex, cause: error })));
  announcer.start();
  return announcer;
}

/**
 * A torrent's announcing across its phases: started once (while fetching metadata, or when it runs),
 * kept through the metadata fetch into downloading, stopped (`stopped` sent, bounded) on pause, stop
 * or error. The hooks read the torrent's current state, whichever phase it is in.
 */
export class TorrentAnnouncer {
  readonly #services: SessionServices;
  readonly #hooks: AnnounceHooks;
  #announcer: Announcer | undefined;

  constructor(services: SessionServices, hooks: AnnounceHooks) {
    this.#services = services;
    this.#hooks = hooks;
  }

  /** Starts announcing unless it already is. */
  start(target: AnnounceTarget): void {
    this.#announcer ??= startAnnouncer(target, this.#services, this.#hooks);
  }

  /** BEP 3 `completed`: the download finished while we watched. */
  completed(): void {
    this.#announcer?.completed();
  }

  announceNow(): void {
    this.#announcer?.announceNow();
  }

  /** Sends `stopped` to the trackers that know us, within the stop timeout. */
  async stop(): Promise<void> {
    const announcer = this.#announcer;
    this.#announcer = undefined;
    await announcer?.stop({ timeoutMs: this.#services.tuning.stopTimeoutMs });
  }
}
