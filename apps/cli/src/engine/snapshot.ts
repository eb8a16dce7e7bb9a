// The engine's progress, as the CLI's progress display shows it.
import type { Torrent, TorrentProgress } from '@typetorrent/engine';
import type { TransferSnapshot } from '../progress/transfer-progress.js';

/**
 * A finished torrent reads `seeding` while the command keeps it seeding and `done` otherwise: the
 * engine's state can still be `downloading` when its `done` event fires, and a download that is
 * not kept seeding stops. A finished torrent waiting for a seed slot reads `queued`.
 */
export function displayState(torrent: Pick<Torrent, 'done'>, progress: Pick<TorrentProgress, 'state'>, keepSeeding: boolean): string {
  if (progress.state === 'error' || progress.state === 'queued' || !torrent.done) return progress.state;
  return keepSeeding ? 'seeding' : 'done';
}

export function snapshotOf(
  torrent: Torrent,
  options: { keepSeeding: boolean; label?: string | undefined; dhtNodes?: number | undefined },
  progress: TorrentProgress = torrent.progress(),
): TransferSnapshot {
  return {
    name: options.label ?? torrent.name,
    infoHash: torrent.infoHashHex,
    state: displayState(torrent, progress, options.keepSeeding),
    verifiedBytes: progress.verifiedBytes,
    totalBytes: progress.totalBytes,
    wantedBytes: progress.wantedBytes,
    leftBytes: progress.leftBytes,
    downloadRate: progress.downloadRate,
    uploadRate: progress.uploadRate,
    downloaded: progress.downloaded,
    uploaded: progress.uploaded,
    peers: progress.peers,
    eta: progress.eta,
    dhtNodes: options.dhtNodes,
  };
}
