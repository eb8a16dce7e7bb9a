// Drives torrents in a session until they are done (or forever when seeding), with live progress and
// a graceful stop on Ctrl-C: announce `stopped`, save resume data, within a bounded time.
import type { Session, Torrent } from '@typetorrent/engine';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { formatBytes } from '../format/size.js';
import { jsonText, withoutUrlQueries } from '../format/terminal-text.js';
import { createTransferProgress, jsonLine, type TransferSnapshot } from '../progress/transfer-progress.js';
import type { Terminal } from '../terminal.js';
import { snapshotOf } from './snapshot.js';

/** Exit code when interrupted (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;
/** How long a graceful stop may take before the process exits anyway. */
export const STOP_TIMEOUT_MS = 10_000;
/** How often progress is shown while a magnet's metadata is fetched (the engine emits none then). */
export const METADATA_PROGRESS_MS = 1000;

export interface RunTransfersOptions {
  readonly terminal: Terminal;
  readonly json: boolean;
  /** Keep running (seeding) after every torrent is done, until interrupted. */
  readonly keepSeeding: boolean;
  /** Labels for the progress display, by torrent (default: the torrent's name). */
  readonly labels?: ReadonlyMap<Torrent, string>;
  /** Print the `done` line of a torrent already complete when this starts (default true; `seed` says so itself). */
  readonly reportDoneAtStart?: boolean;
  /** The session runs a DHT node: progress shows how many nodes it knows. */
  readonly dht?: boolean;
  /** Aborted on Ctrl-C / SIGTERM (the caller wires signals; tests abort it directly). */
  readonly signal: AbortSignal;
}

/** Resolves with the exit code once every torrent is done (or errored), or the signal aborts. */
export async function runTransfers(session: Session, torrents: readonly Torrent[], options: RunTransfersOptions): Promise<number> {
  const { terminal, json } = options;
  const progress = createTransferProgress(terminal, { json });
  const label = (t: Torrent): string => options.labels?.get(t) ?? t.name;
  const snapshot = (t: Torrent): TransferSnapshot => snapshotOf(t, { keepSeeding: options.keepSeeding, label: options.labels?.get(t), dhtNodes: options.dht === true ? session.dhtNodes : undefined });
  // The progress display escapes names and messages (terminal-text.ts); tracker request URLs in
  // messages lose their query (our peer id and key) here.
  const message = (e: Error): string => withoutUrlQueries(e.message);
  const failed = new Set<Torrent>();
  const started = Date.now();
  const cleanups: (() => void)[] = [];

  const allSettled = new Promise<void>((resolve) => {
    const check = (): void => {
      if (torrents.every((t) => t.done || failed.has(t))) resolve();
    };
    for (const t of torrents) {
      const onProgress = (): void => progress.update(snapshot(t));
      const onWarning = (w: Error): void => {
        if (json) terminal.out(jsonText({ type: 'warning', infoHash: t.infoHashHex, message: message(w) }));
        else progress.log(`${label(t)}: warning: ${message(w)}`);
      };
      const onError = (e: Error): void => {
        failed.add(t);
        if (json) terminal.out(jsonText({ type: 'error', infoHash: t.infoHashHex, message: message(e) }));
        else progress.log(`${label(t)}: error: ${message(e)}`);
        check();
      };
      let doneReported = false;
      const onDone = (): void => {
        if (doneReported) return;
        doneReported = true;
        const s = snapshot(t);
        if (json) terminal.out(jsonLine('done', s));
        else progress.log(`${label(t)}: done, ${formatBytes(s.wantedBytes - s.leftBytes)} verified in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        check();
      };
      t.on('progress', onProgress);
      t.on('warning', onWarning);
      t.on('error', onError);
      t.on('done', onDone);
      cleanups.push(() => {
        t.off('progress', onProgress);
        t.off('warning', onWarning);
        t.off('error', onError);
        t.off('done', onDone);
      });
      if (t.state === 'error') failed.add(t);
      // The engine emitted its first progress (and `done`, for data complete on disk) before these
      // listeners existed.
      onProgress();
      if (t.done && options.reportDoneAtStart !== false) onDone();
    }
    check();
  });

  // The engine reports no progress while it fetches a magnet's metadata: show it still (peers found).
  const metadataTicker = setInterval(() => {
    for (const t of torrents) if (t.state === 'fetching-metadata') progress.update(snapshot(t));
  }, METADATA_PROGRESS_MS);
  metadataTicker.unref();

  const interrupted = new Promise<'interrupted'>((resolve) => {
    if (options.signal.aborted) resolve('interrupted');
    options.signal.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });

  let outcome = await Promise.race([allSettled.then(() => 'settled' as const), interrupted]);
  if (outcome === 'settled' && options.keepSeeding && failed.size < torrents.length) {
    if (!json) progress.log('seeding; press Ctrl-C to stop');
    outcome = await interrupted;
  }
  clearInterval(metadataTicker);
  for (const t of torrents) progress.update(snapshot(t));
  progress.stop();
  for (const c of cleanups) c();
  if (outcome === 'interrupted' && !json) terminal.err('stopping: telling trackers and saving resume data ...');
  await closeWithin(session, STOP_TIMEOUT_MS);
  if (outcome === 'interrupted') return EXIT_INTERRUPTED;
  return failed.size > 0 ? EXIT_FAILURE : EXIT_OK;
}

async function closeWithin(session: Session, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    session.close(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  if (timer) clearTimeout(timer);
}

/** An AbortSignal that fires on the first SIGINT/SIGTERM; a second one exits at once. */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
