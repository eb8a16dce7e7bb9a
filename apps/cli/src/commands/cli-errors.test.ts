// What a user sees when something is wrong, through the built binary: one line
// `typetorrent: <what>: <problem>` with the hint that helps, and the documented exit code.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTorrent } from '@typetorrent/metainfo';
import { cli, jsonLines, requireBuiltCli, waitFor } from '../testing/cli-process.js';

let work = '';
let server: http.Server;
let base = '';
/** A torrent whose tracker is a closed loopback port, one with no trackers, and the bytes of the first. */
let tracked = '';
let trackerless = '';
let trackedBytes: Uint8Array;

async function torrentFile(file: string, trackers: string[][]): Promise<Uint8Array> {
  const data = new Uint8Array(40_000).fill(9);
  const { torrent } = await createTorrent({ kind: 'file', name: 'data.bin', length: data.length, read: async function* () { yield data; } }, { trackers });
  fs.writeFileSync(file, torrent);
  return torrent;
}

beforeAll(async () => {
  requireBuiltCli();
  // World-readable, so that a check can run as an unprivileged user (below).
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'typetorrent-cli-errors-'));
  fs.chmodSync(work, 0o755);
  tracked = path.join(work, 'tracked.torrent');
  trackerless = path.join(work, 'trackerless.torrent');
  trackedBytes = await torrentFile(tracked, [['http://127.0.0.1:1/announce']]);
  await torrentFile(trackerless, []);
  for (const f of [tracked, trackerless]) fs.chmodSync(f, 0o644);
  server = http.createServer((req, res) => {
    if (req.url === '/x.torrent') res.writeHead(200).end(trackedBytes);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(work, { recursive: true, force: true });
});

test.each([
  [['download', tracked, '--port', '99999'], "typetorrent: --port: '99999' is invalid: a port is a whole number from 0 to 65535"],
  [['download', tracked, '--limit-down', 'fast'], "typetorrent: --limit-down: 'fast' is invalid: a rate is bytes per second, like 500K or 2M (0 for unlimited)"],
  [['download', tracked, '--prot', '1'], 'typetorrent: --prot: unknown option (Did you mean --port?)'],
  [['info'], 'typetorrent: <torrent>: missing (see --help)'],
  [['download', tracked, '-o'], 'typetorrent: --output: needs a value'],
  [['fetch', tracked], 'typetorrent: fetch: unknown command (see typetorrent --help)'],
])('usage error %j is one line in the common form, exit 2', async (args, line) => {
  const run = await cli(args);
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(`${line}\n`);
});

test('a port in use says so and suggests -p 0', async () => {
  const content = path.join(work, 'seed', 'data.bin');
  fs.mkdirSync(path.dirname(content), { recursive: true });
  fs.writeFileSync(content, new Uint8Array(40_000).fill(9));
  const first = cli(['seed', tracked, content, '--port', '0', '--no-announce', '--json']);
  const lines = await waitFor(() => jsonLines(first.stdoutSoFar()), (l) => l.some((x) => x.type === 'listening'), 'the first seed listening');
  const port = Number(lines.find((l) => l.type === 'listening')?.['port']);
  const second = await cli(['seed', tracked, content, '--port', String(port), '--no-announce']);
  first.interrupt();
  await first;
  expect(second.code).toBe(2);
  expect(second.stderr).toBe(`typetorrent: --port: port ${port} is in use (another client running?); use -p 0 or another port\n`);
});

test('-o naming a file is a usage error', async () => {
  const file = path.join(work, 'a-file');
  fs.writeFileSync(file, 'x');
  const run = await cli(['download', tracked, '-o', file, '--port', '0']);
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(`typetorrent: -o: ${file} is a file, not a folder (give the folder to save into)\n`);
});

test('a folder that may not be created is "permission denied", not "no such file"', async () => {
  const readOnly = path.join(work, 'read-only');
  fs.mkdirSync(readOnly, { mode: 0o555 });
  fs.chmodSync(readOnly, 0o555);
  // Root passes permission checks: run as nobody then (uid 65534).
  const run = await cli(['download', tracked, '-o', path.join(readOnly, 'new'), '--port', '0'], process.getuid?.() === 0 ? { asUser: 65534 } : {});
  expect(run.code).toBe(3);
  expect(run.stderr).toBe(`typetorrent: -o: ${path.join(readOnly, 'new')}: permission denied: cannot create this folder\n`);
});

test('a download with no tracker and no --peer says there is no way to find peers', async () => {
  const none = await cli(['download', trackerless, '-o', path.join(work, 'o1'), '--port', '0', '--no-dht']);
  expect(none.code).toBe(2);
  // Said once the data is checked: a rerun over complete data needs no peers.
  expect(none.stderr).toMatch(/\ntypetorrent: data\.bin: no way to find peers: the torrent lists no trackers, no --peer was given and neither DHT nor LSD is on; add --peer host:port\n$/);
  const off = await cli(['download', tracked, '-o', path.join(work, 'o2'), '--port', '0', '--no-announce']);
  expect(off.code).toBe(2);
  expect(off.stderr).toMatch(/no way to find peers: trackers are off \(--no-announce\)/);
  const magnet = await cli(['download', `magnet:?xt=urn:btih:${'ab'.repeat(20)}`, '-o', path.join(work, 'o3'), '--port', '0', '--no-dht']);
  expect(magnet.stderr).toMatch(/^typetorrent: [0-9a-f]{40}: no way to find peers: the magnet link has no tr= trackers/);
});

test('an http URL of a .torrent works where a file does', async () => {
  const run = await cli(['info', `${base}/x.torrent`, '--json']);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ name: 'data.bin', files: [{ index: 0, path: ['data.bin'] }] });
  const missing = await cli(['download', `${base}/gone.torrent?passkey=secret`, '-o', work]);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toBe(`typetorrent: ${base}/gone.torrent?…: the server answered HTTP 404\n`);
});
