import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import type { CheckProgress } from './check.js';
import { FileStorage } from './file-storage.js';
import { MemoryStorage } from './memory-storage.js';
import { PieceStore } from './piece-store.js';
import { decodeResume } from './resume-data.js';
import { ResumeFile } from './resume-file.js';
import { nodeFileSystem, type FileSystem } from './file-system.js';
import type { StampedStorage } from './storage.js';

/** The real file system, reporting the name of every file it fsyncs; `failures` fsyncs fail with EIO first. */
function fsyncRecorder(synced: string[], failures = 0): FileSystem {
  let failing = failures;
  return {
    ...nodeFileSystem,
    async open(filePath, mode) {
      const opened = await nodeFileSystem.open(filePath, mode);
      const sync = opened.handle.sync.bind(opened.handle);
      const recorded = async (): Promise<void> => {
        if (failing > 0) {
          failing--;
          throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        }
        synced.push(path.basename(filePath));
        await sync();
      };
      return { ...opened, handle: Object.assign(opened.handle, { sync: recorded }) };
    },
  };
}
import { differsAt, oddLayout, shuffled, type Fixture } from './test-fixtures.js';

let temp: string;
beforeAll(async () => {
  temp = await makeTempDir('storage-store-');
});
afterAll(async () => {
  await removeTempDir(temp);
});

async function download(store: PieceStore, fixture: Fixture, pieces: Iterable<number>): Promise<void> {
  for (const piece of pieces) {
    for (const { begin, data } of fixture.blocks(piece)) await store.addBlock(piece, begin, data, 'seed:1');
  }
}

interface OpenExtras {
  wanted?: boolean[];
  onCheckProgress?: (p: CheckProgress) => void;
  fullCheck?: boolean;
  bootId?: string | null;
  /** Receives the `sync` flag of every flush and close of the storage. */
  syncs?: boolean[];
  checkTurn?: (signal: AbortSignal | undefined) => Promise<() => void>;
  fileSystem?: FileSystem;
  resume?: ResumeFile;
}

/** A FileStorage whose flush and close report whether they were asked to fsync. */
function reportingSyncs(storage: FileStorage, syncs: boolean[]): StampedStorage {
  return {
    read: (piece, begin, into, options) => storage.read(piece, begin, into, options),
    write: (piece, begin, data, options) => storage.write(piece, begin, data, options),
    stamps: (options) => storage.stamps(options),
    flush: (options) => {
      syncs.push(options?.sync ?? true);
      return storage.flush(options);
    },
    close: (options) => {
      syncs.push(options?.sync ?? true);
      return storage.close(options);
    },
  };
}

/** Opens the store on `dir` again, recording the progress of its start-up check. */
async function reopenWatchingCheck(fixture: Fixture, dir: string, extras: OpenExtras): Promise<{ store: PieceStore; progress: CheckProgress[] }> {
  const progress: CheckProgress[] = [];
  const store = await openOnDisk(fixture, dir, { ...extras, onCheckProgress: (p) => progress.push(p) });
  return { store, progress };
}

async function openOnDisk(fixture: Fixture, dir: string, { syncs, fileSystem, ...extra }: OpenExtras = {}): Promise<PieceStore> {
  const files = await FileStorage.open(fixture.torrent, dir, fileSystem === undefined ? {} : { fileSystem });
  const storage = syncs === undefined ? files : reportingSyncs(files, syncs);
  return await PieceStore.open(fixture.torrent, {
    storage,
    resume: new ResumeFile(dir, fixture.torrent.infoHashHex),
    resumeIntervalMs: 0,
    ...extra,
  });
}

describe('PieceStore with MemoryStorage', () => {
  test('downloads every piece in random order and ends complete', async () => {
    const fixture = oddLayout();
    const store = await PieceStore.open(fixture.torrent, { storage: new MemoryStorage(fixture.torrent) });
    expect(store.missingPieces().count).toBe(5);
    await download(store, fixture, shuffled([0, 1, 2, 3, 4], 5));
    expect(store.complete).toBe(true);
    expect(store.missingPieces().count).toBe(0);
    await store.close();
  });

  test('serves verified pieces for upload with bounds checks', async () => {
    const fixture = oddLayout();
    const store = await PieceStore.open(fixture.torrent, { storage: new MemoryStorage(fixture.torrent) });
    await download(store, fixture, [1]);
    expect(differsAt(await store.readBlock(1, 100, 16384), fixture.pieceBytes(1).slice(100, 100 + 16384))).toBe(-1);
    await expect(store.readBlock(2, 0, 16384)).rejects.toMatchObject({ code: 'NOT_VERIFIED', piece: 2 });
    await expect(store.readBlock(5, 0, 16384)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    await expect(store.readBlock(1, 32768 - 10, 11)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    await expect(store.readBlock(1, -1, 10)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    await expect(store.readBlock(1, 0, 0)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    await store.close();
    await expect(store.readBlock(1, 0, 10)).rejects.toMatchObject({ code: 'CLOSED' });
  });

  test('reads into the caller\'s buffer, overwriting every byte, and refuses one of another length', async () => {
    const fixture = oddLayout();
    const store = await PieceStore.open(fixture.torrent, { storage: new MemoryStorage(fixture.torrent) });
    await download(store, fixture, [1]);
    const into = new Uint8Array(16384).fill(0xaa);
    const read = await store.readBlock(1, 100, 16384, { into });
    expect(read).toBe(into);
    expect(differsAt(into, fixture.pieceBytes(1).slice(100, 100 + 16384))).toBe(-1);
    await expect(store.readBlock(1, 0, 100, { into })).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS', piece: 1 });
    await store.close();
  });

  test('refuses reads longer than maxReadLength', async () => {
    const fixture = oddLayout();
    const store = await PieceStore.open(fixture.torrent, { storage: new MemoryStorage(fixture.torrent), maxReadLength: 1000 });
    await download(store, fixture, [0]);
    await expect(store.readBlock(0, 0, 1001)).rejects.toMatchObject({ code: 'OUT_OF_BOUNDS' });
    expect(await store.readBlock(0, 0, 1000)).toHaveLength(1000);
    await store.close();
  });

  test('needed pieces follow the wanted files; a piece of unwanted files only is NOT_WANTED', async () => {
    const fixture = oddLayout();
    const store = await PieceStore.open(fixture.torrent, {
      storage: new MemoryStorage(fixture.torrent),
      wanted: [true, false, false, false, false],
    });
    expect([...store.neededPieces()]).toEqual([0]);
    await expect(store.addBlock(3, 0, fixture.blocks(3)[0]!.data, 'p')).rejects.toMatchObject({ code: 'NOT_WANTED', piece: 3 });
    await store.setWanted([false, false, false, false, true]);
    expect([...store.neededPieces()]).toEqual([1, 2, 3, 4]);
    await store.close();
  });

  test('a file that becomes wanted after its shared piece was verified is written out by setWanted', async () => {
    // Odd layout: piece 1 holds the end of c.bin and the start of d.bin. Only d.bin is wanted first,
    // so c.bin's bytes of piece 1 go to the side file; wanting c.bin later must bring them into it.
    const fixture = oddLayout();
    const dir = path.join(temp, 'materialize');
    const storage = await FileStorage.open(fixture.torrent, dir, { wanted: [false, false, false, false, true] });
    const store = await PieceStore.open(fixture.torrent, { storage, wanted: [false, false, false, false, true] });
    await download(store, fixture, [1, 2, 3, 4]);
    await store.setWanted([false, false, false, true, true]);
    await store.close();
    const range = fixture.torrent.geometry.piecesOfFile(3);
    const c = await fs.readFile(path.join(dir, 'odd', ...fixture.torrent.files[3]!.path));
    const file = fixture.torrent.files[3]!;
    // The part of c.bin inside piece 1 is there, byte for byte (piece 0 was never downloaded).
    const fromPiece1 = 32768 - file.offset;
    expect(range?.last).toBe(1);
    expect(c.length).toBe(file.length);
    expect(differsAt(c.subarray(fromPiece1), fixture.fileBytes(3).subarray(fromPiece1))).toBe(-1);
  });

  test('a full recheck of a fresh memory storage finds nothing, reporting progress', async () => {
    const fixture = oddLayout();
    const progress: CheckProgress[] = [];
    const store = await PieceStore.open(fixture.torrent, { storage: new MemoryStorage(fixture.torrent), onCheckProgress: (p) => progress.push(p) });
    expect(store.verifiedPieces().count).toBe(0);
    expect(progress.at(-1)).toEqual({ checked: 5, total: 5, verified: 0 });
    await store.close();
  });
});

describe('PieceStore on disk: reads for upload', () => {
  test('a read into a reused buffer from a file cut short rejects instead of returning the old bytes', async () => {
    const fixture = oddLayout(31);
    const files = await FileStorage.open(fixture.torrent, path.join(temp, 'cut-short'));
    const store = await PieceStore.open(fixture.torrent, { storage: files, resumeIntervalMs: 0 });
    await download(store, fixture, [4]);
    const last = fixture.torrent.geometry.pieceSize(4);
    const into = new Uint8Array(last).fill(0xaa);
    expect(differsAt(await store.readBlock(4, 0, last, { into }), fixture.pieceBytes(4))).toBe(-1);
    // d.bin (file 4) holds all of piece 4, the torrent's last bytes: cut it before them.
    await fs.truncate(files.pathOf(4), 99_000);
    into.fill(0xaa);
    await expect(store.readBlock(4, 0, last, { into })).rejects.toMatchObject({ code: 'NOT_FOUND', piece: 4 });
    await expect(store.readBlock(4, 0, last)).rejects.toMatchObject({ code: 'NOT_FOUND', piece: 4 });
    await store.close({ durable: false });
  });
});

describe('PieceStore on disk: resume', () => {
  test('close writes resume data; reopening trusts it without reading a piece', async () => {
    const fixture = oddLayout(21);
    const dir = path.join(temp, 'trusted');
    const first = await openOnDisk(fixture, dir);
    await download(first, fixture, [4, 0, 2]);
    await first.close();
    const progress: CheckProgress[] = [];
    const second = await openOnDisk(fixture, dir, { onCheckProgress: (p) => progress.push(p) });
    expect([...second.verifiedPieces()]).toEqual([0, 2, 4]);
    expect(progress).toEqual([]);
    await second.close();
  });

  test('saves resume data periodically while open', async () => {
    const fixture = oddLayout(27);
    const dir = path.join(temp, 'periodic');
    const resume = new ResumeFile(dir, fixture.torrent.infoHashHex);
    // A hand-driven clock: the interval fires when the test says so.
    const intervals: { ms: number; callback: () => void; stopped: boolean }[] = [];
    const clock = {
      setInterval(callback: () => void, ms: number): () => void {
        const entry = { ms, callback, stopped: false };
        intervals.push(entry);
        return () => {
          entry.stopped = true;
        };
      },
    };
    const store = await PieceStore.open(fixture.torrent, {
      storage: await FileStorage.open(fixture.torrent, dir),
      resume,
      resumeIntervalMs: 60_000,
      clock,
    });
    expect(intervals.map((i) => i.ms)).toEqual([60_000]);
    await download(store, fixture, [2]);
    expect(await resume.load()).toBeUndefined();
    intervals[0]!.callback();
    // The save itself is real I/O: wait for it turn by turn, not by the clock.
    let record = await resume.load();
    for (let turn = 0; record === undefined && turn < 10_000; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      record = await resume.load();
    }
    const decoded = decodeResume(record ?? new Uint8Array(), { infoHash: fixture.torrent.infoHash, pieceCount: 5, fileCount: 5 });
    expect(decoded.ok && [...decoded.data.verified]).toEqual([2]);
    await store.close();
    expect(intervals[0]!.stopped).toBe(true);
  });

  test('the periodic save is skipped while nothing changed since the last durable one (an idle seed does not rewrite its record)', async () => {
    const fixture = oddLayout(28);
    const dir = path.join(temp, 'periodic-idle');
    const saves: number[] = [];
    const counting = new ResumeFile(dir, fixture.torrent.infoHashHex);
    const save = counting.save.bind(counting);
    counting.save = async (record, options) => {
      saves.push(record.length);
      await save(record, options);
    };
    let tick: () => void = () => undefined;
    const clock = {
      setInterval(callback: () => void): () => void {
        tick = callback;
        return () => undefined;
      },
    };
    const store = await PieceStore.open(fixture.torrent, { storage: await FileStorage.open(fixture.torrent, dir), resume: counting, resumeIntervalMs: 60_000, clock });
    // saveResume runs after every save already queued: awaiting it shows what the ticks did (plus its own save).
    const afterQueued = async (): Promise<void> => {
      await store.saveResume({ durable: false });
    };
    tick();
    await afterQueued();
    expect(saves).toHaveLength(2);
    // Nothing changed since that durable save: the periodic saves are skipped (only the explicit ones count).
    tick();
    await afterQueued();
    expect(saves).toHaveLength(3);
    tick();
    tick();
    await afterQueued();
    expect(saves).toHaveLength(4);
    // A verified piece makes the next periodic save happen.
    await download(store, fixture, [2]);
    tick();
    await afterQueued();
    expect(saves).toHaveLength(6);
    await store.close();
  });

  test('closing an untouched seed started from resume data rewrites no record; a verified piece makes close save again', async () => {
    const fixture = oddLayout(29);
    const dir = path.join(temp, 'untouched');
    const first = await openOnDisk(fixture, dir);
    await download(first, fixture, [1, 3]);
    await first.close();
    const saves: number[] = [];
    const counting = new ResumeFile(dir, fixture.torrent.infoHashHex);
    const save = counting.save.bind(counting);
    counting.save = async (record, options) => {
      saves.push(record.length);
      await save(record, options);
    };
    const untouched = await openOnDisk(fixture, dir, { resume: counting });
    await untouched.close();
    expect(saves).toEqual([]);
    const changed = await openOnDisk(fixture, dir, { resume: counting });
    await download(changed, fixture, [0]);
    await changed.close();
    expect(saves).toHaveLength(1);
    const reopened = await openOnDisk(fixture, dir);
    expect([...reopened.verifiedPieces()]).toEqual([0, 1, 3]);
    await reopened.close();
  });

  test('a file changed behind our back gets only its pieces rechecked, and a corrupted piece is dropped', async () => {
    const fixture = oddLayout(22);
    const dir = path.join(temp, 'changed');
    const first = await openOnDisk(fixture, dir);
    await download(first, fixture, [0, 1, 2, 3, 4]);
    await first.close();
    // Corrupt one byte of d.bin inside piece 3 (d.bin starts at 32769; piece 3 starts at 98304).
    const handle = await fs.open(path.join(dir, 'odd', 'd.bin'), 'r+');
    await handle.write(new Uint8Array([0xff ^ fixture.content[98304 + 10]!]), 0, 1, 98304 + 10 - 32769);
    await handle.close();
    const progress: CheckProgress[] = [];
    const second = await openOnDisk(fixture, dir, { onCheckProgress: (p) => progress.push(p) });
    // d.bin covers pieces 1-4: those four are read again, piece 0 is trusted.
    expect(progress.at(-1)).toEqual({ checked: 4, total: 4, verified: 3 });
    expect([...second.verifiedPieces()]).toEqual([0, 1, 2, 4]);
    await second.close();
  });

  test('resume data of another torrent, or a damaged record, means a check of what is present', async () => {
    const fixture = oddLayout(23);
    const dir = path.join(temp, 'damaged');
    const first = await openOnDisk(fixture, dir);
    await download(first, fixture, [2, 3]);
    await first.close();
    await fs.writeFile(new ResumeFile(dir, fixture.torrent.infoHashHex).path, 'd7:versioni1ee');
    const second = await openOnDisk(fixture, dir);
    expect([...second.verifiedPieces()]).toEqual([2, 3]);
    await second.close();
  });

  test('waits for its check turn only when it has pieces to hash, and gives the turn back when done', async () => {
    const fixture = oddLayout(26);
    const dir = path.join(temp, 'turns');
    const events: string[] = [];
    const checkTurn = async (): Promise<() => void> => {
      events.push('turn');
      return () => events.push('released');
    };
    const first = await openOnDisk(fixture, dir, { checkTurn });
    expect(events).toEqual([]); // nothing on disk, nothing to hash
    await download(first, fixture, [0, 1, 2, 3, 4]);
    await first.close();
    const resumed = await openOnDisk(fixture, dir, { checkTurn });
    expect(events).toEqual([]); // the resume data vouches for every piece
    await resumed.close();
    const progress: CheckProgress[] = [];
    const full = await openOnDisk(fixture, dir, { checkTurn, fullCheck: true, onCheckProgress: (p) => progress.push(p) });
    expect(events).toEqual(['turn', 'released']);
    expect(progress.length).toBeGreaterThan(0);
    expect(full.verifiedPieces().count).toBe(5);
    await full.close();
  });

  test('keeps no idle piece buffer after its start-up check or once every piece is verified', async () => {
    const fixture = oddLayout(27);
    const dir = path.join(temp, 'trimmed');
    const first = await openOnDisk(fixture, dir);
    await download(first, fixture, [0, 1, 2]);
    expect(first.heldBytes).toBeGreaterThan(0); // downloading: buffers kept for the next pieces
    await download(first, fixture, [3, 4]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.complete).toBe(true);
    expect(first.heldBytes).toBe(0);
    await first.close();
    const checked = await openOnDisk(fixture, dir, { fullCheck: true });
    expect(checked.verifiedPieces().count).toBe(5);
    expect(checked.heldBytes).toBe(0);
    await checked.close();
  });

  test('fullCheck ignores resume data and finds corruption the stamps cannot see', async () => {
    const fixture = oddLayout(24);
    const dir = path.join(temp, 'full');
    const first = await openOnDisk(fixture, dir);
    await download(first, fixture, [0, 1, 2, 3, 4]);
    await first.close();
    const file = path.join(dir, 'odd', 'd.bin');
    const before = await fs.stat(file);
    const handle = await fs.open(file, 'r+');
    await handle.write(new Uint8Array([0, 0, 0]), 0, 3, 50000);
    await handle.close();
    await fs.utimes(file, before.atime, before.mtime); // the same stamp: resume data would trust it
    const second = await openOnDisk(fixture, dir, { fullCheck: true });
    expect(second.verifiedPieces().has(2)).toBe(false);
    expect(second.verifiedPieces().count).toBe(4);
    await second.close();
  });

  test('recheck() can be aborted, and leaves the verified set as it was', async () => {
    const fixture = oddLayout(25);
    const dir = path.join(temp, 'abort');
    const store = await openOnDisk(fixture, dir);
    await download(store, fixture, [0, 1, 2]);
    const controller = new AbortController();
    const checking = store.recheck({ signal: controller.signal, onProgress: () => controller.abort() });
    await expect(checking).rejects.toMatchObject({ code: 'ABORTED' });
    expect([...store.verifiedPieces()]).toEqual([0, 1, 2]);
    await store.close();
  });

  test('verified straddling pieces of an unwanted file read back across a restart (side file)', async () => {
    const fixture = oddLayout(26);
    const dir = path.join(temp, 'selection');
    const onlyD = [false, false, false, false, true];
    const first = await openOnDisk(fixture, dir, { wanted: onlyD });
    await download(first, fixture, first.missingPieces());
    expect(first.complete).toBe(true);
    await first.close();
    expect(await fs.readdir(path.join(dir, 'odd'))).toEqual(['d.bin']);
    const second = await openOnDisk(fixture, dir, { wanted: onlyD, fullCheck: true });
    expect([...second.verifiedPieces()]).toEqual([1, 2, 3, 4]);
    expect(differsAt(await second.readBlock(1, 0, 32768), fixture.pieceBytes(1))).toBe(-1);
    await second.close();
  });

  test('a save without fsync vouches for its pieces in the same boot of the OS', async () => {
    const fixture = oddLayout(28);
    const dir = path.join(temp, 'unsynced-same-boot');
    const syncs: boolean[] = [];
    const first = await openOnDisk(fixture, dir, { bootId: 'boot-a', syncs });
    await download(first, fixture, [0, 2]);
    await first.saveResume();
    await download(first, fixture, [4]);
    await first.close({ durable: false });
    // One fsync for the durable save, none for the save and close without it.
    expect(syncs).toEqual([true, false, false]);
    const { store: second, progress } = await reopenWatchingCheck(fixture, dir, { bootId: 'boot-a' });
    expect([...second.verifiedPieces()]).toEqual([0, 2, 4]);
    expect(progress).toEqual([]);
    await second.close();
  });

  test('after a reboot the pieces saved without fsync are read and hashed again', async () => {
    const fixture = oddLayout(29);
    const dir = path.join(temp, 'unsynced-reboot');
    const first = await openOnDisk(fixture, dir, { bootId: 'boot-a' });
    await download(first, fixture, [0, 2]);
    await first.saveResume();
    await download(first, fixture, [4]);
    await first.close({ durable: false });
    const { store: second, progress } = await reopenWatchingCheck(fixture, dir, { bootId: 'boot-b' });
    // Pieces 0 and 2 were fsynced before the record vouched for them; piece 4 is checked (and intact).
    expect(progress.at(-1)).toEqual({ checked: 1, total: 1, verified: 1 });
    expect([...second.verifiedPieces()]).toEqual([0, 2, 4]);
    await second.close({ durable: false });
  });

  test('where the OS names no boot, a save asked not to fsync fsyncs anyway', async () => {
    const fixture = oddLayout(30);
    const dir = path.join(temp, 'no-boot-id');
    const syncs: boolean[] = [];
    const first = await openOnDisk(fixture, dir, { bootId: null, syncs });
    await download(first, fixture, [1, 3]);
    await first.saveResume({ durable: false });
    await first.close({ durable: false });
    // The save's flush, then the close's (nothing changed since that durable save, so close saves no record).
    expect(syncs).toEqual([true, true]);
    const { store: second, progress } = await reopenWatchingCheck(fixture, dir, { bootId: 'boot-b' });
    expect([...second.verifiedPieces()]).toEqual([1, 3]);
    expect(progress).toEqual([]);
    await second.close();
  });

  test('pieces trusted from an unsynced record are fsynced, file by file, before a save calls them durable', async () => {
    const fixture = oddLayout(31);
    const dir = path.join(temp, 'sync-trusted');
    const first = await openOnDisk(fixture, dir, { bootId: 'boot-a' });
    await download(first, fixture, [0, 2]);
    await first.close({ durable: false });
    const synced: string[] = [];
    const second = await openOnDisk(fixture, dir, { bootId: 'boot-a', fileSystem: fsyncRecorder(synced) });
    expect([...second.verifiedPieces()]).toEqual([0, 2]);
    await second.saveResume();
    // Nothing was written in this process, yet every file holding those pieces was fsynced.
    expect(new Set(synced)).toEqual(new Set(['a.bin', 'zero.bin', 'b.bin', 'c.bin', 'd.bin']));
    synced.length = 0;
    await second.saveResume();
    expect(synced).toEqual([]);
    await second.close({ durable: false });
    const record = decodeResume((await new ResumeFile(dir, fixture.torrent.infoHashHex).load()) ?? new Uint8Array(), { infoHash: fixture.torrent.infoHash, pieceCount: 5, fileCount: 5 });
    expect(record.ok && [...record.data.durable]).toEqual([0, 2]);
  });

  test('after a failed fsync nothing more is called durable, and the next start checks what is not', async () => {
    const fixture = oddLayout(32);
    const dir = path.join(temp, 'fsync-failed');
    const synced: string[] = [];
    const store = await openOnDisk(fixture, dir, { bootId: 'boot-a', fileSystem: fsyncRecorder(synced, 1) });
    await download(store, fixture, [2]);
    await expect(store.saveResume()).rejects.toMatchObject({ code: 'IO' });
    await download(store, fixture, [3]);
    // This fsync succeeds, as a retry does on Linux after a lost writeback: it proves nothing.
    expect(await store.saveResume()).toBe(true);
    expect(synced).toContain('d.bin');
    await store.close({ durable: false });
    const { store: again, progress } = await reopenWatchingCheck(fixture, dir, { bootId: 'boot-a' });
    // Pieces 2 and 3 were not vouched for: read and hashed again (and intact here).
    expect(progress.at(-1)).toEqual({ checked: 2, total: 2, verified: 2 });
    expect([...again.verifiedPieces()]).toEqual([2, 3]);
    await again.close();
  });
});
