// The engine's progress, as the CLI's progress display shows it.
import type { Torrent, TorrentProgress } from '@typetorrent/engine';
import type { TransferSnapshot } from '../progress/transfer-progress.js';

export function snapshotOf(torrent: Torrent, progress: TorrentProgress = torrent.progress(), label?: string): TransferSnapshot {
  return {
    name: label ?? torrent.name,
    infoHash: torrent.infoHashHex,
    state: progress.state,
    verifiedBytes: progress.verifiedBytes,
    totalBytes: progress.totalBytes,
    downloadRate: progress.downloadRate,
    uploadRate: progress.uploadRate,
    downloaded: progress.downloaded,
    uploaded: progress.uploaded,
    peers: progress.peers,
    eta: progress.eta,
  };
}
