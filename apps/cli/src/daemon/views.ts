// The JSON the API answers with: plain objects built from the engine's torrents and the daemon's
// records (bytes, bytes per second, seconds; hex for binary ids).
import type { ActiveLimits, PeerInfo } from '@typetorrent/engine';
import { parseMagnet } from '@typetorrent/metainfo';
import { fileKey } from './api-token.js';
import type { DaemonSettings } from './daemon-state.js';
import type { Entry } from './torrent-registry.js';

export interface TorrentSummary {
  readonly infoHash: string;
  readonly name: string;
  /** The engine's state; `paused` also for a paused torrent not opened since the daemon started. */
  readonly state: string;
  /** 0-based place in the session's queue: `queued` torrents start in this order when a slot frees. */
  readonly queuePosition: number;
  readonly paused: boolean;
  readonly done: boolean;
  readonly error?: string;
  readonly savePath: string;
  readonly hasMetadata: boolean;
  readonly totalBytes: number;
  readonly wantedBytes: number;
  readonly verifiedBytes: number;
  readonly leftBytes: number;
  /** Verified share of the wanted bytes, 0 to 1. */
  readonly progress: number;
  readonly downloadRate: number;
  readonly uploadRate: number;
  readonly downloaded: number;
  readonly uploaded: number;
  readonly peers: number;
  readonly seeds: number;
  readonly eta: number | null;
  readonly ratio: number;
  readonly sequential: boolean;
  readonly addedAt: string;
}

export function torrentSummary({ torrent, record, restoredBytes }: Entry): TorrentSummary {
  const engine = torrent.progress();
  // A paused torrent not opened since the restart: the engine has not looked at its pieces yet.
  const p = restoredBytes === undefined ? engine : { ...engine, verifiedBytes: restoredBytes, leftBytes: Math.max(0, engine.wantedBytes - restoredBytes) };
  const state = record.paused && p.state === 'stopped' ? 'paused' : p.state;
  return {
    infoHash: record.infoHash,
    name: torrent.name,
    state,
    queuePosition: torrent.queuePosition,
    paused: record.paused,
    done: torrent.done,
    ...(torrent.error === undefined ? {} : { error: torrent.error.message }),
    savePath: record.savePath,
    hasMetadata: torrent.metainfo !== undefined,
    totalBytes: p.totalBytes,
    wantedBytes: p.wantedBytes,
    verifiedBytes: p.verifiedBytes,
    leftBytes: p.leftBytes,
    progress: p.wantedBytes === 0 ? (torrent.done ? 1 : 0) : (p.wantedBytes - p.leftBytes) / p.wantedBytes,
    downloadRate: Math.round(p.downloadRate),
    uploadRate: Math.round(p.uploadRate),
    downloaded: p.downloaded,
    uploaded: p.uploaded,
    peers: p.peers,
    seeds: p.seeds,
    eta: p.eta === undefined || !Number.isFinite(p.eta) ? null : Math.round(p.eta),
    ratio: p.ratio,
    sequential: record.sequential,
    addedAt: new Date(record.addedAt).toISOString(),
  };
}

export interface FileView {
  readonly index: number;
  /** Path inside the torrent, '/'-separated (a multi-file torrent's folder name not included). */
  readonly path: string;
  readonly length: number;
  readonly offset: number;
  readonly priority: number;
  readonly padding: boolean;
  /** The file's data (Range supported), openable without the Authorization header. */
  readonly url: string;
}

export function filesView({ torrent, record }: Entry, token: string): FileView[] {
  const metainfo = torrent.metainfo;
  if (metainfo === undefined) return [];
  return metainfo.files.map((file, index) => ({
    index,
    path: file.path.join('/'),
    length: file.length,
    offset: file.offset,
    priority: record.filePriorities?.[index] ?? 4,
    padding: file.padding,
    url: `/api/v1/torrents/${record.infoHash}/files/${index}?key=${fileKey(token, record.infoHash, index)}`,
  }));
}

export function peersView({ torrent }: Entry): object[] {
  return torrent.peers().map((peer: PeerInfo) => ({
    address: peer.key,
    direction: peer.direction,
    client: peer.client ?? null,
    peerId: Buffer.from(peer.peerId).toString('hex'),
    downloaded: peer.downloaded,
    uploaded: peer.uploaded,
    downloadRate: Math.round(peer.downloadRate),
    uploadRate: Math.round(peer.uploadRate),
    amChoking: peer.amChoking,
    amInterested: peer.amInterested,
    peerChoking: peer.peerChoking,
    peerInterested: peer.peerInterested,
    progress: peer.progress,
    snubbed: peer.snubbed,
  }));
}

/** The torrent's trackers by BEP 12 tier (a magnet's `tr` list until the metadata arrives). */
export function trackersView({ torrent, record }: Entry): { tier: number; url: string }[] {
  const tiers = torrent.metainfo?.announce ?? (record.magnet === undefined ? [] : parseMagnet(record.magnet).trackers.map((url) => [url]));
  return tiers.flatMap((tier, i) => tier.map((url) => ({ tier: i, url })));
}

export function sessionView(entries: readonly Entry[], settings: DaemonSettings, port: number, dhtNodes: number, active: ActiveLimits): object {
  let downloadRate = 0;
  let uploadRate = 0;
  let peers = 0;
  const states: Record<string, number> = {};
  for (const entry of entries) {
    const s = torrentSummary(entry);
    downloadRate += s.downloadRate;
    uploadRate += s.uploadRate;
    peers += s.peers;
    states[s.state] = (states[s.state] ?? 0) + 1;
  }
  return {
    torrents: entries.length,
    states,
    downloadRate,
    uploadRate,
    peers,
    port,
    dhtNodes,
    downloadDir: settings.downloadDir,
    limits: settings.limits,
    // null: no limit (JSON has no Infinity).
    activeLimits: { downloads: finiteOrNull(active.downloads), seeds: finiteOrNull(active.seeds) },
  };
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
