import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { FileStorage } from './file-storage.js';
import { nodeFileSystem, type FileSystem } from './file-system.js';
import { OpenFilePool } from './open-files.js';
import { differsAt, makeFixture, oddLayout, shuffled } from './test-fixtures.js';

let temp: string;
beforeAll(async () => {
  temp = await makeTempDir('storage-files-');
});
afterAll(async () => {
  await removeTempDir(temp);
});

async function writeAll(storage: FileStorage, pieces: readonly number[], pieceBytes: (piece: number) => Uint8Array): Promise<void> {
  for (const piece of pieces) await storage.write(piece, 0, pieceBytes(piece));
}

describe('FileStorage against a source folder', () => {
  test('pieces written in random order rebuild every file byte for byte (1, 0, 16383, 16385, 100000 bytes)', async () => {
    const source = path.join(temp, 'source', 'odd');
    const sizes: [string[], number][] = [
      [['a.bin'], 1],
      [['empty', 'zero.bin'], 0],
      [['deep', 'er', 'b.bin'], 16383],
      [['deep', 'c.bin'], 16385],
      [['d.bin'], 100000],
    ];
    for (const [index, [parts, size]] of sizes.entries()) {
      await fs.mkdir(path.join(source, ...parts.slice(0, -1)), { recursive: true });
      await fs.writeFile(path.join(source, ...parts), deterministicBytes(size, 100 + index));
    }
    const { metainfo } = await createTorrentFromPath(source, { pieceLength: 32768 });
    // The oracle: the source files concatenated in the torrent's file order.
    const content = Buffer.concat(await Promise.all(metainfo.files.map((f) => fs.readFile(path.join(source, ...f.path)))));
    const pieceBytes = (piece: number): Uint8Array =>
      content.subarray(piece * metainfo.pieceLength, piece * metainfo.pieceLength + metainfo.geometry.pieceSize(piece));

    const target = path.join(temp, 'download-odd');
    const storage = await FileStorage.open(metainfo, target);
    await writeAll(storage, shuffled([...Array(metainfo.pieceCount).keys()], 3), pieceBytes);
    await storage.close();

    for (const file of metainfo.files) {
      const written = await fs.readFile(path.join(target, 'odd', ...file.path));
      const original = await fs.readFile(path.join(source, ...file.path));
      expect({ file: file.path.join('/'), equal: written.equals(original) }).toEqual({ file: file.path.join('/'), equal: true });
    }
  });

  test('a single-file torrent is stored as <dir>/<name>', async () => {
    const fixture = makeFixture([{ length: 50000 }], 16384, { name: 'single.iso', multiFile: false });
    const dir = path.join(temp, 'single');
    const storage = await FileStorage.open(fixture.torrent, dir);
    await writeAll(storage, [3, 1, 0, 2], (p) => fixture.pieceBytes(p));
    await storage.close();
    expect(differsAt(await fs.readFile(path.join(dir, 'single.iso')), fixture.content)).toBe(-1);
  });
});

describe('FileStorage layout details', () => {
  test('zero-length files are created empty by the first flush, with no data written', async () => {
    const fixture = oddLayout();
    const dir = path.join(temp, 'zero');
    const storage = await FileStorage.open(fixture.torrent, dir);
    await storage.flush();
    expect((await fs.stat(path.join(dir, 'odd', 'empty', 'zero.bin'))).size).toBe(0);
    expect(await fs.readdir(path.join(dir, 'odd'))).toEqual(['empty']);
    await storage.close();
  });

  test('a flush without sync creates zero-length files but fsyncs nothing; one with sync fsyncs each written file', async () => {
    const fixture = oddLayout();
    const dir = path.join(temp, 'nosync');
    const synced: string[] = [];
    // Records every fsync through the file-system seam.
    const recording: FileSystem = {
      ...nodeFileSystem,
      async open(filePath, mode) {
        const opened = await nodeFileSystem.open(filePath, mode);
        const sync = opened.handle.sync.bind(opened.handle);
        return { ...opened, handle: Object.assign(opened.handle, { sync: async () => { synced.push(path.basename(filePath)); await sync(); } }) };
      },
    };
    const storage = await FileStorage.open(fixture.torrent, dir, { fileSystem: recording });
    await storage.write(4, 0, fixture.pieceBytes(4));
    await storage.flush({ sync: false });
    expect((await fs.stat(path.join(dir, 'odd', 'empty', 'zero.bin'))).size).toBe(0);
    expect(synced).toEqual([]);
    await storage.close({ sync: false });
    expect(synced).toEqual([]);
    const reopened = await FileStorage.open(fixture.torrent, dir, { fileSystem: recording });
    await reopened.write(3, 0, fixture.pieceBytes(3));
    await reopened.close();
    expect(synced).toEqual(['d.bin']);
  });

  test('a file is created at its full size on the first write, sparse (no zeros written)', async () => {
    const fixture = makeFixture([{ length: 64 * 1024 * 1024 }], 4 * 1024 * 1024, { name: 'big' });
    const dir = path.join(temp, 'sparse');
    const storage = await FileStorage.open(fixture.torrent, dir);
    await storage.write(15, 0, new Uint8Array(16384).fill(1));
    await storage.close();
    const stat = await fs.stat(path.join(dir, 'big', 'file-0.bin'));
    expect(stat.size).toBe(64 * 1024 * 1024);
    // 512-byte units: far fewer than the 64 MiB a zero-filled file would occupy.
    expect(stat.blocks * 512).toBeLessThan(8 * 1024 * 1024);
  });

  test('padding files are never written and read back as zeros', async () => {
    const fixture = makeFixture(
      [{ length: 20000, path: ['x.bin'] }, { length: 12768, padding: true, path: ['.pad', '12768'] }, { length: 40000, path: ['y.bin'] }],
      32768,
      { name: 'padded' },
    );
    const dir = path.join(temp, 'padded');
    const storage = await FileStorage.open(fixture.torrent, dir);
    await writeAll(storage, [2, 0, 1], (p) => fixture.pieceBytes(p));
    expect((await fs.readdir(path.join(dir, 'padded'))).sort()).toEqual(['x.bin', 'y.bin']);
    const piece0 = await storage.read(0, 0, new Uint8Array(32768).fill(0xee));
    expect(differsAt(piece0, fixture.pieceBytes(0))).toBe(-1);
    expect(piece0.subarray(20000).every((b) => b === 0)).toBe(true);
    await storage.close();
  });

  test('reads and writes at any offset inside a piece, across file boundaries', async () => {
    const fixture = oddLayout(11);
    const dir = path.join(temp, 'offsets');
    const storage = await FileStorage.open(fixture.torrent, dir);
    // Piece 0 covers a.bin, b.bin and the start of c.bin: write it in three uneven chunks.
    const piece = fixture.pieceBytes(0);
    await storage.write(0, 20000, piece.subarray(20000));
    await storage.write(0, 0, piece.subarray(0, 7));
    await storage.write(0, 7, piece.subarray(7, 20000));
    expect(await storage.read(0, 16380, new Uint8Array(10))).toEqual(piece.subarray(16380, 16390));
    expect(differsAt(await storage.read(0, 0, new Uint8Array(32768)), piece)).toBe(-1);
    await storage.close();
  });

  test('reading what was never written is NOT_FOUND', async () => {
    const fixture = oddLayout();
    const storage = await FileStorage.open(fixture.torrent, path.join(temp, 'unwritten'));
    await expect(storage.read(3, 0, new Uint8Array(100))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await storage.close();
  });

  test('keeps at most maxOpenFiles handles open while writing many files', async () => {
    const files = Array.from({ length: 12 }, (_, i) => ({ length: 5000 + i, path: [`f${i}.bin`] }));
    const fixture = makeFixture(files, 16384, { name: 'many' });
    const dir = path.join(temp, 'many');
    let open = 0;
    let mostOpen = 0;
    // Counts handles through the file-system seam: opened minus closed, at every moment.
    const counting: FileSystem = {
      ...nodeFileSystem,
      async open(filePath, mode) {
        const opened = await nodeFileSystem.open(filePath, mode);
        open++;
        mostOpen = Math.max(mostOpen, open);
        const close = opened.handle.close.bind(opened.handle);
        return { ...opened, handle: Object.assign(opened.handle, { close: async () => { open--; await close(); } }) };
      },
    };
    const storage = await FileStorage.open(fixture.torrent, dir, { maxOpenFiles: 3, fileSystem: counting });
    await writeAll(storage, shuffled([...Array(fixture.torrent.geometry.pieceCount).keys()], 9), (p) => fixture.pieceBytes(p));
    await storage.close();
    // Busy handles are never closed under a write: a piece spanning four files holds four at once.
    expect(mostOpen).toBeLessThanOrEqual(4);
    expect(open).toBe(0);
    for (const [index] of files.entries()) {
      expect(differsAt(await fs.readFile(path.join(dir, 'many', `f${index}.bin`)), fixture.fileBytes(index))).toBe(-1);
    }
  });

  test('storages sharing an OpenFilePool stay under its cap together and reopen files to read them', async () => {
    const files = Array.from({ length: 6 }, (_, i) => ({ length: 3000 + i, path: [`g${i}.bin`] }));
    const first = makeFixture(files, 16384, { name: 'shared-a' });
    const second = makeFixture(files, 16384, { name: 'shared-b' });
    let open = 0;
    let mostOpen = 0;
    const counting: FileSystem = {
      ...nodeFileSystem,
      async open(filePath, mode) {
        const opened = await nodeFileSystem.open(filePath, mode);
        open++;
        mostOpen = Math.max(mostOpen, open);
        const close = opened.handle.close.bind(opened.handle);
        return { ...opened, handle: Object.assign(opened.handle, { close: async () => { open--; await close(); } }) };
      },
    };
    const pool = new OpenFilePool({ capacity: 2, maxIdleReadFiles: 0 });
    const dir = path.join(temp, 'shared');
    const a = await FileStorage.open(first.torrent, dir, { openFilePool: pool, fileSystem: counting });
    const b = await FileStorage.open(second.torrent, dir, { openFilePool: pool, fileSystem: counting });
    // Interleaved, one piece at a time: a piece spans at most 6 files of one torrent.
    for (let piece = 0; piece < first.torrent.geometry.pieceCount; piece++) {
      await a.write(piece, 0, first.pieceBytes(piece));
      await b.write(piece, 0, second.pieceBytes(piece));
    }
    await a.flush();
    await b.flush();
    expect(pool.size).toBeLessThanOrEqual(2);
    await a.close();
    // Reading only (as a seed does): with no idle read handles kept, nothing stays open between reads.
    const seed = await FileStorage.open(first.torrent, dir, { openFilePool: pool, fileSystem: counting });
    await b.close();
    for (let piece = 0; piece < first.torrent.geometry.pieceCount; piece++) {
      const bytes = await seed.read(piece, 0, new Uint8Array(first.torrent.geometry.pieceSize(piece)));
      expect(differsAt(bytes, first.pieceBytes(piece))).toBe(-1);
      await new Promise((resolve) => setImmediate(resolve)); // the close runs after the read settles
      expect(open).toBe(0);
    }
    await seed.close();
    expect(mostOpen).toBeLessThanOrEqual(first.torrent.files.length);
    expect(open).toBe(0);
  });

  test('a failed read returns only after the other segments stop filling the buffer', async () => {
    const fixture = oddLayout();
    const dir = path.join(temp, 'settle');
    const writer = await FileStorage.open(fixture.torrent, dir, { wanted: [false, false, false, false, true] });
    await writer.write(2, 0, fixture.pieceBytes(2));
    await writer.close();
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let sideFileFailed = (): void => undefined;
    const failed = new Promise<void>((resolve) => (sideFileFailed = resolve));
    // Reads of d.bin wait for the gate; piece 1's part of c.bin is in the side file, which is missing.
    const gated: FileSystem = {
      ...nodeFileSystem,
      async open(filePath, mode) {
        if (filePath.endsWith('.parts')) {
          return await nodeFileSystem.open(filePath, mode).catch((error: unknown) => {
            sideFileFailed();
            throw error;
          });
        }
        const opened = await nodeFileSystem.open(filePath, mode);
        const read = opened.handle.read.bind(opened.handle);
        return { ...opened, handle: Object.assign(opened.handle, { read: async (...args: Parameters<typeof read>) => (await gate, read(...args)) }) };
      },
    };
    const reader = await FileStorage.open(fixture.torrent, dir, { wanted: [false, false, false, false, true], fileSystem: gated });
    let settled = false;
    const reading = reader.read(1, 0, new Uint8Array(32768)).finally(() => (settled = true));
    reading.catch(() => undefined);
    await failed;
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release();
    await expect(reading).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await reader.close();
  });

  test('after close every call is CLOSED', async () => {
    const fixture = oddLayout();
    const storage = await FileStorage.open(fixture.torrent, path.join(temp, 'closed'));
    await storage.close();
    await expect(storage.write(0, 0, new Uint8Array(1))).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(storage.read(0, 0, new Uint8Array(1))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  test('an aborted signal stops a write before it touches the disk', async () => {
    const fixture = oddLayout();
    const dir = path.join(temp, 'aborted');
    const storage = await FileStorage.open(fixture.torrent, dir);
    await expect(storage.write(4, 0, fixture.pieceBytes(4), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(fs.stat(path.join(dir, 'odd', 'd.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.close();
  });
});
