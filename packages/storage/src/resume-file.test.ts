import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { nodeFileSystem, type FileSystem } from './file-system.js';
import { MAX_RESUME_BYTES, ResumeFile } from './resume-file.js';

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

  test("placement 'directory' keeps the record directly in a state folder (a link to one is fine), nothing in the data folder", async () => {
    const real = path.join(temp, 'state-real');
    await fs.mkdir(real);
    await fs.symlink(real, path.join(temp, 'state-link'));
    const file = new ResumeFile(path.join(temp, 'state-link'), hex, nodeFileSystem, { placement: 'directory' });
    expect(file.path).toBe(path.join(temp, 'state-link', `${hex}.resume`));
    await file.save(new Uint8Array([1, 2, 3]));
    expect(await fs.readdir(real)).toEqual([`${hex}.resume`]);
    expect(await file.load()).toEqual(new Uint8Array([1, 2, 3]));
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

  test('a save that runs out of space leaves no temporary file behind', async () => {
    const dir = path.join(temp, 'full');
    const fullDisk: FileSystem = {
      ...nodeFileSystem,
      async open(filePath, mode) {
        const opened = await nodeFileSystem.open(filePath, mode);
        const write = async (): Promise<number> => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        };
        return { ...opened, handle: Object.assign(Object.create(opened.handle) as typeof opened.handle, { write, writeSync: undefined, close: opened.handle.close.bind(opened.handle), truncate: opened.handle.truncate.bind(opened.handle) }) };
      },
    };
    const file = new ResumeFile(dir, hex, fullDisk);
    await expect(file.save(new Uint8Array(100))).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(await fs.readdir(path.dirname(file.path))).toEqual([]);
  });

  describe('load reads only a regular file of bounded size, through no link', () => {
    const planted = async (name: string): Promise<ResumeFile> => {
      const file = new ResumeFile(path.join(temp, name), hex);
      await fs.mkdir(path.dirname(file.path), { recursive: true });
      return file;
    };

    test('a record that is a symbolic link is UNSAFE_PATH, and what it points to is not read', async () => {
      const outside = path.join(temp, 'outside-record');
      await fs.writeFile(outside, 'd7:versioni1ee');
      const file = await planted('link-record');
      await fs.symlink(outside, file.path);
      await expect(file.load()).rejects.toMatchObject({ code: 'UNSAFE_PATH', path: file.path });
    });

    test('a state folder that is a symbolic link is UNSAFE_PATH', async () => {
      const outside = path.join(temp, 'outside-state');
      await fs.mkdir(outside);
      await fs.writeFile(path.join(outside, `${hex}.resume`), 'd7:versioni1ee');
      await fs.mkdir(path.join(temp, 'link-state'));
      await fs.symlink(outside, path.join(temp, 'link-state', '.typetorrent'));
      await expect(new ResumeFile(path.join(temp, 'link-state'), hex).load()).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    });

    test('a FIFO is NOT_A_FILE at once (reading one would wait for a writer for ever)', async () => {
      const file = await planted('fifo-record');
      expect(spawnSync('mkfifo', [file.path]).status).toBe(0);
      await expect(file.load()).rejects.toMatchObject({ code: 'NOT_A_FILE', path: file.path });
    });

    test('a record over MAX_RESUME_BYTES is not read: no record (the data gets checked, the next save replaces it)', async () => {
      const file = await planted('huge-record');
      await fs.writeFile(file.path, '');
      await fs.truncate(file.path, MAX_RESUME_BYTES + 1); // sparse: costs no disk space
      expect(await file.load()).toBeUndefined();
    });
  });
});
