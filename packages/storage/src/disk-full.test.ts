// A full disk in the middle of a download: the write fails with DISK_FULL naming the file, the
// torrent stops (every later block is refused with the same error), and the pieces verified before
// stay readable and valid, also after a restart. Run on a real 1 MiB tmpfs when this process may
// mount one (root in CI), and always through a file-system adapter that injects ENOSPC.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { StorageError } from './errors.js';
import { FileStorage } from './file-storage.js';
import { nodeFileSystem, type FileSystem } from './file-system.js';
import { PieceStore } from './piece-store.js';
import { ResumeFile } from './resume-file.js';
import { differsAt, makeFixture } from './test-fixtures.js';

const MiB = 1024 * 1024;

/** Counts bytes written through it and fails with ENOSPC past `limit`, like a disk of that size. */
function quotaFileSystem(limit: number): FileSystem {
  let used = 0;
  return {
    ...nodeFileSystem,
    async open(filePath, mode) {
      const opened = await nodeFileSystem.open(filePath, mode);
      const write = opened.handle.write.bind(opened.handle);
      const writeSync = opened.handle.writeSync?.bind(opened.handle);
      const take = (length: number): void => {
        if (used + length > limit) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        used += length;
      };
      const limited: typeof write = async (buffer, offset, length, position) => {
        take(length);
        return await write(buffer, offset, length, position);
      };
      // Both write paths count against the quota (FileStorage writes synchronously while that is fast).
      const limitedSync = writeSync === undefined ? undefined : (buffer: Uint8Array, offset: number, length: number, position: number): number => {
        take(length);
        return writeSync(buffer, offset, length, position);
      };
      return { ...opened, handle: Object.assign(opened.handle, { write: limited, writeSync: limitedSync }) };
    },
  };
}

/** Mounts a 1 MiB tmpfs when allowed (root with CAP_SYS_ADMIN); undefined elsewhere. */
function mountSmallTmpfs(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'storage-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
  if (mounted.status === 0) return dir;
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}

const tmpfs = mountSmallTmpfs();
let temp: string;

beforeAll(async () => {
  temp = await makeTempDir('storage-full-');
});
afterAll(async () => {
  await removeTempDir(temp);
  if (tmpfs !== undefined) {
    spawnSync('umount', [tmpfs], { stdio: 'ignore' });
    rmSync(tmpfs, { recursive: true, force: true });
  }
});

interface Disk {
  readonly directory: () => string;
  readonly fileSystem: FileSystem;
}

const disks: [string, Disk][] = [['ENOSPC injected after 1 MiB', { directory: () => path.join(temp, 'quota'), fileSystem: quotaFileSystem(MiB) }]];
if (tmpfs !== undefined) disks.push(['a real 1 MiB tmpfs', { directory: () => tmpfs, fileSystem: nodeFileSystem }]);

describe('disk full', () => {
  test.each(disks)('on %s: DISK_FULL with the path, the torrent stops, verified data stays valid', async (_name, disk) => {
    const directory = disk.directory();
    mkdirSync(directory, { recursive: true });
    const fixture = makeFixture([{ length: 2 * MiB }], 64 * 1024, { name: 'big.bin', multiFile: false });
    const { torrent } = fixture;
    const open = async (fileSystem: FileSystem): Promise<PieceStore> =>
      await PieceStore.open(torrent, {
        storage: await FileStorage.open(torrent, directory, { fileSystem }),
        resume: new ResumeFile(directory, torrent.infoHashHex, fileSystem),
        resumeIntervalMs: 0,
      });

    const store = await open(disk.fileSystem);
    const verifiedBefore: number[] = [];
    let saved: number[] = [];
    let failure: unknown;
    for (let piece = 0; piece < torrent.geometry.pieceCount && failure === undefined; piece++) {
      try {
        for (const { begin, data } of fixture.blocks(piece)) await store.addBlock(piece, begin, data, 'seed');
        verifiedBefore.push(piece);
        if (piece % 4 === 3) {
          await store.saveResume();
          saved = [...verifiedBefore];
        }
      } catch (error) {
        failure = error;
      }
    }
    // The data write or the resume save ran out of space, whichever came first on this disk.
    expect(failure).toBeInstanceOf(StorageError);
    expect(failure).toMatchObject({ code: 'DISK_FULL', path: expect.stringContaining(directory) });
    expect(saved.length).toBeGreaterThan(0);
    expect(verifiedBefore.length).toBeLessThan(torrent.geometry.pieceCount);

    // Stopped: blocks are refused with the first error, verified pieces still serve uploads.
    if (store.failure !== undefined) {
      await expect(store.addBlock(31, 0, fixture.blocks(31)[0]!.data, 'seed')).rejects.toBe(store.failure);
    }
    for (const piece of verifiedBefore) {
      expect(differsAt(await store.readBlock(piece, 0, 65536), fixture.pieceBytes(piece))).toBe(-1);
    }
    await store.close().catch((error: unknown) => expect(error).toMatchObject({ code: 'DISK_FULL' }));

    // After a restart nothing is counted verified that is wrong, and nothing saved was lost (pieces
    // verified after the last completed save may be fetched again).
    const reopened = await open(nodeFileSystem);
    const verifiedAfter = [...reopened.verifiedPieces()];
    for (const piece of saved) expect(verifiedAfter).toContain(piece);
    for (const piece of verifiedAfter) expect(differsAt(await reopened.readBlock(piece, 0, 65536), fixture.pieceBytes(piece))).toBe(-1);
    await reopened.close().catch((error: unknown) => expect(error).toMatchObject({ code: 'DISK_FULL' }));
  });
});
