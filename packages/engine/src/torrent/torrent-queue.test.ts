// A torrent in the session's active queue, on test services (manual clock, no sockets): a magnet
// link waits for a download slot before fetching its metadata, and leaves the fetch when its slot
// is taken back.
import { expect, it } from '@jest/globals';
import { parseMagnet } from '@typetorrent/metainfo';
import { ActiveQueue } from '../session/active-queue.js';
import { testServices } from '../testing/services.js';
import { Torrent } from './torrent.js';
import type { TorrentState } from './types.js';

const magnet = (byte: string): ReturnType<typeof parseMagnet> => parseMagnet(`magnet:?xt=urn:btih:${byte.repeat(40)}`);

async function reach(torrent: Torrent, state: TorrentState): Promise<void> {
  if (torrent.state === state) return;
  await new Promise<void>((resolve) => {
    const onState = (): void => {
      if (torrent.state !== state) return;
      torrent.off('state', onState);
      resolve();
    };
    torrent.on('state', onState);
  });
}

it('a magnet past the download limit is queued before fetching, and leaves its fetch when its slot is taken back', async () => {
  const queue = new ActiveQueue({ downloads: 1 });
  const services = { ...testServices(), activeSlots: queue };
  const options = { savePath: '/nonexistent-typetorrent-test', announce: false };
  const first = new Torrent(magnet('a'), options, services);
  const second = new Torrent(magnet('b'), options, services);
  queue.join(first);
  queue.join(second);
  try {
    // start() resolves only once a magnet's fetch ends: not awaited, as Session.add does.
    void first.start().catch(() => undefined);
    await reach(first, 'fetching-metadata');
    void second.start().catch(() => undefined);
    await reach(second, 'queued');
    expect(second.queuePosition).toBe(1);

    await second.pause();
    expect(second.state).toBe('paused');
    expect(queue.waitingCount).toBe(0);
    await second.resume();
    expect(second.state).toBe('queued');

    // The first one paused: its slot goes to the second, which starts its fetch.
    await first.pause();
    await reach(second, 'fetching-metadata');
    expect(queue.isActive(second)).toBe(true);

    // No download slots at all: the fetch is cut short and the magnet waits again.
    queue.setLimits({ downloads: 0 });
    await reach(second, 'queued');
    expect(queue.isWaiting(second)).toBe(true);
    expect(services.ticks.size).toBe(0);
  } finally {
    await first.remove();
    await second.remove();
  }
});
