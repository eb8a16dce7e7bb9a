// Errors a user can act on, injected through the file-system seam (tests run as root, which the
// kernel lets past permission bits, so a chmod would not produce EACCES here).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { FileStorage } from './file-storage.js';
import { nodeFileSystem, type FileSystem } from './file-system.js';
import { PieceStore } from './piece-store.js';
import { differsAt, oddLayout } from './test-fixtures.js';

let temp: string;
beforeAll(async () => {
  temp = await makeTempDir('storage-io-errors-');
});
afterAll(async () => {
  await removeTempDir(temp);
});

/** Refuses to open `victim` with the given system error code. */
function refusing(victim: string, code: string): FileSystem {
  return {
    ...nodeFileSystem,
    async open(filePath, mode) {
      if (filePath.endsWith(victim)) throw Object.assign(new Error(`${code}: refused, open '${filePath}'`), { code });
      return await nodeFileSystem.open(filePath, mode);
    },
  };
}

describe('errors a user can act on stop the torrent and keep verified data', () => {
  test.each([
    ['EACCES', 'PERMISSION_DENIED'],
    ['EPERM', 'PERMISSION_DENIED'],
    ['EROFS', 'PERMISSION_DENIED'],
    ['EISDIR', 'NOT_A_FILE'],
  ])('%s on a data file becomes %s with the path and piece', async (system, code) => {
    const fixture = oddLayout();
    const dir = path.join(temp, system);
    const store = await PieceStore.open(fixture.torrent, {
      storage: await FileStorage.open(fixture.torrent, dir, { fileSystem: refusing('d.bin', system) }),
    });
    for (const { begin, data } of fixture.blocks(0)) await store.addBlock(0, begin, data, 'p');
    let failure: unknown;
    for (const { begin, data } of fixture.blocks(3)) await store.addBlock(3, begin, data, 'p').catch((error: unknown) => (failure = error));
    expect(failure).toMatchObject({ code, path: path.join(dir, 'odd', 'd.bin'), piece: 3 });
    expect(store.failure).toBe(failure);
    await expect(store.addBlock(2, 0, fixture.blocks(2)[0]!.data, 'p')).rejects.toBe(failure);
    expect(store.has(3)).toBe(false);
    expect(differsAt(await store.readBlock(0, 0, 32768), fixture.pieceBytes(0))).toBe(-1);
    await store.close();
  });
});
