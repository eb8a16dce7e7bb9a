import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parseTorrent } from '@typetorrent/metainfo';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { CliError, EXIT_BAD_INPUT, EXIT_USAGE } from '../errors.js';
import type { Terminal } from '../terminal.js';
import { runCreate } from './create.js';

function captureTerminal(): Terminal & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), progressStream: undefined };
}

let dir: string;
let share: string;

beforeAll(async () => {
  dir = await makeTempDir('cli-create-');
  share = path.join(dir, 'share');
  await fs.mkdir(path.join(share, 'sub'), { recursive: true });
  await fs.writeFile(path.join(share, 'a.bin'), deterministicBytes(70000, 1));
  await fs.writeFile(path.join(share, 'sub', 'b.txt'), 'hello');
  await fs.writeFile(path.join(dir, 'outside.txt'), 'not shared');
  await fs.symlink(path.join(dir, 'outside.txt'), path.join(share, 'link.txt'));
});

afterAll(async () => {
  await removeTempDir(dir);
});

describe('typetorrent create', () => {
  test('writes the torrent and prints its info-hash and magnet', async () => {
    const out = path.join(dir, 'share.torrent');
    const terminal = captureTerminal();
    await runCreate(share, {
      output: out,
      tracker: ['http://a.example/announce,udp://b.example:6969', 'http://c.example/announce'],
      webSeed: ['https://seed.example/files/'],
      private: true,
      pieceSize: '32K',
      comment: 'made in a test',
    }, terminal);
    const meta = parseTorrent(new Uint8Array(await fs.readFile(out)));
    expect(meta.announce).toEqual([['http://a.example/announce', 'udp://b.example:6969'], ['http://c.example/announce']]);
    expect(meta.urlList).toEqual(['https://seed.example/files/']);
    expect(meta.private).toBe(true);
    expect(meta.pieceLength).toBe(32768);
    expect(meta.comment).toBe('made in a test');
    expect(meta.createdBy).toMatch(/^typetorrent /);
    expect(meta.creationDate).toBeUndefined();
    expect(meta.files.map((f) => f.path.join('/'))).toEqual(['a.bin', 'sub/b.txt']);
    expect(terminal.lines).toEqual([
      `created ${out}`,
      'name:       share',
      'size:       68.4 KiB in 2 files, 3 pieces of 32 KiB',
      `info-hash:  ${meta.infoHashHex}`,
      expect.stringMatching(new RegExp(`^magnet: +magnet:\\?xt=urn:btih:${meta.infoHashHex}&dn=share&xl=70005&tr=`)),
    ]);
    expect(terminal.errors).toEqual(['skipped link.txt: symlink outside']);
  });

  test('the same folder and options give the same bytes', async () => {
    const first = path.join(dir, 'one.torrent');
    const second = path.join(dir, 'two.torrent');
    await runCreate(share, { output: first }, captureTerminal());
    await runCreate(share, { output: second }, captureTerminal());
    expect(await fs.readFile(second)).toEqual(await fs.readFile(first));
  });

  test('--date adds a creation date; --name renames; a single file works', async () => {
    const out = path.join(dir, 'single.torrent');
    await runCreate(path.join(share, 'a.bin'), { output: out, date: true, name: 'renamed.bin' }, captureTerminal());
    const meta = parseTorrent(new Uint8Array(await fs.readFile(out)));
    expect(meta.isMultiFile).toBe(false);
    expect(meta.name).toBe('renamed.bin');
    expect(meta.creationDate).toBeInstanceOf(Date);
  });

  test('refuses to overwrite without --force, and overwrites with it', async () => {
    const out = path.join(dir, 'exists.torrent');
    await fs.writeFile(out, 'keep me');
    await expect(runCreate(share, { output: out }, captureTerminal())).rejects.toMatchObject({ exitCode: EXIT_USAGE, message: `${out} already exists (add --force to overwrite it)` });
    expect(await fs.readFile(out, 'utf8')).toBe('keep me');
    await runCreate(share, { output: out, force: true }, captureTerminal());
    expect(parseTorrent(new Uint8Array(await fs.readFile(out))).name).toBe('share');
  });

  test.each([
    [{ pieceSize: '100K' }, '--piece-size: "100K" is not a power of two from 16K to 64M (e.g. 256K, 1M)'],
    [{ pieceSize: '8K' }, '--piece-size: "8K" is not a power of two from 16K to 64M (e.g. 256K, 1M)'],
    [{ tracker: ['not a url'] }, '--tracker: "not a url" is not a http/https/udp/ws/wss URL'],
    [{ tracker: ['ftp://x/'] }, '--tracker: "ftp://x/" is not a http/https/udp/ws/wss URL'],
    [{ webSeed: ['udp://x:1'] }, '--web-seed: "udp://x:1" is not a http/https URL'],
  ])('bad options fail before hashing: %j', async (options, message) => {
    await expect(runCreate(share, { output: path.join(dir, 'never.torrent'), ...options }, captureTerminal()))
      .rejects.toMatchObject({ exitCode: EXIT_USAGE, message });
  });

  test('refuses to write the torrent inside the folder it describes', async () => {
    const inside = path.join(share, 'share.torrent');
    await expect(runCreate(share, { output: inside }, captureTerminal()))
      .rejects.toMatchObject({ exitCode: EXIT_USAGE, message: `${inside} is inside the folder being shared; use -o to write it elsewhere` });
    // A name that merely starts with two dots is still inside.
    const dotted = path.join(share, '..share.torrent');
    await expect(runCreate(share, { output: dotted }, captureTerminal())).rejects.toMatchObject({ exitCode: EXIT_USAGE });
    await expect(fs.access(dotted)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('a missing path or an empty folder is bad input', async () => {
    const missing = path.join(dir, 'nope');
    await expect(runCreate(missing, { output: path.join(dir, 'x.torrent') }, captureTerminal()))
      .rejects.toMatchObject({ exitCode: EXIT_BAD_INPUT, message: `${missing}: no such file or folder` });
    const empty = path.join(dir, 'empty');
    await fs.mkdir(empty);
    const error = await runCreate(empty, { output: path.join(dir, 'y.torrent') }, captureTerminal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: EXIT_BAD_INPUT, message: `${empty}: files: the folder has no files` });
  });

  test('an abort stops hashing, writes nothing and says so', async () => {
    const out = path.join(dir, 'aborted.torrent');
    await expect(runCreate(share, { output: out }, captureTerminal(), AbortSignal.abort()))
      .rejects.toMatchObject({ exitCode: 130, message: 'interrupted; no torrent written' });
    await expect(fs.access(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
