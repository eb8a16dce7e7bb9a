// The figures of a transfer's progress, as every output form (bar, status line, JSON) shows them.
import { formatBytes } from '../format/size.js';

/**
 * What the CLI shows of one torrent; mapped from the engine's progress (engine/snapshot.ts). `state`
 * is the engine's, except that a finished torrent reads `done`, or `seeding` while it keeps seeding.
 */
export interface TransferSnapshot {
  readonly name: string;
  readonly infoHash: string;
  readonly state: string;
  /** Bytes of verified pieces, and of the whole torrent. */
  readonly verifiedBytes: number;
  readonly totalBytes: number;
  /** Bytes of the selected files' pieces (`--files`; all of them by default), and of those not verified yet. */
  readonly wantedBytes: number;
  readonly leftBytes: number;
  readonly downloadRate: number;
  readonly uploadRate: number;
  readonly downloaded: number;
  readonly uploaded: number;
  readonly peers: number;
  /** Seconds, or undefined when unknown. */
  readonly eta: number | undefined;
  /** Nodes in the session's DHT routing table; undefined when the session runs no DHT. */
  readonly dhtNodes?: number | undefined;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function peersText(count: number): string {
  return `${count} ${count === 1 ? 'peer' : 'peers'}`;
}

export function dhtText(nodes: number): string {
  return `DHT ${nodes} ${nodes === 1 ? 'node' : 'nodes'}`;
}

export function ratioOf(s: TransferSnapshot): number {
  return s.downloaded > 0 ? s.uploaded / s.downloaded : s.uploaded > 0 ? Infinity : 0;
}

export function ratioText(s: TransferSnapshot): string {
  const ratio = ratioOf(s);
  return Number.isFinite(ratio) ? ratio.toFixed(2) : 'inf';
}

/** Percent of the selected files verified; 0 while a magnet's metadata (and so the size) is unknown. */
export function percentOf(s: TransferSnapshot): number {
  if (s.state === 'fetching-metadata') return 0;
  return s.wantedBytes === 0 ? 100 : (100 * (s.wantedBytes - s.leftBytes)) / s.wantedBytes;
}

