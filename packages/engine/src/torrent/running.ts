// The resources of a running torrent built in one place: the open data, the resume saver and the
// Transfer wired to the torrent's connections and to what the torrent counts and reports.
import type { Metainfo } from '@typetorrent/metainfo';
import type { EngineError } from '../errors.js';
import type { BanList } from '../peer/ban-list.js';
import type { RateLimiter } from '../rate/rate-limiter.js';
import type { Opened } from './open.js';
import type { PeerHost } from './peer-host.js';
import type { Peer } from './peer.js';
import type { Running } from './phase.js';
import { ResumeSaver } from './resume-saver.js';
import type { SessionServices } from './services.js';
import { Transfer, type TransferPeers } from './transfer.js';

export interface RunningOptions {
  readonly metainfo: Metainfo;
  readonly opened: Opened;
  readonly services: SessionServices;
  readonly host: PeerHost;
  readonly downloadLimiter: RateLimiter;
  readonly uploadLimiter: RateLimiter;
  readonly warn: (warning: EngineError) => void;
  /** A piece was verified and written (counted by the torrent before it tells anyone). */
  readonly piece: (index: number) => void;
  readonly finished: () => void;
  readonly failed: (error: EngineError) => void;
}

export function createRunning(options: RunningOptions): Running {
  const { metainfo, opened, host, services } = options;
  const saver = new ResumeSaver(opened.store, options.warn);
  const transfer = new Transfer({
    metainfo,
    picker: opened.picker,
    store: opened.store,
    services,
    peers: new HostPeers(host, services.bans),
    downloadLimiter: options.downloadLimiter,
    uploadLimiter: options.uploadLimiter,
    hooks: {
      warn: options.warn,
      piece: (piece) => {
        saver.verified(metainfo.geometry.pieceSize(piece));
        options.piece(piece);
      },
      finished: options.finished,
      failed: options.failed,
    },
  });
  return { opened, transfer, saver };
}

/** The Transfer's view of the PeerHost: one small object per run rather than five closures. */
class HostPeers implements TransferPeers {
  constructor(
    private readonly host: PeerHost,
    private readonly bans: BanList,
  ) {}

  peers(): Iterable<Peer> {
    return this.host.peers();
  }

  peer(key: string): Peer | undefined {
    return this.host.peer(key);
  }

  drop(peer: Peer, reason: EngineError): void {
    this.host.drop(peer, reason);
  }

  forget(key: string): void {
    this.host.swarm.forget(key);
  }

  ban(keys: readonly string[], reason: string): void {
    this.bans.ban(keys, reason);
  }
}
