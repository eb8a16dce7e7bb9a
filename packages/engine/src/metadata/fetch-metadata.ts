// The `fetching-metadata` phase of a torrent added from a magnet link: a MetadataFetcher dialling
// the magnet's peers and whatever trackers hand out, ticking on the session clock, until the info
// dict is verified or the torrent is paused or stopped (the signal).
import { parseInfoDict, type MagnetLink, type Metainfo } from '@typetorrent/metainfo';
import { EngineError, describeError } from '../errors.js';
import type { SessionServices } from '../torrent/services.js';
import type { Endpoint } from '../torrent/types.js';
import { MetadataFetcher } from './metadata-fetcher.js';

export interface FetchPhase {
  readonly fetcher: MetadataFetcher;
  /** The parsed torrent, undefined when aborted; rejects when the verified dict cannot be parsed. */
  readonly result: Promise<{ metainfo: Metainfo; endpoints: Endpoint[] } | undefined>;
}

export function startFetch(magnet: MagnetLink, peers: readonly Endpoint[], services: SessionServices, maxPeers: number, warn: (w: EngineError) => void, signal: AbortSignal): FetchPhase {
  const fetcher = new MetadataFetcher({ infoHash: magnet.infoHash, services, maxPeers, warn });
  const ticker = services.clock.setInterval(() => fetcher.tick(services.clock.now()), services.tuning.tickMs);
  fetcher.swarm.add([...magnetPeers(magnet), ...peers], 'manual');
  const aborted = new Promise<undefined>((resolve) => {
    if (signal.aborted) resolve(undefined);
    signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  const result = Promise.race([fetcher.done, aborted]).then((bytes) => {
    ticker();
    const endpoints = fetcher.swarm.endpoints();
    fetcher.close();
    if (bytes === undefined) return undefined;
    try {
      return { metainfo: parseInfoDict(bytes, { announce: magnet.trackers.map((url) => [url]), urlList: magnet.webSeeds }), endpoints };
    } catch (error) {
      throw new EngineError('BAD_TORRENT', `the metadata from peers is not a usable torrent: ${describeError(error)}`, { infoHash: magnet.infoHashHex, cause: error });
    }
  });
  return { fetcher, result };
}

/** The magnet's `x.pe` peers ("host:port", "[v6]:port"). */
function magnetPeers(magnet: MagnetLink): Endpoint[] {
  const out: Endpoint[] = [];
  for (const text of magnet.peers) {
    const match = /^\[?([^\]]+)\]?:(\d+)$/.exec(text);
    if (match?.[1] !== undefined && match[2] !== undefined) out.push({ host: match[1], port: Number(match[2]) });
  }
  return out;
}
