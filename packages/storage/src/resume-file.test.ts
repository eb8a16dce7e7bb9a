import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { nodeFileSystem, type FileSystem } from './file-system.js';
import { ResumeFile } from './resume-file.js';

let temp: string;
beforeAll(async () => {
  temp = await makeTempDir('storage-resume-file-');
});
afterAll(async () => {
  await removeTempDir(temp);
});

const hex = 'ab'.repeat(20);

describe('ResumeFile', () => {
  test('lives at <dir>/.typetorrent/<infohash>.resume; load is undefined before the first save', async () => {
    const file = new ResumeFile(path.join(temp, 'a'), hex);
    expect(file.path).toBe(path.join(temp, 'a', '.typetorrent', `${hex}.resume`));
    expect(await file.load()).toBeUndefined();
  });

  test('save replaces the record as a whole; a shorter record leaves no old tail', async () => {
    const file = new ResumeFile(path.join(temp, 'b'), hex);
    await file.save(new Uint8Array(100).fill(1));
    await file.save(new Uint8Array([2, 2, 2]));
    expect(await file.load()).toEqual(new Uint8Array([2, 2, 2]));
    expect(await fs.readdir(path.join(temp, 'b', '.typetorrent'))).toEqual([`${hex}.resume`]);
  });

  test('a save that fails before the rename leaves the previous record intact', async () => {
    const dir = path.join(temp, 'c');
    await new ResumeFile(dir, hex).save(new Uint8Array([7, 7]));
    const failingRename: FileSystem = {
      ...nodeFileSystem,
      rename: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    };
    const file = new ResumeFile(dir, hex, failingRename);
    await expect(file.save(new Uint8Array([9]))).rejects.toMatchObject({ code: 'DISK_FULL', path: file.path });
    expect(await file.load()).toEqual(new Uint8Array([7, 7]));
  });
});
