// The two waits of a torrent's start, as plain functions: the metadata of a magnet link arriving
// from peers, and the data opened and checked. Each tells the torrent how it ended (aborted by
// pause/stop, failed, or done) instead of changing the torrent's state itself.
import { parseInfoDict, type MagnetLink, type Metainfo } from '@typetorrent/metainfo';
import { EngineError, describeError } from '../errors.js';
import { openTorrentData, type OpenOptions, type Opened } from './open.js';

export type StepResult<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'aborted' } | { readonly kind: 'failed'; readonly error: EngineError };

/** Waits for the verified info dict (or the signal), then parses it with the magnet's trackers. */
export async function awaitMetadata(magnet: MagnetLink, metadata: Promise<Uint8Array>, signal: AbortSignal): Promise<StepResult<Metainfo>> {
  const bytes = await Promise.race([metadata, aborted(signal)]);
  if (bytes === undefined) return { kind: 'aborted' };
  try {
    return { kind: 'done', value: parseInfoDict(bytes, { announce: magnet.trackers.map((url) => [url]), urlList: magnet.webSeeds }) };
  } catch (error) {
    return { kind: 'failed', error: new EngineError('BAD_TORRENT', `the metadata from peers is not a usable torrent: ${describeError(error)}`, { infoHash: magnet.infoHashHex, cause: error }) };
  }
}

/** Opens and checks the data; an open interrupted by the signal is closed again. */
export async function openChecked(metainfo: Metainfo, options: OpenOptions): Promise<StepResult<Opened>> {
  let opened: Opened;
  try {
    opened = await openTorrentData(metainfo, options);
  } catch (error) {
    if (options.signal.aborted) return { kind: 'aborted' };
    return { kind: 'failed', error: new EngineError('STORAGE', `could not open the data: ${describeError(error)}`, { infoHash: metainfo.infoHashHex, cause: error }) };
  }
  if (options.signal.aborted) {
    await opened.store.close().catch(() => undefined);
    return { kind: 'aborted' };
  }
  return { kind: 'done', value: opened };
}

/** Resolves (with undefined) when `signal` fires. */
async function aborted(signal: AbortSignal): Promise<undefined> {
  return await new Promise((resolve) => {
    if (signal.aborted) resolve(undefined);
    signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
}
