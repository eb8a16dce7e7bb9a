// Closing a session of many torrents: peers and trackers go in parallel, but their data (flush, resume
// save, files) closes a bounded number at a time (DATA_CLOSES_AT_ONCE), not 10,000 at once.
import { expect, it } from '@jest/globals';
import { createTorrent, type Metainfo } from '@typetorrent/metainfo';
import { MemoryStorage, type StorageTorrent } from '@typetorrent/storage';
import type { TorrentState } from '../torrent/types.js';
import { DATA_CLOSES_AT_ONCE } from './check-queue.js';
import { Session } from './session.js';

/** Counts storage closes in progress and holds each until the test lets it go. */
class CloseWatch {
  running = 0;
  most = 0;
  done = 0;
  readonly #held: (() => void)[] = [];
  #arrived: (() => void) | undefined;

  storage(torrent: StorageTorrent): MemoryStorage {
    const storage = new MemoryStorage(torrent);
    const close = storage.close.bind(storage);
    storage.close = async (): Promise<void> => {
      this.running++;
      this.most = Math.max(this.most, this.running);
      await new Promise<void>((resolve) => {
        this.#held.push(resolve);
        this.#arrived?.();
      });
      await close();
      this.running--;
      this.done++;
    };
    return storage;
  }

  /** Lets the oldest held close go on, once one is held. */
  async releaseOne(): Promise<void> {
    if (this.#held.length === 0) await new Promise<void>((resolve) => (this.#arrived = resolve));
    this.#arrived = undefined;
    this.#held.shift()?.();
  }
}

async function metainfos(count: number): Promise<Metainfo[]> {
  const out: Metainfo[] = [];
  for (let index = 0; index < count; index++) {
    const bytes = new TextEncoder().encode(`close ${index} `.repeat(50));
    out.push((await createTorrent({ kind: 'file', name: `c${index}.txt`, length: bytes.length, read: async function* () { yield bytes; } }, { pieceLength: 16384 })).metainfo);
  }
  return out;
}

async function reach(torrent: { state: TorrentState; once(event: 'state', listener: () => void): unknown }, state: TorrentState): Promise<void> {
  while (torrent.state !== state) await new Promise<void>((resolve) => torrent.once('state', resolve));
}

it(`closes the data of at most ${DATA_CLOSES_AT_ONCE} torrents at once when the session closes`, async () => {
  const watch = new CloseWatch();
  const count = DATA_CLOSES_AT_ONCE * 2 + 8;
  const session = new Session({ port: 0, host: '127.0.0.1', maxActiveDownloads: Number.POSITIVE_INFINITY, storage: async (torrent) => watch.storage(torrent) });
  const torrents = [];
  for (const metainfo of await metainfos(count)) torrents.push(await session.add(metainfo, { savePath: '/nonexistent-typetorrent-test', announce: false }));
  for (const torrent of torrents) await reach(torrent, 'downloading');

  const closing = session.close();
  for (let released = 0; released < count; released++) await watch.releaseOne();
  await closing;

  expect(watch.done).toBe(count);
  expect(watch.most).toBe(DATA_CLOSES_AT_ONCE);
  expect(torrents.every((torrent) => torrent.state === 'stopped')).toBe(true);
});
