// The state machine of STATE.md, through the public API: pause and resume, stop and start, seed:
// false, file selection, storage failure, recheck.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileStorage, MemoryStorage, ResumeFile, StorageError, currentBootId, decodeResume, type StampedStorage, type Storage, type StorageFactory } from '@typetorrent/storage';
import { makeTempDir } from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import { differences, type Fixture } from '../testing/fixtures.js';
import { closeTracked, seededFixture } from '../testing/seeded-fixture.js';
import { waitUntil } from '../testing/swarm-helpers.js';
import type { Torrent } from './torrent.js';
import type { TorrentState } from './types.js';

let fixture: Fixture;
let seeder: Session;
const sessions: Session[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  ({ fixture, seeder } = await seededFixture({ name: 'states', seed: 5 }, { sessions, dirs }));
});

afterAll(async () => {
  await closeTracked({ sessions, dirs });
});

async function leech(options: Partial<Parameters<Session['add']>[1]> = {}): Promise<{ torrent: Torrent; dir: string; states: TorrentState[] }> {
  const dir = await makeTempDir('typetorrent-states-');
  dirs.push(dir);
  const session = new Session({ port: 0, host: '127.0.0.1' });
  sessions.push(session);
  const torrent = await session.add(fixture.torrent, { savePath: dir, peers: [{ host: '127.0.0.1', port: seeder.port }], ...options });
  const states: TorrentState[] = [];
  torrent.on('state', (status) => states.push(status.state));
  return { torrent, dir, states };
}

/** The default storage, reporting the `sync` flag of every flush and close. */
function recordingSyncs(dir: string, syncs: boolean[]): StorageFactory {
  return async (torrent, options) => {
    const files = await FileStorage.open(torrent, dir, options);
    const storage: StampedStorage = {
      read: (piece, begin, into, io) => files.read(piece, begin, into, io),
      write: (piece, begin, data, io) => files.write(piece, begin, data, io),
      stamps: (io) => files.stamps(io),
      flush: (flush) => (syncs.push(flush?.sync ?? true), files.flush(flush)),
      close: (flush) => (syncs.push(flush?.sync ?? true), files.close(flush)),
    };
    return storage;
  };
}

async function savedRecord(dir: string): Promise<ReturnType<typeof decodeResume>> {
  const bytes = (await new ResumeFile(dir, fixture.metainfo.infoHashHex).load()) ?? new Uint8Array();
  const { metainfo } = fixture;
  return decodeResume(bytes, { infoHash: metainfo.infoHash, pieceCount: metainfo.geometry.pieceCount, fileCount: metainfo.files.length });
}

describe('Torrent states', () => {
  it('goes checking → downloading → seeding and reports it', async () => {
    const { torrent, states } = await leech();
    // `add` resolves with the check begun.
    expect(torrent.state).toBe('checking');
    await torrent.whenDone();
    expect(states).toEqual(['downloading', 'seeding']);
    expect(torrent.status).toEqual({ state: 'seeding', complete: true });
    expect(torrent.done).toBe(true);
  });

  it('a session hashing on the event loop (hashThreads: 0) downloads the same bytes', async () => {
    const dir = await makeTempDir('typetorrent-inline-hash-');
    dirs.push(dir);
    const session = new Session({ port: 0, host: '127.0.0.1', hashThreads: 0 });
    sessions.push(session);
    const torrent = await session.add(fixture.torrent, { savePath: dir, peers: [{ host: '127.0.0.1', port: seeder.port }] });
    await torrent.whenDone();
    expect(await differences(fixture, dir)).toEqual([]);
  });

  it('pause disconnects every peer and stops the transfer; resume finishes it', async () => {
    const { torrent, dir, states } = await leech({ rateLimits: { download: 256 * 1024 } });
    await waitUntil(() => torrent.progress().verifiedPieces > 2, 10_000, () => 'no piece arrived');
    await torrent.pause();
    expect(torrent.state).toBe('paused');
    expect(torrent.peers()).toEqual([]);
    const before = torrent.progress().downloaded;
    // Another connection attempt from the seeder's side would be refused too: nothing can arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(torrent.progress().downloaded).toBe(before);
    expect(torrent.progress().verifiedBytes).toBeLessThan(fixture.metainfo.totalLength);
    await torrent.resume();
    torrent.setRateLimits({ download: 0 });
    await torrent.whenDone();
    expect(states).toEqual(['downloading', 'paused', 'downloading', 'seeding']);
    expect(await differences(fixture, dir)).toEqual([]);
  });

  it('stop saves what it has; start checks it again and fetches only the rest', async () => {
    const { torrent, dir } = await leech({ rateLimits: { download: 256 * 1024 } });
    await waitUntil(() => torrent.progress().verifiedPieces > 4, 10_000, () => 'no pieces arrived');
    await torrent.stop();
    expect(torrent.state).toBe('stopped');
    const kept = torrent.progress().verifiedBytes;
    const downloadedBefore = torrent.progress().downloaded;
    torrent.setRateLimits({ download: 0 });
    await torrent.start();
    expect(torrent.progress().verifiedBytes).toBeGreaterThanOrEqual(kept);
    await torrent.whenDone();
    expect(torrent.progress().downloaded - downloadedBefore).toBeLessThanOrEqual(fixture.metainfo.totalLength - kept + 4 * 16 * 1024);
    expect(await differences(fixture, dir)).toEqual([]);
  });

  it('with seed: false stops once done', async () => {
    const { torrent, states } = await leech({ seed: false });
    await torrent.whenDone();
    await waitUntil(() => torrent.state === 'stopped', 5000, () => `still ${torrent.state}`);
    expect(states).toEqual(['downloading', 'stopped']);
  });

  it('downloads only the selected files, then the rest when their priority is raised', async () => {
    // File 2 is sub/b.bin (777,777 bytes); its pieces hold some bytes of the files around it.
    const { torrent, dir } = await leech({ selectedFiles: [2] });
    await torrent.whenDone();
    expect(torrent.status).toEqual({ state: 'seeding', complete: false });
    const wanted = fixture.data.get('sub/b.bin') ?? new Uint8Array(0);
    const got = await fs.readFile(path.join(dir, fixture.metainfo.name, 'sub', 'b.bin'));
    // Buffer.compare: jest's deep equality walks big typed arrays element by element, slowly.
    expect(Buffer.compare(got, Buffer.from(wanted))).toBe(0);
    await expect(fs.stat(path.join(dir, fixture.metainfo.name, 'a.bin'))).rejects.toThrow();
    await torrent.setFilePriorities([4, 4, 4, 4, 4]);
    expect(torrent.state).toBe('downloading');
    await torrent.whenDone();
    expect(await differences(fixture, dir)).toEqual([]);
  });

  it('a storage that cannot write puts the torrent in error and whenDone rejects', async () => {
    const failing = async (): Promise<Storage> => {
      const memory = new MemoryStorage(fixture.metainfo);
      return {
        read: (piece, begin, into, options) => memory.read(piece, begin, into, options),
        write: async () => {
          throw new StorageError('DISK_FULL', 'no space left');
        },
        flush: (options) => memory.flush(options),
        close: () => memory.close(),
      };
    };
    const { torrent, states } = await leech({ storage: failing });
    await expect(torrent.whenDone()).rejects.toMatchObject({ code: 'STORAGE' });
    expect(torrent.state).toBe('error');
    expect(torrent.error?.code).toBe('STORAGE');
    expect(torrent.peers()).toEqual([]);
    expect(states).toEqual(['downloading', 'error']);
  });

  it('recheck finds data damaged on disk and downloads it again', async () => {
    const { torrent, dir } = await leech();
    await torrent.whenDone();
    const file = path.join(dir, fixture.metainfo.name, 'z.bin');
    const handle = await fs.open(file, 'r+');
    await handle.write(Uint8Array.of(1, 2, 3, 4), 0, 4, 1000);
    await handle.close();
    const done = new Promise<void>((resolve) => torrent.once('done', () => resolve()));
    await torrent.recheck();
    await done;
    expect(await differences(fixture, dir)).toEqual([]);
  });

  it('done and stop save resume data without waiting for an fsync; the record vouches for every piece in this boot', async () => {
    const dir = await makeTempDir('typetorrent-nosync-');
    dirs.push(dir);
    const syncs: boolean[] = [];
    const { torrent, states } = await leech({ seed: false, storage: recordingSyncs(dir, syncs), savePath: dir });
    await torrent.whenDone();
    await waitUntil(() => torrent.state === 'stopped', 5000, () => `still ${torrent.state}`);
    expect(states).toEqual(['downloading', 'stopped']);
    const bootId = await currentBootId();
    // Where the OS names no boots, unsynced data cannot be vouched for: the store fsyncs anyway.
    if (bootId === undefined) expect(syncs).not.toContain(false);
    else expect(syncs).not.toContain(true);
    const record = await savedRecord(dir);
    expect(record.ok && record.data.verified.count).toBe(fixture.metainfo.geometry.pieceCount);
    expect(record.ok && record.data.bootId).toBe(bootId);
    expect(await differences(fixture, dir)).toEqual([]);
  });

  it('with durable: true, done waits for an fsync and the record calls every piece durable', async () => {
    const dir = await makeTempDir('typetorrent-sync-');
    dirs.push(dir);
    const syncs: boolean[] = [];
    const { torrent } = await leech({ seed: false, durable: true, storage: recordingSyncs(dir, syncs), savePath: dir });
    await torrent.whenDone();
    await waitUntil(() => torrent.state === 'stopped', 5000, () => `still ${torrent.state}`);
    expect(syncs).toContain(true);
    expect(syncs).not.toContain(false);
    const record = await savedRecord(dir);
    expect(record.ok && record.data.durable.count).toBe(fixture.metainfo.geometry.pieceCount);
  });
});
