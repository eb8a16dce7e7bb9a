import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Command } from 'commander';
import { createTorrent } from '@typetorrent/metainfo';
import type { Metainfo } from '@typetorrent/metainfo';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { CliError, EXIT_BAD_INPUT } from '../errors.js';
import type { Terminal } from '../terminal.js';
import { registerInfo, runInfo } from './info.js';

function captureTerminal(): Terminal & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), progressStream: undefined };
}

function memoryFile(pathParts: string[], data: Uint8Array) {
  return { path: pathParts, length: data.length, read: async function* () { yield data; } };
}

let dir: string;
let torrentPath: string;
let meta: Metainfo;

beforeAll(async () => {
  dir = await makeTempDir('cli-info-');
  const created = await createTorrent(
    { kind: 'folder', name: 'album', files: [memoryFile(['cd1', 'a.flac'], deterministicBytes(40000, 1)), memoryFile(['notes.txt'], deterministicBytes(10, 2))] },
    { trackers: [['http://a.example/announce', 'http://b.example/announce'], ['udp://c.example:6969']], webSeeds: ['http://seed.example/'], comment: 'test album', createdBy: 'tests', private: true, creationDate: new Date('2024-01-02T03:04:05Z') },
  );
  meta = created.metainfo;
  torrentPath = path.join(dir, 'album.torrent');
  await fs.writeFile(torrentPath, created.torrent);
  await fs.writeFile(path.join(dir, 'broken.torrent'), 'd4:infod4:name2:..12:piece lengthi16384e6:lengthi1e6:pieces20:aaaaaaaaaaaaaaaaaaaaee');
});

afterAll(async () => {
  await removeTempDir(dir);
});

describe('typetorrent info', () => {
  test('prints name, hash, size, pieces, privacy, dates, trackers by tier, web seeds and the file tree', async () => {
    const terminal = captureTerminal();
    await runInfo(torrentPath, {}, terminal);
    const text = terminal.lines.join('\n');
    expect(terminal.lines.slice(0, 6)).toEqual([
      'name:       album',
      `info-hash:  ${meta.infoHashHex}`,
      'version:    v1',
      'size:       39.1 KiB (40,010 bytes) in 2 files',
      'pieces:     3 pieces of 16 KiB (last 7.07 KiB)',
      'private:    yes (BEP 27: trackers only, no DHT, PEX or LSD)',
    ]);
    expect(terminal.lines[6]).toBe('peers from: trackers only (private)');
    expect(text).toContain('created:    2024-01-02T03:04:05.000Z');
    expect(text).toContain('created by: tests');
    expect(text).toContain('comment:    test album');
    expect(text).toContain('  tier 1: http://a.example/announce\n          http://b.example/announce\n  tier 2: udp://c.example:6969');
    expect(text).toContain('web seeds:\n  http://seed.example/');
    expect(text).toContain('  album/\n  ├── cd1/\n  │   └── [0] a.flac  (39.1 KiB)\n  └── [1] notes.txt  (10 B)');
    expect(terminal.lines.at(-1)).toMatch(new RegExp(`^magnet: +magnet:\\?xt=urn:btih:${meta.infoHashHex}&dn=album`));
  });

  test('--json prints the documented shape', async () => {
    const terminal = captureTerminal();
    await runInfo(torrentPath, { json: true }, terminal);
    const json = JSON.parse(terminal.lines.join('\n')) as Record<string, unknown>;
    expect(json).toEqual({
      schema: 1,
      type: 'torrent',
      name: 'album',
      infoHash: meta.infoHashHex,
      infoHashV2: null,
      version: 'v1',
      totalLength: 40010,
      pieceLength: 16384,
      pieceCount: 3,
      private: true,
      peerSources: ['trackers'],
      multiFile: true,
      files: [
        { index: 0, path: ['cd1', 'a.flac'], length: 40000, offset: 0, padding: false },
        { index: 1, path: ['notes.txt'], length: 10, offset: 40000, padding: false },
      ],
      trackers: [['http://a.example/announce', 'http://b.example/announce'], ['udp://c.example:6969']],
      webSeeds: ['http://seed.example/'],
      comment: 'test album',
      createdBy: 'tests',
      creationDate: '2024-01-02T03:04:05.000Z',
      magnet: expect.stringMatching(/^magnet:\?xt=urn:btih:/),
      warnings: [],
    });
  });

  test('a magnet link prints what it carries', async () => {
    const terminal = captureTerminal();
    await runInfo(`magnet:?xt=urn:btih:${meta.infoHashHex}&dn=album&tr=udp%3A%2F%2Ft%3A1&x.pe=127.0.0.1:6881`, {}, terminal);
    expect(terminal.lines).toContain('name:       album');
    expect(terminal.lines).toContain('  127.0.0.1:6881');
    const json = captureTerminal();
    await runInfo(`magnet:?xt=urn:btih:${meta.infoHashHex}`, { json: true }, json);
    expect(JSON.parse(json.lines.join('\n'))).toMatchObject({ schema: 1, type: 'magnet', infoHash: meta.infoHashHex, name: null, trackers: [] });
  });

  test.each([
    ['broken.torrent', 'broken.torrent: info.name: \'..\' is not allowed'],
    ['missing.torrent', 'missing.torrent: no such file or folder'],
    ['.', '.: is a folder, not a .torrent file'],
  ])('%s fails with one line and EXIT_BAD_INPUT', async (file, message) => {
    const error = await runInfo(path.join(dir, file), {}, captureTerminal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: EXIT_BAD_INPUT, message: `${path.join(dir, file)}${message.slice(file.length)}` });
  });

  test('a bad magnet fails with one line and EXIT_BAD_INPUT', async () => {
    await expect(runInfo('magnet:?dn=x', {}, captureTerminal())).rejects.toMatchObject({ exitCode: EXIT_BAD_INPUT, message: 'bad magnet link: xt: no urn:btih info-hash' });
  });

  test('is registered with commander, with --json and examples in its help', async () => {
    const program = new Command('typetorrent').exitOverride();
    registerInfo(program);
    const help = program.commands.find((c) => c.name() === 'info')?.helpInformation() ?? '';
    expect(help).toContain('--json');
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await program.parseAsync(['info', '--json', torrentPath], { from: 'user' });
      expect(JSON.parse(String(write.mock.calls[0]?.[0]))).toMatchObject({ infoHash: meta.infoHashHex });
    } finally {
      write.mockRestore();
    }
  });
});
