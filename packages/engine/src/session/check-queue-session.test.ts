// The session's check queue seen from torrents: a torrent waiting for its turn is `checking` without
// hashing, and pausing it takes it out of the queue without a hash. The torrents run on test services
// whose check queue tells when a torrent asks for its turn.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createTorrent, type Metainfo } from '@typetorrent/metainfo';
import { inlineHasher, type Hasher } from '@typetorrent/storage';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { testServices } from '../testing/services.js';
import type { CheckSlots } from '../torrent/services.js';
import { Torrent } from '../torrent/torrent.js';
import type { TorrentState } from '../torrent/types.js';
import { CheckQueue } from './check-queue.js';

/** Holds every hash until `open()`; tells when a hash was asked for. */
class GatedHasher implements Hasher {
  readonly prefersShared = false;
  calls = 0;
  #opened = false;
  #waiting: (() => void)[] = [];
  #onCall: (() => void)[] = [];

  async sha1(data: Uint8Array): Promise<Uint8Array> {
    this.calls++;
    for (const notify of this.#onCall.splice(0)) notify();
    if (!this.#opened) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return await inlineHasher.sha1(data);
  }

  async nextCall(): Promise<void> {
    await new Promise<void>((resolve) => this.#onCall.push(resolve));
  }

  open(): void {
    this.#opened = true;
    for (const release of this.#waiting.splice(0)) release();
  }

  async close(): Promise<void> {}
}

async function reach(torrent: Torrent, state: TorrentState): Promise<void> {
  if (torrent.state === state) return;
  await new Promise<void>((resolve) => {
    const onState = (status: { state: TorrentState }): void => {
      if (status.state !== state) return;
      torrent.off('state', onState);
      resolve();
    };
    torrent.on('state', onState);
  });
}

let dir: string;
const torrents: Metainfo[] = [];

beforeAll(async () => {
  dir = await makeTempDir('engine-check-queue-');
  for (const name of ['first.txt', 'second.txt']) {
    const bytes = new TextEncoder().encode(`${name} `.repeat(500));
    await fs.writeFile(path.join(dir, name), bytes);
    torrents.push((await createTorrent({ kind: 'file', name, length: bytes.length, read: async function* () { yield bytes; } }, { pieceLength: 16384 })).metainfo);
  }
});

afterAll(async () => {
  await removeTempDir(dir);
});

it('a torrent waiting for its check turn hashes nothing, and a pause takes it out of the queue', async () => {
  const hasher = new GatedHasher();
  const queue = new CheckQueue(1);
  const asked: (() => void)[] = [];
  const checkSlots: CheckSlots = {
    take: async (signal) => {
      const taking = queue.take(signal);
      for (const notify of asked.splice(0)) notify();
      return await taking;
    },
  };
  const nextTurnAsked = async (): Promise<void> => await new Promise<void>((resolve) => asked.push(resolve));
  const services = { ...testServices(), hasher, checkSlots };
  const options = { savePath: dir, announce: false };
  const first = new Torrent(torrents[0]!, options, services);
  const second = new Torrent(torrents[1]!, options, services);
  try {
    const firstHash = hasher.nextCall();
    void first.start().catch(() => undefined);
    await firstHash;
    const secondAsked = nextTurnAsked();
    void second.start().catch(() => undefined);
    await secondAsked;
    expect(second.state).toBe('checking');
    expect(queue.waiting).toBe(1);
    expect(hasher.calls).toBe(1);
    await second.pause();
    expect(second.state).toBe('paused');
    expect(queue.waiting).toBe(0);
    hasher.open();
    await first.whenDone();
    expect(first.state).toBe('seeding');
    expect(hasher.calls).toBe(1); // the second torrent never hashed
    await second.resume();
    await reach(second, 'seeding');
    expect(hasher.calls).toBe(2);
    expect(queue.running).toBe(0);
  } finally {
    await first.remove();
    await second.remove();
  }
});
