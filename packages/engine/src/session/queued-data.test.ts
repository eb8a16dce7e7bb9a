// What a queued torrent keeps: a download waiting for a slot holds no data open (its files, piece
// buffers and picker go, its resume data is saved) and opens it again from that resume data, without
// hashing, when its slot comes; a queued seed keeps its data. Real files under a temp folder.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { inlineHasher, type Hasher } from '@typetorrent/storage';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { makeFixture, type Fixture } from '../testing/fixtures.js';
import type { Torrent } from '../torrent/torrent.js';
import type { TorrentState } from '../torrent/types.js';
import { Session } from './session.js';

class CountingHasher implements Hasher {
  readonly prefersShared = false;
  calls = 0;

  async sha1(data: Uint8Array): Promise<Uint8Array> {
    this.calls++;
    return await inlineHasher.sha1(data);
  }

  async close(): Promise<void> {}
}

const PIECE = 16_384;
let dir: string;
const fixtures: Fixture[] = [];
const sessions: Session[] = [];

beforeAll(async () => {
  dir = await makeTempDir('engine-queued-data-');
  for (let index = 0; index < 2; index++) {
    fixtures.push(await makeFixture({ dir: path.join(dir, 'source'), name: `d${index}`, seed: 70 + index, files: [{ path: ['data.bin'], length: 6 * PIECE + index }], pieceLength: PIECE }));
  }
});

afterAll(async () => {
  await Promise.all(sessions.map(async (s) => await s.close()));
  await removeTempDir(dir);
});

/** A save folder holding the first `pieces` whole pieces of the fixture's file: a download part done. */
async function partial(fixture: Fixture, name: string, pieces: number): Promise<string> {
  const savePath = path.join(dir, name);
  const file = path.join(savePath, fixture.metainfo.name, 'data.bin');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, fixture.data.get('data.bin')!.subarray(0, pieces * PIECE));
  return savePath;
}

/** The states the torrent goes through until it reaches `state`. */
async function statesUntil(torrent: Torrent, state: TorrentState): Promise<TorrentState[]> {
  const seen: TorrentState[] = [];
  if (torrent.state === state) return seen;
  await new Promise<void>((resolve) => {
    const onState = (): void => {
      seen.push(torrent.state);
      if (torrent.state !== state) return;
      torrent.off('state', onState);
      resolve();
    };
    torrent.on('state', onState);
  });
  return seen;
}

it('a queued download closes its data and, given a slot, opens it again from resume data without hashing', async () => {
  const hasher = new CountingHasher();
  const session = new Session({ port: 0, host: '127.0.0.1', maxActiveDownloads: 1, hasher });
  sessions.push(session);
  const first = await session.add(fixtures[0]!.torrent, { savePath: await partial(fixtures[0]!, 'a', 0), announce: false });
  await statesUntil(first, 'downloading');
  const savePath = await partial(fixtures[1]!, 'b', 2);
  const second = await session.add(fixtures[1]!.torrent, { savePath, announce: false });
  await statesUntil(second, 'queued');
  const hashedAtCheck = hasher.calls;
  expect(hashedAtCheck).toBeGreaterThan(0); // two pieces found on disk
  expect(second.progress().verifiedPieces).toBe(2);
  // Closing the data saved its resume record.
  await expect(fs.stat(path.join(savePath, '.typetorrent', `${fixtures[1]!.metainfo.infoHashHex}.resume`))).resolves.toBeDefined();

  session.setActiveLimits({ downloads: 2 });
  const states = await statesUntil(second, 'downloading');
  expect(states).toEqual(['checking', 'downloading']); // the data opened again
  expect(hasher.calls).toBe(hashedAtCheck);
  expect(second.progress().verifiedPieces).toBe(2);

  // A running download sent back to wait (the limit lowered) lets its data go too.
  session.setActiveLimits({ downloads: 1 });
  await statesUntil(second, 'queued');
  session.setActiveLimits({ downloads: 2 });
  expect(await statesUntil(second, 'downloading')).toEqual(['checking', 'downloading']);
  expect(hasher.calls).toBe(hashedAtCheck);
});

it('a queued seed keeps its data open and seeds again without opening it', async () => {
  const hasher = new CountingHasher();
  const session = new Session({ port: 0, host: '127.0.0.1', maxActiveSeeds: 1, hasher });
  sessions.push(session);
  const first = await session.add(fixtures[0]!.torrent, { savePath: await partial(fixtures[0]!, 'c', 7), announce: false });
  await statesUntil(first, 'seeding');
  const second = await session.add(fixtures[1]!.torrent, { savePath: await partial(fixtures[1]!, 'd', 7), announce: false });
  await statesUntil(second, 'queued');
  session.setActiveLimits({ seeds: 2 });
  expect(await statesUntil(second, 'seeding')).toEqual(['seeding']);
});

it('a queued download with a file skipped shows the bytes it wants, not the whole torrent, while its data is closed', async () => {
  const session = new Session({ port: 0, host: '127.0.0.1', maxActiveDownloads: 1 });
  sessions.push(session);
  const first = await session.add(fixtures[0]!.torrent, { savePath: await partial(fixtures[0]!, 'e', 0), announce: false });
  await statesUntil(first, 'downloading');
  const twoFiles = await makeFixture({
    dir: path.join(dir, 'source'),
    name: 'two-files',
    seed: 90,
    files: [
      { path: ['a-wanted.bin'], length: 3 * PIECE },
      { path: ['b-skipped.bin'], length: 5 * PIECE },
    ],
    pieceLength: PIECE,
  });
  const second = await session.add(twoFiles.torrent, { savePath: path.join(dir, 'f'), announce: false, filePriorities: [1, 0] });
  await statesUntil(second, 'queued'); // before its check: no slot, so nothing opened yet
  const progress = second.progress();
  expect(progress.totalBytes).toBe(8 * PIECE);
  expect(progress.wantedBytes).toBe(3 * PIECE);
  expect(progress.leftBytes).toBe(3 * PIECE);
  // Priorities changed while it waits count too (from the priorities: its data is closed).
  await second.setFilePriorities([1, 1]);
  expect(second.progress().wantedBytes).toBe(8 * PIECE);
  await second.setFilePriorities([0, 3]);
  expect(second.progress()).toMatchObject({ wantedBytes: 5 * PIECE, leftBytes: 5 * PIECE });
});
