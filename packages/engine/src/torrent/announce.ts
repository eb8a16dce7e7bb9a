// The torrent's trackers: an Announcer (from @typetorrent/tracker) for each running spell, fed live
// byte counts, its peers handed to the swarm minus ourselves, its problems turned into warnings.
import type { Metainfo } from '@typetorrent/metainfo';
import { Announcer, withoutSelf, type AnnouncerStats, type Peer } from '@typetorrent/tracker';
import { EngineError } from '../errors.js';
import type { SessionServices } from './services.js';

export interface AnnounceHooks {
  stats(): AnnouncerStats;
  peers(peers: readonly Peer[]): void;
  warn(warning: EngineError): void;
}

/** Starts announcing (`started`), or returns undefined when there is nothing to announce to. */
export function startAnnouncer(metainfo: Metainfo, services: SessionServices, hooks: AnnounceHooks): Announcer | undefined {
  if (metainfo.announce.length === 0) return undefined;
  const port = services.listenPort();
  if (port === 0) {
    hooks.warn(new EngineError('INVALID_STATE', 'not announcing: the session is not listening, so peers could not reach us', { infoHash: metainfo.infoHashHex }));
    return undefined;
  }
  const announcer = new Announcer({
    infoHash: metainfo.infoHash,
    peerId: services.peerId,
    port,
    tiers: metainfo.announce,
    stats: hooks.stats,
    timers: services.clock,
    ...(services.trackers.http === undefined ? {} : { httpClient: services.trackers.http }),
    ...(services.trackers.udp === undefined ? {} : { udpClient: services.trackers.udp }),
  });
  announcer.on('peers', (peers) => hooks.peers(withoutSelf(peers, port)));
  announcer.on('warning', (warning) =>
    hooks.warn(new EngineError('TRACKER', `tracker ${warning.url}: ${warning.message}`, { infoHash: metainfo.infoHashHex, cause: warning.error })),
  );
  announcer.on('error', (error) => hooks.warn(new EngineError('TRACKER', `no tracker answered: ${error.message}`, { infoHash: metainfo.infoHashHex, cause: error })));
  announcer.start();
  return announcer;
}
