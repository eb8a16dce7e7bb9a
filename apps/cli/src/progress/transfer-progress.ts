// Live progress for downloads and seeds: status lines redrawn in place on an interactive stderr
// (fitted to its width, bar-line.ts), a plain status line when something changed otherwise, or JSON
// lines on stdout with --json. Names and messages come from torrents, magnets and trackers, so
// everything human-readable goes through `printable` (terminal-text.ts).
import { formatBytes } from '../format/size.js';
import { jsonText, printable } from '../format/terminal-text.js';
import type { Terminal } from '../terminal.js';
import { barLine } from './bar-line.js';
import { createLiveLines } from './live-lines.js';
import { dhtText, formatEta, formatRate, peersText, percentOf, ratioOf, ratioText, type TransferSnapshot } from './figures.js';

export type { TransferSnapshot } from './figures.js';
export { formatEta, formatRate, peersText, percentOf } from './figures.js';

export interface TransferProgress {
  update(snapshot: TransferSnapshot): void;
  /** A one-off message (warning, finished) that should not tear the progress lines. */
  log(line: string): void;
  stop(): void;
}

/** The plain-text status line (non-interactive output), made printable. */
export function statusLine(s: TransferSnapshot): string {
  const line = statusFigures(s);
  return s.dhtNodes === undefined ? line : `${line} | ${dhtText(s.dhtNodes)}`;
}

function statusFigures(s: TransferSnapshot): string {
  const head = `${printable(s.name)}: ${s.state}`;
  if (s.state === 'fetching-metadata') return [`${head} (the size comes with it)`, peersText(s.peers)].join(' | ');
  const sizes = `${formatBytes(s.wantedBytes - s.leftBytes)} of ${formatBytes(s.wantedBytes)}`;
  if (s.state === 'seeding' || s.state === 'done') {
    return [`${head} ${percentOf(s).toFixed(1)}%`, sizes, `up ${formatRate(s.uploadRate)}`, `uploaded ${formatBytes(s.uploaded)}`, peersText(s.peers), `ratio ${ratioText(s)}`].join(' | ');
  }
  return [
    `${head} ${percentOf(s).toFixed(1)}%`,
    sizes,
    `down ${formatRate(s.downloadRate)}`,
    `up ${formatRate(s.uploadRate)}`,
    peersText(s.peers),
    `ETA ${formatEta(s.eta)}`,
    `ratio ${ratioText(s)}`,
  ].join(' | ');
}

/** The JSON line shape of --json (documented in docs/transfers.md). */
export function jsonLine(type: string, s: TransferSnapshot): string {
  return jsonText({
    type,
    infoHash: s.infoHash,
    name: s.name,
    state: s.state,
    percent: Number(percentOf(s).toFixed(2)),
    verifiedBytes: s.verifiedBytes,
    totalBytes: s.totalBytes,
    wantedBytes: s.wantedBytes,
    leftBytes: s.leftBytes,
    downloaded: s.downloaded,
    uploaded: s.uploaded,
    downloadRate: Math.round(s.downloadRate),
    uploadRate: Math.round(s.uploadRate),
    peers: s.peers,
    eta: s.eta === undefined || !Number.isFinite(s.eta) ? null : Math.round(s.eta),
    ratio: Number.isFinite(ratioOf(s)) ? Number(ratioOf(s).toFixed(3)) : null,
    dhtNodes: s.dhtNodes ?? null,
  });
}

export interface ProgressOptions {
  readonly json: boolean;
  /** Without a terminal: the least time between two lines of one torrent (default 5 s). */
  readonly plainIntervalMs?: number;
  readonly now?: () => number;
}

export function createTransferProgress(terminal: Terminal, options: ProgressOptions): TransferProgress {
  if (options.json) {
    return {
      update: (s) => terminal.out(jsonLine('progress', s)),
      log: (line) => terminal.out(jsonText({ type: 'message', message: line })),
      stop: () => undefined,
    };
  }
  const stream = terminal.progressStream;
  const latest = new Map<string, TransferSnapshot>();
  if (stream === undefined) return plainProgress(terminal, options);
  const live = createLiveLines(stream, (columns) => [...latest.values()].map((s) => barLine(s, columns)));
  return {
    update(s) {
      latest.set(barKey(s), s);
      live.invalidate();
    },
    log: (line) => live.log(printable(line)),
    stop: () => live.stop(),
  };
}

/**
 * Not a terminal (piped, logged): a torrent's line when its state changes, or when its figures
 * changed and the interval has passed. An idle seed's line does not change, so it is not repeated.
 */
function plainProgress(terminal: Terminal, options: ProgressOptions): TransferProgress {
  const interval = options.plainIntervalMs ?? 5000;
  const now = options.now ?? Date.now;
  const last = new Map<string, { at: number; state: string; line: string }>();
  return {
    update(s) {
      const key = barKey(s);
      const prev = last.get(key);
      const line = statusLine(s);
      const t = now();
      if (prev !== undefined && prev.state === s.state && (prev.line === line || t - prev.at < interval)) return;
      last.set(key, { at: t, state: s.state, line });
      terminal.err(line);
    },
    log: (line) => terminal.err(printable(line)),
    stop: () => undefined,
  };
}

/** One line per torrent and name (the demo shows the same torrent twice: seeder and leecher). */
function barKey(s: TransferSnapshot): string {
  return `${s.infoHash}\u0000${s.name}`;
}
