import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { sha1 } from '../test/fixtures.js';
import { createTorrentFromPath, readTorrentFile } from './node.js';

let dir: string;
let share: string;

beforeAll(async () => {
  dir = await makeTempDir('metainfo-node-');
  share = path.join(dir, 'share');
  await fs.mkdir(path.join(share, 'sub', 'deeper'), { recursive: true });
  await fs.writeFile(path.join(share, 'one.bin'), deterministicBytes(50000, 1));
  await fs.writeFile(path.join(share, 'sub', 'two.txt'), 'hello');
  await fs.writeFile(path.join(share, 'sub', 'deeper', 'empty'), '');
  await fs.writeFile(path.join(dir, 'secret.txt'), 'outside the shared folder');
  await fs.symlink(path.join(dir, 'secret.txt'), path.join(share, 'leak.txt'));
  await fs.symlink(path.join(dir), path.join(share, 'leak-dir'));
  await fs.symlink(path.join(share, 'one.bin'), path.join(share, 'alias.bin'));
  await fs.symlink(path.join(share, 'sub'), path.join(share, 'sub', 'deeper', 'loop'));
  await fs.symlink(path.join(dir, 'missing'), path.join(share, 'dangling'));
});

afterAll(async () => {
  await removeTempDir(dir);
});

describe('createTorrentFromPath', () => {
  test('a folder: walks it, follows links inside it, skips links that leave it', async () => {
    const { metainfo, skipped } = await createTorrentFromPath(share, { pieceLength: 16384 });
    expect(metainfo.name).toBe('share');
    expect(metainfo.files.map((f) => f.path.join('/'))).toEqual([
      'alias.bin', 'one.bin', 'sub/deeper/empty', 'sub/two.txt',
    ]);
    expect(skipped.map((s) => [s.path, s.reason]).sort()).toEqual([
      ['dangling', 'dangling-symlink'],
      ['leak-dir', 'symlink-outside'],
      ['leak.txt', 'symlink-outside'],
    ]);
    expect(metainfo.totalLength).toBe(100005);
  });

  test('a link to an entry whose name starts with two dots is inside the folder, not outside', async () => {
    const dotted = path.join(dir, 'dotted');
    await fs.mkdir(path.join(dotted, '..data'), { recursive: true });
    await fs.writeFile(path.join(dotted, '..data', 'payload'), 'kept');
    await fs.symlink(path.join(dotted, '..data', 'payload'), path.join(dotted, 'current'));
    const { metainfo, skipped } = await createTorrentFromPath(dotted, { pieceLength: 16384 });
    expect(skipped).toEqual([]);
    expect(metainfo.files.map((f) => f.path.join('/'))).toEqual(['..data/payload', 'current']);
  });

  test('a single file, with a name override and progress', async () => {
    const progress: number[] = [];
    const { metainfo, torrent } = await createTorrentFromPath(path.join(share, 'one.bin'), {
      name: 'renamed.bin',
      pieceLength: 32768,
      onProgress: (hashed) => progress.push(hashed),
    });
    const data = await fs.readFile(path.join(share, 'one.bin'));
    expect(metainfo.isMultiFile).toBe(false);
    expect(metainfo.name).toBe('renamed.bin');
    expect(metainfo.pieceHash(1)).toEqual(sha1(data.subarray(32768)));
    expect(progress.at(-1)).toBe(50000);
    await fs.writeFile(path.join(dir, 'out.torrent'), torrent);
    const read = await readTorrentFile(path.join(dir, 'out.torrent'));
    expect(read.infoHashHex).toBe(metainfo.infoHashHex);
  });

  test('an aborted signal stops it', async () => {
    await expect(createTorrentFromPath(share, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('readTorrentFile', () => {
  test('refuses files above the size limit before reading them', async () => {
    await expect(readTorrentFile(path.join(share, 'one.bin'), { maxSize: 1000 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  test('reports malformed contents as MetainfoError and missing files as fs errors', async () => {
    await expect(readTorrentFile(path.join(share, 'sub', 'two.txt'))).rejects.toMatchObject({ code: 'NOT_BENCODE' });
    await expect(readTorrentFile(path.join(dir, 'nope.torrent'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
