import { afterAll, beforeAll, expect, test } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTorrent } from '@typetorrent/metainfo';
import { loadTorrentInput } from './torrent-input.js';
import { fetchTorrentBytes } from './torrent-url.js';

let server: http.Server;
let base = '';
let torrentBytes: Uint8Array;
let infoHashHex = '';

beforeAll(async () => {
  const data = new Uint8Array(1000).fill(7);
  const created = await createTorrent({ kind: 'file', name: 'x.bin', length: data.length, read: async function* () { yield data; } }, { trackers: [['http://127.0.0.1:1/announce']] });
  torrentBytes = created.torrent;
  infoHashHex = created.metainfo.infoHashHex;
  server = http.createServer((req, res) => {
    if (req.url === '/x.torrent') {
      res.writeHead(200, { 'content-type': 'application/x-bittorrent' }).end(torrentBytes);
    } else if (req.url === '/declared-huge') {
      res.writeHead(200, { 'content-length': String(10_000) }).end(new Uint8Array(10_000));
    } else if (req.url === '/streamed-huge') {
      // No content-length: the cap has to hold while reading.
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write(new Uint8Array(1000));
      res.end();
    } else if (req.url === '/silent') {
      // Never answers: the time limit ends the request.
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('an http URL of a .torrent is fetched and parsed like a file', async () => {
  const input = await loadTorrentInput(`${base}/x.torrent`);
  expect(input.kind === 'torrent' && input.metainfo.infoHashHex).toBe(infoHashHex);
});

test('a reply larger than the cap is refused, whether declared or streamed', async () => {
  await expect(fetchTorrentBytes(`${base}/declared-huge`, { maxBytes: 5000 })).rejects.toThrow(/10000 bytes is more than a \.torrent file can be \(limit 5000\)/);
  await expect(fetchTorrentBytes(`${base}/streamed-huge`, { maxBytes: 5000 })).rejects.toThrow(/more than 5000 bytes: not a \.torrent file/);
});

test('an error status and a server that never answers are one-line bad-input errors without the query', async () => {
  await expect(loadTorrentInput(`${base}/missing?passkey=secret`)).rejects.toMatchObject({ exitCode: 3, message: `${base}/missing?…: the server answered HTTP 404` });
  await expect(fetchTorrentBytes(`${base}/silent`, { timeoutMs: 100 })).rejects.toThrow(/no answer within 0\.1 s/);
});

test('something that is not a torrent says what failed to parse', async () => {
  await expect(loadTorrentInput(`${base}/declared-huge`)).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/declared-huge \(fetched\): /) });
});
