import { describe, expect, test } from '@jest/globals';
import type { FileHandleLike, FileSystem, OpenMode } from './file-system.js';
import { OpenFilePool, ownOpenFiles } from './open-files.js';

/** A file system of empty files that records which paths are open, and every open and close. */
function fakeFileSystem(): { fs: FileSystem; open: Set<string>; log: string[]; failing: Set<string> } {
  const open = new Set<string>();
  const log: string[] = [];
  const failing = new Set<string>();
  const notUsed = async (): Promise<never> => await Promise.reject(new Error('not used'));
  const fs: FileSystem = {
    async open(path: string, mode: OpenMode) {
      await Promise.resolve();
      if (failing.has(path)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      open.add(path);
      log.push(`open ${mode} ${path}`);
      const handle: FileHandleLike = {
        read: async () => ({ bytesRead: 0 }),
        write: async (_b, _o, length) => ({ bytesWritten: length }),
        truncate: async () => undefined,
        sync: async () => undefined,
        close: async () => {
          open.delete(path);
          log.push(`close ${path}`);
        },
      };
      return { handle, info: { kind: 'file', size: 0, mtimeUs: 0 } };
    },
    lstat: notUsed,
    mkdir: notUsed,
    mkdirs: notUsed,
    rename: notUsed,
    syncDirectory: notUsed,
    unlink: notUsed,
    readFile: notUsed,
  };
  return { fs, open, log, failing };
}

const touch = async (): Promise<void> => undefined;

describe('OpenFilePool', () => {
  test('holds at most its capacity across every view, closing the least recently used first', async () => {
    const { fs, open, log } = fakeFileSystem();
    const pool = new OpenFilePool({ capacity: 3 });
    const a = pool.view(fs);
    const b = pool.view(fs);
    await a.use('/a/1', 'write', touch);
    await b.use('/b/1', 'write', touch);
    await a.use('/a/2', 'write', touch);
    await a.use('/a/1', 'write', touch); // /b/1 is now the least recently used
    await b.use('/b/2', 'write', touch);
    await a.closeAll();
    expect(log.filter((line) => line.startsWith('close'))).toEqual(['close /b/1', 'close /a/2', 'close /a/1']);
    expect([...open]).toEqual(['/b/2']);
    expect(pool.size).toBe(1);
    expect(b.size).toBe(1);
  });

  test('closing one view leaves the handles of the others open', async () => {
    const { fs, open } = fakeFileSystem();
    const pool = new OpenFilePool({ capacity: 10 });
    const a = pool.view(fs);
    const b = pool.view(fs);
    await a.use('/same', 'write', touch);
    await b.use('/other', 'write', touch);
    await a.closeAll();
    expect([...open]).toEqual(['/other']);
    expect(a.size).toBe(0);
    await b.closeAll();
    expect(open.size).toBe(0);
  });

  test('two views of one path get handles of their own', async () => {
    const { fs, log } = fakeFileSystem();
    const pool = new OpenFilePool({ capacity: 10 });
    await pool.view(fs).use('/same', 'write', touch);
    await pool.view(fs).use('/same', 'write', touch);
    expect(log).toEqual(['open write /same', 'open write /same']);
  });

  test('keeps only maxIdleReadFiles idle read-only handles, the most recently read', async () => {
    const { fs, open } = fakeFileSystem();
    const pool = new OpenFilePool({ capacity: 100, maxIdleReadFiles: 2 });
    const view = pool.view(fs);
    for (const name of ['/r1', '/r2', '/r3', '/r4']) await view.use(name, 'read', touch);
    await view.use('/w1', 'write', touch);
    await view.use('/w2', 'write', touch);
    // Writable handles do not count: a downloading torrent's files stay open in the LRU.
    expect([...open].sort()).toEqual(['/r3', '/r4', '/w1', '/w2']);
  });

  test('with maxIdleReadFiles 0 a file opened for reading is open only while read', async () => {
    const { fs, open } = fakeFileSystem();
    const pool = new OpenFilePool({ capacity: 100, maxIdleReadFiles: 0 });
    const view = pool.view(fs);
    let openDuringRead = false;
    let releaseFirst = (): void => undefined;
    const firstStarted = view.use('/seed', 'read', async () => {
      openDuringRead = open.has('/seed');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
    });
    // A second read while the first is in flight shares the handle and does not close it.
    await view.use('/seed', 'read', async () => {
      expect(open.has('/seed')).toBe(true);
    });
    expect(open.has('/seed')).toBe(true);
    releaseFirst();
    await firstStarted;
    expect(openDuringRead).toBe(true);
    await Promise.resolve();
    expect(open.has('/seed')).toBe(false);
    expect(pool.size).toBe(0);
  });

  test('never closes a handle under a caller: the pool exceeds its capacity instead', async () => {
    const { fs, open } = fakeFileSystem();
    const pool = new OpenFilePool({ capacity: 1 });
    const view = pool.view(fs);
    let release = (): void => undefined;
    const busy = view.use('/busy', 'write', async () => await new Promise<void>((resolve) => (release = resolve)));
    await view.use('/next', 'write', async () => {
      expect(open.has('/busy')).toBe(true);
    });
    expect(open.has('/busy')).toBe(true);
    release();
    await busy;
    await view.use('/third', 'write', touch);
    expect(open.has('/busy')).toBe(false);
    await view.closeAll();
    expect(open.size).toBe(0);
  });

  test('a failed open is not pooled: the next use tries again', async () => {
    const { fs, failing, log } = fakeFileSystem();
    const view = new OpenFilePool({ capacity: 4 }).view(fs);
    failing.add('/missing');
    await expect(view.use('/missing', 'read', touch)).rejects.toMatchObject({ code: 'NOT_FOUND', path: '/missing' });
    expect(view.size).toBe(0);
    failing.delete('/missing');
    await view.use('/missing', 'read', touch);
    expect(log).toEqual(['open read /missing']);
  });

  test('a write after reads reopens the file writable', async () => {
    const { fs, log } = fakeFileSystem();
    const view = new OpenFilePool({ capacity: 4, maxIdleReadFiles: 4 }).view(fs);
    await view.use('/f', 'read', touch);
    await view.use('/f', 'write', touch);
    await view.use('/f', 'read', touch);
    expect(log).toEqual(['open read /f', 'close /f', 'open write /f']);
  });

  test('refuses a capacity below 1 and a negative idle count', () => {
    expect(() => new OpenFilePool({ capacity: 0 })).toThrow(RangeError);
    expect(() => new OpenFilePool({ maxIdleReadFiles: -1 })).toThrow(RangeError);
  });
});

describe('ownOpenFiles', () => {
  test('keeps idle read handles like any other, up to its capacity', async () => {
    const { fs, open } = fakeFileSystem();
    const view = ownOpenFiles(fs, 3);
    for (const name of ['/1', '/2', '/3', '/4']) await view.use(name, 'read', touch);
    expect([...open].sort()).toEqual(['/2', '/3', '/4']);
  });
});
