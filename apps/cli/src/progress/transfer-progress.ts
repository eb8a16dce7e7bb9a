// Live progress for downloads and seeds: one cli-progress bar per torrent on an interactive stderr,
// a plain status line every few seconds otherwise, or JSON lines on stdout with --json.
import cliProgress from 'cli-progress';
import { formatBytes } from '../format/size.js';
import type { Terminal } from '../terminal.js';

/** What the CLI shows of one torrent; mapped from the engine's progress events. */
export interface TransferSnapshot {
  readonly name: string;
  readonly infoHash: string;
  readonly state: string;
  readonly verifiedBytes: number;
  readonly totalBytes: number;
  readonly downloadRate: number;
  readonly uploadRate: number;
  readonly downloaded: number;
  readonly uploaded: number;
  readonly peers: number;
  /** Seconds, or undefined when unknown. */
  readonly eta: number | undefined;
}

export interface TransferProgress {
  update(snapshot: TransferSnapshot): void;
  /** A one-off message (warning, finished) that should not tear the bars. */
  log(line: string): void;
  stop(): void;
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

export function ratioOf(s: TransferSnapshot): number {
  return s.downloaded > 0 ? s.uploaded / s.downloaded : s.uploaded > 0 ? Infinity : 0;
}

export function percentOf(s: TransferSnapshot): number {
  return s.totalBytes === 0 ? 100 : (100 * s.verifiedBytes) / s.totalBytes;
}

/** The plain-text status line (non-interactive output). */
export function statusLine(s: TransferSnapshot): string {
  const ratio = ratioOf(s);
  return [
    `${s.name}: ${s.state} ${percentOf(s).toFixed(1)}%`,
    `${formatBytes(s.verifiedBytes)} of ${formatBytes(s.totalBytes)}`,
    `down ${formatRate(s.downloadRate)}`,
    `up ${formatRate(s.uploadRate)}`,
    `${s.peers} peers`,
    `ETA ${formatEta(s.eta)}`,
    `ratio ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'inf'}`,
  ].join(' | ');
}

/** The JSON line shape of --json (documented in the CLI README). */
export function jsonLine(type: string, s: TransferSnapshot): string {
  return JSON.stringify({
    type,
    infoHash: s.infoHash,
    name: s.name,
    state: s.state,
    percent: Number(percentOf(s).toFixed(2)),
    verifiedBytes: s.verifiedBytes,
    totalBytes: s.totalBytes,
    downloaded: s.downloaded,
    uploaded: s.uploaded,
    downloadRate: Math.round(s.downloadRate),
    uploadRate: Math.round(s.uploadRate),
    peers: s.peers,
    eta: s.eta === undefined || !Number.isFinite(s.eta) ? null : Math.round(s.eta),
    ratio: Number.isFinite(ratioOf(s)) ? Number(ratioOf(s).toFixed(3)) : null,
  });
}

export function createTransferProgress(terminal: Terminal, options: { json: boolean; plainIntervalMs?: number; now?: () => number }): TransferProgress {
  if (options.json) {
    return {
      update: (s) => terminal.out(jsonLine('progress', s)),
      log: (line) => terminal.out(JSON.stringify({ type: 'message', message: line })),
      stop: () => undefined,
    };
  }
  const stream = terminal.progressStream;
  if (stream === undefined) {
    // Not a terminal (piped, logged): a line per torrent every few seconds, and on state changes.
    const interval = options.plainIntervalMs ?? 5000;
    const now = options.now ?? Date.now;
    const last = new Map<string, { at: number; state: string }>();
    return {
      update(s) {
        const key = barKey(s);
        const prev = last.get(key);
        const t = now();
        if (prev !== undefined && prev.state === s.state && t - prev.at < interval) return;
        last.set(key, { at: t, state: s.state });
        terminal.err(statusLine(s));
      },
      log: (line) => terminal.err(line),
      stop: () => undefined,
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: '{name} [{bar}] {percentage}% | {state} | {done}/{size} | ↓ {down} ↑ {up} | {peers} peers | ETA {etaText} | ratio {ratio}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      fps: 5,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(s) {
      const ratio = ratioOf(s);
      const payload = {
        name: s.name.length > 24 ? `${s.name.slice(0, 23)}…` : s.name.padEnd(24),
        state: s.state.padEnd(11),
        done: formatBytes(s.verifiedBytes),
        size: formatBytes(s.totalBytes),
        down: formatRate(s.downloadRate),
        up: formatRate(s.uploadRate),
        peers: s.peers,
        etaText: formatEta(s.eta),
        ratio: Number.isFinite(ratio) ? ratio.toFixed(2) : 'inf',
      };
      const total = Math.max(1, s.totalBytes);
      let bar = bars.get(barKey(s));
      if (bar === undefined) {
        bar = multi.create(total, s.verifiedBytes, payload);
        bars.set(barKey(s), bar);
      } else {
        bar.update(s.verifiedBytes, payload);
      }
    },
    log: (line) => multi.log(`${line}\n`),
    stop: () => multi.stop(),
  };
}

/** One bar per torrent and name (the demo shows the same torrent twice: seeder and leecher). */
function barKey(s: TransferSnapshot): string {
  return `${s.infoHash}\u0000${s.name}`;
}
