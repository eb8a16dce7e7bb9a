import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { FileStorage } from './file-storage.js';
import { nodeFileSystem } from './file-system.js';
import { STATE_FOLDER, ensureParentFolders, resolveInside } from './safe-path.js';
import { makeFixture } from './test-fixtures.js';

let temp: string;
beforeAll(async () => {
  temp = await makeTempDir('storage-paths-');
});
afterAll(async () => {
  await removeTempDir(temp);
});

describe('resolveInside', () => {
  test('joins safe components below the root', () => {
    expect(resolveInside('/data', ['t', 'a b', 'c.txt'])).toBe('/data/t/a b/c.txt');
  });

  test.each([[['..', 'x']], [['a', '..', '..', 'x']], [['/etc', 'passwd']], [['']], [['.']], [['a/b']], [['a\\b']], [['a\0']], [[]]])(
    'refuses %j as UNSAFE_PATH',
    (components) => {
      expect(() => resolveInside('/data', components)).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
    },
  );
});

describe('symbolic links and odd entries in the download folder', () => {
  test('a folder that is a symbolic link leading outside is refused, and nothing is written outside', async () => {
    const outside = path.join(temp, 'outside');
    const dir = path.join(temp, 'linked-folder');
    await fs.mkdir(outside, { recursive: true });
    await fs.mkdir(path.join(dir, 'lnk'), { recursive: true });
    await fs.symlink(outside, path.join(dir, 'lnk', 'sub'));
    const fixture = makeFixture([{ length: 100, path: ['sub', 'x.bin'] }], 16384, { name: 'lnk' });
    const storage = await FileStorage.open(fixture.torrent, dir);
    await expect(storage.write(0, 0, fixture.pieceBytes(0))).rejects.toMatchObject({
      code: 'UNSAFE_PATH',
      path: path.join(dir, 'lnk', 'sub'),
    });
    expect(await fs.readdir(outside)).toEqual([]);
    await storage.close();
  });

  test('a file that already exists behind a linked folder is neither written nor read', async () => {
    // open() finds the file (lstat follows the folder link), so writes would skip folder creation:
    // the folder check must still run before the file is used.
    const outside = path.join(temp, 'outside-existing');
    const dir = path.join(temp, 'linked-folder-existing');
    await fs.mkdir(outside, { recursive: true });
    await fs.writeFile(path.join(outside, 'x.bin'), 'keep me');
    await fs.mkdir(path.join(dir, 'lnk'), { recursive: true });
    await fs.symlink(outside, path.join(dir, 'lnk', 'sub'));
    const fixture = makeFixture([{ length: 100, path: ['sub', 'x.bin'] }], 16384, { name: 'lnk' });
    const storage = await FileStorage.open(fixture.torrent, dir);
    await expect(storage.write(0, 0, fixture.pieceBytes(0))).rejects.toMatchObject({
      code: 'UNSAFE_PATH',
      path: path.join(dir, 'lnk', 'sub'),
    });
    await expect(storage.read(0, 0, new Uint8Array(7))).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    expect(await fs.readFile(path.join(outside, 'x.bin'), 'utf8')).toBe('keep me');
    await storage.close();
  });

  test.each<[string, { name: string; multiFile: boolean }]>([
    ['a multi-file torrent named after it', { name: STATE_FOLDER, multiFile: true }],
    ['a single-file torrent named after it', { name: STATE_FOLDER, multiFile: false }],
  ])('the state folder is not a torrent file’s: %s is UNSAFE_PATH', async (_name, options) => {
    // Otherwise a crafted torrent in the same download folder could overwrite another torrent's
    // resume record (say, one vouching for pieces never written) or side file.
    const dir = path.join(temp, `state-folder-${options.multiFile ? 'multi' : 'single'}`);
    const victim = makeFixture([{ length: 10 }], 16384, { name: 'victim' });
    const fixture = makeFixture([{ length: 100, path: [`${victim.torrent.infoHashHex}.resume`] }], 16384, options);
    await expect(FileStorage.open(fixture.torrent, dir)).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    const caseFolded = makeFixture([{ length: 100 }], 16384, { ...options, name: STATE_FOLDER.toUpperCase() });
    await expect(FileStorage.open(caseFolded.torrent, dir)).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
  });

  test('a file that is a symbolic link is not followed (O_NOFOLLOW)', async () => {
    const victim = path.join(temp, 'victim.txt');
    await fs.writeFile(victim, 'keep me');
    const dir = path.join(temp, 'linked-file');
    await fs.mkdir(path.join(dir, 'lf'), { recursive: true });
    await fs.symlink(victim, path.join(dir, 'lf', 'x.bin'));
    const fixture = makeFixture([{ length: 100, path: ['x.bin'] }, { length: 5 }], 16384, { name: 'lf' });
    const storage = await FileStorage.open(fixture.torrent, dir);
    await expect(storage.write(0, 0, fixture.pieceBytes(0))).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    expect(await fs.readFile(victim, 'utf8')).toBe('keep me');
    await storage.close();
  });

  test('a folder where a file belongs is NOT_A_FILE with its path', async () => {
    const dir = path.join(temp, 'became-folder');
    await fs.mkdir(path.join(dir, 'bf', 'x.bin'), { recursive: true });
    const fixture = makeFixture([{ length: 100, path: ['x.bin'] }, { length: 5 }], 16384, { name: 'bf' });
    const storage = await FileStorage.open(fixture.torrent, dir);
    await expect(storage.write(0, 0, fixture.pieceBytes(0))).rejects.toMatchObject({
      code: 'NOT_A_FILE',
      path: path.join(dir, 'bf', 'x.bin'),
    });
    await expect(storage.read(0, 0, new Uint8Array(10))).rejects.toMatchObject({ code: 'NOT_A_FILE' });
    await storage.close();
  });

  test('a file where a folder belongs is NOT_A_FILE', async () => {
    const dir = path.join(temp, 'file-as-folder');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'sub'), 'x');
    await expect(ensureParentFolders(nodeFileSystem, dir, path.join(dir, 'sub', 'f'), new Set())).rejects.toMatchObject({
      code: 'NOT_A_FILE',
      path: path.join(dir, 'sub'),
    });
  });
});
