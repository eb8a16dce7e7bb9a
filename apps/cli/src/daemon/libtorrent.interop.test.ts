// The built daemon with a real swarm: a python3-libtorrent seeder on 127.0.0.1. A magnet link added
// over the API gets its metadata and data from libtorrent; the file is served with Range; after
// kill -9 the torrent comes back complete from the .torrent the daemon kept, without a download.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { describeWithTools, deterministicBytes, makeLibtorrentTorrent, makeTempDir, removeTempDir, startLibtorrentSeeder, type LibtorrentPeer } from '@typetorrent/testkit';
import { requireBuiltCli } from '../testing/cli-process.js';
import { runDaemon, waitForTorrent } from '../testing/daemon-fixtures.js';
import type { FileView, TorrentSummary } from './views.js';

describeWithTools(['python3-libtorrent'], 'the daemon downloading from a libtorrent seeder', () => {
  let work = '';
  let seeder: LibtorrentPeer;
  let infoHash = '';
  const data = deterministicBytes(3 * 1024 * 1024 + 123, 7);

  beforeAll(async () => {
    requireBuiltCli();
    work = await makeTempDir('typetorrent-daemon-lt-');
    fs.mkdirSync(path.join(work, 'seed'));
    fs.writeFileSync(path.join(work, 'seed', 'film.webm'), data);
    const torrentPath = path.join(work, 'film.torrent');
    infoHash = (await makeLibtorrentTorrent({ sourcePath: path.join(work, 'seed', 'film.webm'), torrentPath, pieceSize: 256 * 1024 })).infoHash;
    seeder = await startLibtorrentSeeder({ torrentPath, savePath: path.join(work, 'seed') });
  }, 90_000);

  afterAll(async () => {
    await seeder?.stop();
    await removeTempDir(work);
  });

  it('adds a magnet over the API, downloads it, serves ranges, and keeps it across kill -9', async () => {
    const stateDir = path.join(work, 'state');
    const downloads = path.join(work, 'downloads');
    const first = await runDaemon(stateDir, downloads);
    try {
      const added = await first.client.request<{ infoHash: string }>('POST', '/api/v1/torrents', { magnet: `magnet:?xt=urn:btih:${infoHash}&dn=film`, peers: [`127.0.0.1:${seeder.port}`] });
      expect(added.status).toBe(201);
      const done = await waitForTorrent(first.client, infoHash, (t) => t.done && t.state === 'seeding', 'the download from libtorrent');
      expect(done).toMatchObject({ name: 'film.webm', totalBytes: data.length, progress: 1 });
      expect(new Uint8Array(fs.readFileSync(path.join(downloads, 'film.webm')))).toEqual(data);
      const { body } = await first.client.request<{ files: FileView[] }>('GET', `/api/v1/torrents/${infoHash}/files`);
      const url = new URL(body.files[0]!.url, first.client.baseUrl);
      for (const [start, end] of [[0, 0], [1_500_000, 1_500_099], [data.length - 1, data.length - 1]] as const) {
        const r = await fetch(url, { headers: { range: `bytes=${start}-${end}` } });
        expect(r.status).toBe(206);
        expect(r.headers.get('content-type')).toBe('video/webm');
        expect(new Uint8Array(await r.arrayBuffer())).toEqual(data.subarray(start, end + 1));
      }
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    // The metadata fetched from libtorrent was kept as a .torrent.
    expect(fs.existsSync(path.join(stateDir, 'torrents', `${infoHash}.torrent`))).toBe(true);
    const second = await runDaemon(stateDir, downloads);
    try {
      const back = await waitForTorrent(second.client, infoHash, (t) => t.done && t.state === 'seeding', 'the check after kill -9');
      expect(back).toMatchObject({ hasMetadata: true, downloaded: 0, progress: 1 });
      const list = await second.client.request<{ torrents: TorrentSummary[] }>('GET', '/api/v1/torrents');
      expect(list.body.torrents.map((t) => t.infoHash)).toEqual([infoHash]);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 90_000);
});
