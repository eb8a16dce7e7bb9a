// Waiting for a torrent to be done, as a promise: resolves on `done`, rejects when it fails, is
// removed, or the caller's signal fires.
import type { EventEmitter } from 'node:events';
import { EngineError } from '../errors.js';
import type { TorrentEvents, TorrentStatus } from './types.js';

export interface Waitable extends EventEmitter<TorrentEvents> {
  readonly done: boolean;
  readonly status: TorrentStatus;
  readonly removed: boolean;
  readonly infoHashHex: string;
}

export async function whenDone(torrent: Waitable, signal: AbortSignal | undefined): Promise<void> {
  if (torrent.done) return;
  if (torrent.status.state === 'error') throw torrent.status.error;
  if (torrent.removed) throw new EngineError('CLOSED', 'torrent removed', { infoHash: torrent.infoHashHex });
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      torrent.off('done', onDone);
      torrent.off('state', onState);
      signal?.removeEventListener('abort', onAbort);
    };
    const onDone = (): void => {
      cleanup();
      resolve();
    };
    const onState = (status: TorrentStatus): void => {
      if (status.state === 'error' || torrent.removed) {
        cleanup();
        reject(status.state === 'error' ? status.error : new EngineError('CLOSED', 'torrent removed', { infoHash: torrent.infoHashHex }));
      }
    };
    const onAbort = (): void => {
      cleanup();
      reject(new EngineError('ABORTED', 'stopped waiting', { cause: signal?.reason }));
    };
    if (signal?.aborted === true) {
      onAbort();
      return;
    }
    torrent.on('done', onDone);
    torrent.on('state', onState);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
