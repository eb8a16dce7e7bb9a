import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { FileStorage } from './file-storage.js';
import { differsAt, oddLayout } from './test-fixtures.js';

let temp: string;
beforeAll(async () => {
  temp = await makeTempDir('storage-selection-');
});
afterAll(async () => {
  await removeTempDir(temp);
});

// In the odd layout (32 KiB pieces), piece 0 holds a.bin, b.bin and the start of c.bin; piece 1 the
// end of c.bin and the start of d.bin; pieces 2-4 only d.bin. Only d.bin is wanted below.
const onlyD = [false, false, false, false, true];

async function exists(file: string): Promise<boolean> {
  return await fs.stat(file).then(
    () => true,
    () => false,
  );
}

describe('file selection in FileStorage', () => {
  test('unwanted files are not created; their bytes in a straddling piece go to the side file', async () => {
    const fixture = oddLayout();
    const dir = path.join(temp, 'side');
    const storage = await FileStorage.open(fixture.torrent, dir, { wanted: onlyD });
    for (const piece of [1, 2, 3, 4]) await storage.write(piece, 0, fixture.pieceBytes(piece));
    await storage.flush();
    expect(await fs.readdir(path.join(dir, 'odd'))).toEqual(['d.bin']);
    expect(await exists(storage.partsPath)).toBe(true);
    expect(path.dirname(storage.partsPath)).toBe(path.join(dir, '.typetorrent'));
    expect(differsAt(await fs.readFile(path.join(dir, 'odd', 'd.bin')), fixture.fileBytes(4))).toBe(-1);
    // The straddling piece reads back whole, for upload, half from d.bin and half from the side file.
    expect(differsAt(await storage.read(1, 0, new Uint8Array(32768)), fixture.pieceBytes(1))).toBe(-1);
    await storage.close();
  });

  test('a piece in unwanted files only, with no slot, is refused as NOT_WANTED and reads NOT_FOUND', async () => {
    const fixture = oddLayout();
    const storage = await FileStorage.open(fixture.torrent, path.join(temp, 'refused'), { wanted: [true, true, true, true, false] });
    await expect(storage.write(3, 0, fixture.pieceBytes(3))).rejects.toMatchObject({ code: 'NOT_WANTED', piece: 3 });
    await expect(storage.read(3, 0, new Uint8Array(10))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await storage.close();
  });

  test('a file that becomes wanted takes its bytes from the side file when first written', async () => {
    const fixture = oddLayout();
    const dir = path.join(temp, 'later');
    const storage = await FileStorage.open(fixture.torrent, dir, { wanted: onlyD });
    await storage.write(1, 0, fixture.pieceBytes(1)); // c.bin's last byte goes to the side file
    await storage.setWanted([false, false, false, true, true]);
    expect(await exists(path.join(dir, 'odd', 'deep', 'c.bin'))).toBe(false); // created lazily
    await storage.write(0, 0, fixture.pieceBytes(0)); // creates c.bin, which pulls in its last byte
    expect(differsAt(await fs.readFile(path.join(dir, 'odd', 'deep', 'c.bin')), fixture.fileBytes(3))).toBe(-1);
    expect(differsAt(await storage.read(1, 0, new Uint8Array(32768)), fixture.pieceBytes(1))).toBe(-1);
    expect(await exists(path.join(dir, 'odd', 'a.bin'))).toBe(false);
    await storage.close();
  });

  test('where bytes live survives a restart: reopened with another selection, pieces still read back', async () => {
    const fixture = oddLayout();
    const dir = path.join(temp, 'restart');
    const first = await FileStorage.open(fixture.torrent, dir, { wanted: onlyD });
    for (const piece of [1, 2, 3, 4]) await first.write(piece, 0, fixture.pieceBytes(piece));
    await first.close();
    const second = await FileStorage.open(fixture.torrent, dir, { wanted: [true, true, true, true, false] });
    expect(differsAt(await second.read(1, 0, new Uint8Array(32768)), fixture.pieceBytes(1))).toBe(-1);
    expect(differsAt(await second.read(4, 0, new Uint8Array(1697)), fixture.pieceBytes(4))).toBe(-1);
    await second.close();
  });

  test('zero-length files are created only once wanted', async () => {
    const fixture = oddLayout();
    const dir = path.join(temp, 'empty-later');
    const storage = await FileStorage.open(fixture.torrent, dir, { wanted: onlyD });
    await storage.flush();
    expect(await exists(path.join(dir, 'odd', 'empty', 'zero.bin'))).toBe(false);
    await storage.setWanted([false, true, false, false, true]);
    await storage.flush();
    expect((await fs.stat(path.join(dir, 'odd', 'empty', 'zero.bin'))).size).toBe(0);
    await storage.close();
  });
});
