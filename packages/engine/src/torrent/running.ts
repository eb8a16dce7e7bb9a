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
import type { CheckSlots, SessionServices } from './services.js';
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

/**
 * Ends a run: closes its transfer, then its data (flush, resume save, files) in one of the session's
 * close turns (DATA_CLOSES_AT_ONCE), `bounded` by the torrent's stop timeout once its turn came.
 */
export async function endRun(run: Running, turns: CheckSlots | undefined, durable: boolean, bounded: (closing: Promise<void>) => Promise<void>): Promise<void> {
  run.transfer.close();
  const release = await turns?.take();
  try {
    await bounded(run.opened.store.close({ durable }));
  } finally {
    release?.();
  }
}

/**
 * What a torrent entering `queued` keeps of `run`. A download lets its data go (piece buffers, files,
 * picker; resume data saved) and opens it again, from that resume data without hashing, when its
 * slot comes. A seed keeps it (it holds little, and `done` is not said twice), and so does storage
 * other than the default files under the save path (`customStorage`): it may hold the data only while open.
 */
export function keptWhileQueued(run: Running | undefined, customStorage: boolean): Running | undefined {
  return run !== undefined && (customStorage || run.opened.picker.isFinished) ? run : undefined;
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
