// The transfer commands through the built binary, as users and scripts run them: exit codes, JSON
// lines, a seed and a download talking over loopback, and one-line errors for bad input.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { formatMagnet, metainfoToMagnet } from '@typetorrent/metainfo';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { ResumeFile, currentBootId, decodeResume } from '@typetorrent/storage';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { cli as runCli, requireBuiltCli, type Running } from '../testing/cli-process.js';

let work = '';

/** The shared runner, with each run's state (seeds' resume records) in the test's own folder. */
function cli(args: string[], options: { timeoutMs?: number } = {}): Running {
  return runCli(args, { ...options, env: { XDG_STATE_HOME: path.join(work, 'state') } });
}

/** Waits until the process has printed a JSON line of each of these types; returns those lines. */
async function waitForLines(run: Running, types: string[], timeoutMs: number): Promise<Map<string, { type: string; [k: string]: unknown }>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = new Map(jsonLines(run.stdoutSoFar()).map((l) => [l.type, l] as const));
    if (types.every((t) => found.has(t))) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${types.join(' and ')} line; stdout so far: ${run.stdoutSoFar()}`);
}

function jsonLines(stdout: string): { type: string; [k: string]: unknown }[] {
  return stdout.split('\n').filter((l) => l.trim().startsWith('{') && l.trim().endsWith('}')).map((l) => JSON.parse(l) as { type: string });
}

beforeAll(async () => {
  requireBuiltCli();
  work = await makeTempDir('typetorrent-cli-');
});

afterAll(async () => {
  await removeTempDir(work);
});

test('demo seeds and downloads over loopback, and says the files match', async () => {
  const run = await cli(['demo', '--size', '2', '--json'], { timeoutMs: 90_000 });
  expect(run.code).toBe(0);
  const messages = jsonLines(run.stdout).filter((l) => l.type === 'message').map((l) => String(l['message']));
  expect(messages.at(-1)).toMatch(/files match byte for byte/);
  expect(jsonLines(run.stdout).some((l) => l.type === 'done')).toBe(true);
}, 120_000);

test('a download from a `typetorrent seed` over loopback writes the same bytes, a rerun resumes without downloading, and a magnet link works too', async () => {
  const content = path.join(work, 'share', 'album');
  fs.mkdirSync(path.join(content, 'disc2'), { recursive: true });
  fs.writeFileSync(path.join(content, 'a.bin'), deterministicBytes(300_001, 1));
  fs.writeFileSync(path.join(content, 'disc2', 'b.bin'), deterministicBytes(70_000, 2));
  fs.writeFileSync(path.join(content, 'empty'), new Uint8Array(0));
  const { torrent, metainfo } = await createTorrentFromPath(content, { pieceLength: 32768 });
  const torrentPath = path.join(work, 'album.torrent');
  fs.writeFileSync(torrentPath, torrent);

  const seed = cli(['seed', torrentPath, content, '--port', '0', '--no-announce', '--json'], { timeoutMs: 90_000 });
  const lines = await waitForLines(seed, ['listening', 'seeding'], 60_000);
  const port = Number(lines.get('listening')?.['port']);

  const out = path.join(work, 'download');
  const first = await cli(['download', torrentPath, '-o', out, '--port', '0', '--no-announce', '--peer', `127.0.0.1:${port}`, '--json'], { timeoutMs: 90_000 });
  expect(first.code).toBe(0);
  for (const rel of ['a.bin', 'disc2/b.bin', 'empty']) {
    expect(Buffer.compare(fs.readFileSync(path.join(out, 'album', rel)), fs.readFileSync(path.join(content, rel)))).toBe(0);
  }
  const firstDone = jsonLines(first.stdout).find((l) => l.type === 'done');
  expect(firstDone?.['downloaded']).toBeGreaterThanOrEqual(370_001);
  // Finished and not kept seeding: the state says so (not `downloading`).
  expect(firstDone).toMatchObject({ state: 'done', percent: 100, wantedBytes: 370_001, leftBytes: 0 });

  // Everything is verified on disk: a second run has nothing to fetch.
  const second = await cli(['download', torrentPath, '-o', out, '--port', '0', '--no-announce', '--json'], { timeoutMs: 60_000 });
  expect(second.code).toBe(0);
  const secondDone = jsonLines(second.stdout).find((l) => l.type === 'done');
  expect(secondDone?.['downloaded']).toBe(0);
  expect(secondDone?.['verifiedBytes']).toBe(370_001);

  // --files: sizes are the selected files' (a.bin is 300,001 bytes: ten 32 KiB pieces, the last shared with b.bin).
  const partialOut = path.join(work, 'partial');
  const partial = await cli(['download', torrentPath, '-o', partialOut, '--port', '0', '--no-announce', '--peer', `127.0.0.1:${port}`, '--files', '0', '--json'], { timeoutMs: 90_000 });
  expect(partial.code).toBe(0);
  const partialDone = jsonLines(partial.stdout).find((l) => l.type === 'done');
  expect(partialDone).toMatchObject({ state: 'done', percent: 100, totalBytes: 370_001, wantedBytes: 10 * 32768, leftBytes: 0 });

  // The same content from a magnet link: the metadata comes from the seed (BEP 9), then the data.
  const magnetOut = path.join(work, 'from-magnet');
  const magnet = formatMagnet(metainfoToMagnet(metainfo));
  const third = await cli(['download', magnet, '-o', magnetOut, '--port', '0', '--no-announce', '--peer', `127.0.0.1:${port}`, '--json'], { timeoutMs: 90_000 });
  expect(third.code).toBe(0);
  for (const rel of ['a.bin', 'disc2/b.bin']) {
    expect(Buffer.compare(fs.readFileSync(path.join(magnetOut, 'album', rel)), fs.readFileSync(path.join(content, rel)))).toBe(0);
  }

  // --fsync: done only once the data is fsynced, so the resume record calls every piece durable;
  // without it the record vouches for them in this boot of the OS only.
  const expectedRecord = { infoHash: metainfo.infoHash, pieceCount: metainfo.geometry.pieceCount, fileCount: metainfo.files.length };
  const syncedOut = path.join(work, 'fsynced');
  const fourth = await cli(['download', torrentPath, '-o', syncedOut, '--port', '0', '--no-announce', '--peer', `127.0.0.1:${port}`, '--fsync', '--json'], { timeoutMs: 90_000 });
  expect(fourth.code).toBe(0);
  const synced = decodeResume((await new ResumeFile(syncedOut, metainfo.infoHashHex).load()) ?? new Uint8Array(), expectedRecord);
  expect(synced.ok && synced.data.durable.count).toBe(metainfo.geometry.pieceCount);
  const unsynced = decodeResume((await new ResumeFile(out, metainfo.infoHashHex).load()) ?? new Uint8Array(), expectedRecord);
  expect(unsynced.ok && unsynced.data.verified.count).toBe(metainfo.geometry.pieceCount);
  const bootId = await currentBootId();
  expect(unsynced.ok && unsynced.data.bootId).toBe(bootId);
  expect(unsynced.ok && unsynced.data.durable.count).toBe(bootId === undefined ? metainfo.geometry.pieceCount : 0);

  seed.interrupt();
  const seedRun = await seed;
  expect(seedRun.code).toBe(130);
  // The seed kept its resume record in the state folder, not in the user's data folder.
  expect(fs.existsSync(path.join(content, '.typetorrent'))).toBe(false);
  expect(fs.existsSync(path.join(work, '.typetorrent'))).toBe(false);
  expect(fs.existsSync(path.join(work, 'state', 'typetorrent', 'resume', `${metainfo.infoHashHex}.resume`))).toBe(true);
}, 180_000);

test('seed refuses data that does not match the torrent, in one line, with exit code 3', async () => {
  const content = path.join(work, 'mismatch', 'file.bin');
  fs.mkdirSync(path.dirname(content), { recursive: true });
  fs.writeFileSync(content, deterministicBytes(100_000, 3));
  const { torrent } = await createTorrentFromPath(content, { pieceLength: 16384 });
  const torrentPath = path.join(work, 'mismatch.torrent');
  fs.writeFileSync(torrentPath, torrent);
  fs.writeFileSync(content, deterministicBytes(100_000, 4));
  const run = await cli(['seed', torrentPath, content, '--port', '0', '--no-announce']);
  expect(run.code).toBe(3);
  expect(run.stderr).toMatch(/^typetorrent: .*does not match the torrent \(0 of 7 pieces verified\)/m);
  expect(run.stderr).not.toMatch(/\n\s+at /);
});

test('download of a malformed torrent prints one line naming the problem and exits 3', async () => {
  const bad = path.join(work, 'bad.torrent');
  fs.writeFileSync(bad, 'd4:infod6:lengthi5e4:name1:a12:piece lengthi16384e6:pieces7:abcdefgee');
  const run = await cli(['download', bad, '-o', path.join(work, 'nowhere')]);
  expect(run.code).toBe(3);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/pieces/);
});

test('download --files out of range is a usage error naming the file count', async () => {
  const content = path.join(work, 'one', 'x.bin');
  fs.mkdirSync(path.dirname(content), { recursive: true });
  fs.writeFileSync(content, deterministicBytes(1000, 5));
  const { torrent } = await createTorrentFromPath(content);
  const torrentPath = path.join(work, 'one.torrent');
  fs.writeFileSync(torrentPath, torrent);
  const run = await cli(['download', torrentPath, '--files', '3', '-o', path.join(work, 'o'), '--port', '0']);
  expect(run.code).toBe(3);
  expect(run.stderr).toMatch(/has 1 files \(0 to 0\); 3 is not one of them/);
});
