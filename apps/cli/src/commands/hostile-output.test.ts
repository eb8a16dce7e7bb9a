// Terminal escape injection (issue 16, defect 2), through the built binary: a torrent's name, a magnet's
// dn and a tracker's failure reason carry ESC sequences, BEL, CR/LF and U+202E; none of it reaches
// stderr or stdout raw, in plain or JSON output, and tracker messages do not show our peer id or key.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTorrent } from '@typetorrent/metainfo';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { RAW_CONTROL, cli, jsonLines, requireBuiltCli, waitFor } from '../testing/cli-process.js';

const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\r\nfake: done\u202egpj.exe';
let work = '';
let tracker: http.Server;
let torrentPath = '';
let brokenTorrentPath = '';
let trackerRequests = 0;

beforeAll(async () => {
  requireBuiltCli();
  work = await makeTempDir('typetorrent-cli-hostile-');
  tracker = http.createServer((req, res) => {
    trackerRequests++;
    if (req.url?.startsWith('/broken/') === true) {
      res.writeHead(500).end();
      return;
    }
    const reason = Buffer.from(HOSTILE);
    res.writeHead(200).end(Buffer.concat([Buffer.from(`d14:failure reason${reason.length}:`), reason, Buffer.from('e')]));
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  const announce = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}/announce`;
  const data = new Uint8Array(20_000).fill(1);
  const { torrent } = await createTorrent({ kind: 'file', name: 'plain.bin', length: data.length, read: async function* () { yield data; } }, { trackers: [[announce]] });
  torrentPath = path.join(work, 'hostile-tracker.torrent');
  fs.writeFileSync(torrentPath, torrent);
  const broken = await createTorrent({ kind: 'file', name: 'plain.bin', length: data.length, read: async function* () { yield data; } }, { trackers: [[announce.replace('/announce', '/broken/announce')]] });
  brokenTorrentPath = path.join(work, 'broken-tracker.torrent');
  fs.writeFileSync(brokenTorrentPath, broken.torrent);
});

afterAll(async () => {
  tracker.closeAllConnections();
  await new Promise((resolve) => tracker.close(resolve));
  await removeTempDir(work);
});

function expectClean(text: string): void {
  expect(text).not.toMatch(RAW_CONTROL);
  expect(text).not.toMatch(/peer_id=|[?&]key=/);
}

test("a tracker's failure reason is printed escaped, without the request's query, in plain and JSON output", async () => {
  const plain = cli(['download', torrentPath, '-o', path.join(work, 'plain'), '--port', '0']);
  const stderr = await waitFor(() => plain.stderrSoFar(), (s) => s.includes('warning'), 'a tracker warning');
  plain.interrupt();
  await plain;
  expectClean(stderr);
  expect(stderr).toContain('\\x1b]0;owned\\x07\\x1b[2J\\x0d\\x0afake: done\\u202egpj.exe');

  const json = cli(['download', torrentPath, '-o', path.join(work, 'json'), '--port', '0', '--json']);
  const lines = await waitFor(() => json.stdoutSoFar(), (s) => jsonLines(s).some((l) => l.type === 'warning'), 'a JSON warning');
  json.interrupt();
  await json;
  expectClean(lines);
  const warning = jsonLines(lines).find((l) => l.type === 'warning');
  expect(String(warning?.['message'])).toContain(HOSTILE);
  expect(trackerRequests).toBeGreaterThan(0);
});

test('a tracker error that quotes the request URL shows it without the query (our peer id and key)', async () => {
  const run = cli(['download', brokenTorrentPath, '-o', path.join(work, 'broken'), '--port', '0']);
  const stderr = await waitFor(() => run.stderrSoFar(), (s) => s.includes('HTTP status 500'), 'an HTTP 500 warning');
  run.interrupt();
  await run;
  expectClean(stderr);
  expect(stderr).toMatch(/warning: tracker http:\/\/127\.0\.0\.1:\d+\/broken\/announce: HTTP status 500 \(http:\/\/127\.0\.0\.1:\d+\/broken\/announce\?…\)/);
});

test("a magnet's dn is escaped in progress lines, and progress shows while the metadata is fetched (no 100%)", async () => {
  const magnet = `magnet:?xt=urn:btih:${'cd'.repeat(20)}&dn=${encodeURIComponent(HOSTILE)}`;
  // A closed loopback port as the only peer: the metadata never comes, which is the state to look at.
  const plain = cli(['download', magnet, '-o', path.join(work, 'm1'), '--port', '0', '--no-announce', '--peer', '127.0.0.1:1']);
  const stderr = await waitFor(() => plain.stderrSoFar(), (s) => s.includes('fetching-metadata'), 'a fetching-metadata line');
  plain.interrupt();
  await plain;
  expectClean(stderr);
  expect(stderr).toContain('\\x1b]0;owned\\x07\\x1b[2J\\x0d\\x0afake: done\\u202egpj.exe: fetching-metadata (the size comes with it) | 0 peers');
  expect(stderr).not.toContain('100.0%');

  const json = cli(['download', magnet, '-o', path.join(work, 'm2'), '--port', '0', '--no-announce', '--peer', '127.0.0.1:1', '--json']);
  const stdout = await waitFor(() => json.stdoutSoFar(), (s) => jsonLines(s).some((l) => l.type === 'progress'), 'a JSON progress line');
  json.interrupt();
  await json;
  expectClean(stdout);
  expect(jsonLines(stdout).find((l) => l.type === 'progress')).toMatchObject({ state: 'fetching-metadata', percent: 0, name: HOSTILE });
});
