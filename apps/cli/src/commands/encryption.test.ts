// --encryption through the built binary: a seed that requires encryption serves an encrypting
// download and tells its user about a plaintext-only one; a bad policy is a usage error.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { cli, jsonLines, requireBuiltCli, waitFor, type Running } from '../testing/cli-process.js';

let work = '';
let content = '';
let torrentPath = '';
const running: Running[] = [];

beforeAll(async () => {
  requireBuiltCli();
  work = await makeTempDir('typetorrent-cli-mse-');
  content = path.join(work, 'share', 'mse');
  fs.mkdirSync(content, { recursive: true });
  fs.writeFileSync(path.join(content, 'a.bin'), deterministicBytes(200_003, 5));
  const { torrent } = await createTorrentFromPath(content, { pieceLength: 32768 });
  torrentPath = path.join(work, 'mse.torrent');
  fs.writeFileSync(torrentPath, torrent);
});

afterAll(async () => {
  for (const run of running) run.interrupt();
  await Promise.all(running);
  await removeTempDir(work);
});

async function seed(encryption: string): Promise<{ run: Running; port: number }> {
  const run = cli(['seed', torrentPath, content, '--port', '0', '--no-announce', '--no-dht', '--encryption', encryption, '--json'], { timeoutMs: 90_000 });
  running.push(run);
  const lines = await waitFor(() => jsonLines(run.stdoutSoFar()), (l) => l.some((x) => x.type === 'seeding'), 'seeding');
  return { run, port: Number(lines.find((l) => l.type === 'listening')?.['port']) };
}

test('a seed that requires encryption serves a download that requires it too, byte for byte', async () => {
  const { port } = await seed('require');
  const out = path.join(work, 'encrypted');
  const run = await cli(['download', torrentPath, '-o', out, '--port', '0', '--no-announce', '--no-dht', '--peer', `127.0.0.1:${port}`, '--encryption', 'require', '--json'], { timeoutMs: 60_000 });
  expect(run.code).toBe(0);
  expect(Buffer.compare(fs.readFileSync(path.join(out, 'mse', 'a.bin')), fs.readFileSync(path.join(content, 'a.bin')))).toBe(0);
}, 90_000);

test('a seed that requires encryption refuses a plaintext-only download and says why', async () => {
  const { run: seeding, port } = await seed('require');
  const download = cli(['download', torrentPath, '-o', path.join(work, 'refused'), '--port', '0', '--no-announce', '--no-dht', '--peer', `127.0.0.1:${port}`, '--encryption', 'disable', '--json'], { timeoutMs: 60_000 });
  running.push(download);
  const warnings = await waitFor(
    () => jsonLines(seeding.stdoutSoFar()).filter((l) => l.type === 'warning'),
    (w) => w.length > 0,
    'a warning from the seed',
  );
  expect(String(warnings[0]?.['message'])).toMatch(/connected without encryption, and encryption is required/);
}, 90_000);

test('an unknown policy is a usage error', async () => {
  const run = await cli(['download', torrentPath, '--encryption', 'rc4']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--encryption.*expected one of prefer, require, disable/);
});
