// kill -9 of a downloading client, then a restart: the restarted client finds the pieces it had
// verified (fast resume, or a check of what is on disk), does not fetch them again, and ends with
// every byte right. The client is a child process running the engine from the built dist (`npm test`
// at the root builds every package first); a download rate limit makes the kill land mid-download.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { differences, makeFixture, type Fixture } from '../testing/fixtures.js';
import { writeTorrentFile } from '../testing/swarm-helpers.js';
import { Session } from './session.js';

const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const PIECE = 64 * 1024;

/** The child: downloads from one peer, printing JSON lines (state changes, pieces, done). */
const CHILD = `
import { readFile } from 'node:fs/promises';
const [dist, torrentPath, savePath, seederPort, rate] = process.argv.slice(2);
const { Session } = await import(dist);
const print = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
const session = new Session({ port: 0, host: '127.0.0.1', rateLimits: { download: Number(rate) } });
const torrent = await session.add(await readFile(torrentPath), { savePath, peers: [{ host: '127.0.0.1', port: Number(seederPort) }] });
const snapshot = () => { const p = torrent.progress(); return { verifiedBytes: p.verifiedBytes, downloaded: p.downloaded }; };
torrent.on('state', (status) => print({ event: 'state', state: status.state, ...snapshot() }));
torrent.on('piece', () => print({ event: 'piece', ...snapshot() }));
await torrent.whenDone();
print({ event: 'done', ...snapshot() });
await session.close();
`;

interface ChildEvent {
  readonly event: 'state' | 'piece' | 'done';
  readonly state?: string;
  readonly verifiedBytes: number;
  readonly downloaded: number;
}

let fixture: Fixture;
let seeder: Session;
let torrentPath: string;
let script: string;
const dirs: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(DIST)) {
    throw new Error(`${DIST} is missing: build the engine and its dependencies first (npm test at the root builds every package; or npx nx run @typetorrent/engine:build)`);
  }
  fixture = await makeFixture({ name: 'crash', seed: 17, pieceLength: PIECE, files: [{ path: ['one.bin'], length: 3 * 1024 * 1024 + 4321 }, { path: ['two.bin'], length: 777_777 }] });
  dirs.push(fixture.dir);
  seeder = new Session({ port: 0, host: '127.0.0.1' });
  await (await seeder.add(fixture.torrent, { savePath: fixture.dir })).whenDone();
  torrentPath = await writeTorrentFile(fixture.dir, fixture.metainfo.name, fixture.torrent);
  script = path.join(fixture.dir, 'child.mjs');
  fs.writeFileSync(script, CHILD);
});

afterAll(async () => {
  await seeder.close();
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

function runChild(savePath: string, rate: number, onEvent: (event: ChildEvent, child: ChildProcessWithoutNullStreams) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [script, pathToFileURL(DIST).href, torrentPath, savePath, String(seeder.port), String(rate)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim() !== '') onEvent(JSON.parse(line) as ChildEvent, child);
    }
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stderr })));
}

it('resumes after kill -9 without fetching verified pieces again', async () => {
  const target = await makeTempDir('typetorrent-crash-');
  dirs.push(target);
  const total = fixture.metainfo.totalLength;

  // First run, 1 MiB/s: killed once a third of the data is verified.
  let verifiedAtKill = 0;
  const first = await runChild(target, 1024 * 1024, (event, child) => {
    if (event.event === 'piece' && event.verifiedBytes >= total / 3 && verifiedAtKill === 0) {
      verifiedAtKill = event.verifiedBytes;
      child.kill('SIGKILL');
    }
  });
  expect({ signal: first.signal, stderr: first.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
  expect(verifiedAtKill).toBeLessThan(total);

  // Second run, unlimited: starts from what was verified and fetches only the rest.
  let verifiedAtStart: number | undefined;
  let done: ChildEvent | undefined;
  const second = await runChild(target, 0, (event) => {
    if (event.event === 'state' && event.state === 'downloading') verifiedAtStart ??= event.verifiedBytes;
    if (event.event === 'done') done = event;
  });
  expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
  expect(verifiedAtStart).toBeGreaterThanOrEqual(verifiedAtKill);
  // Only missing pieces are requested; endgame may fetch a few blocks twice.
  expect(done?.downloaded).toBeLessThanOrEqual(total - verifiedAtKill + 4 * 16 * 1024);
  expect(await differences(fixture, target)).toEqual([]);
});
