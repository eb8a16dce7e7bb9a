// Streaming a whole file while it downloads: the answer starts before the data is there and ends
// with every byte right, pieces sent as they arrive (the seeder is rate-limited, so they trickle).
// A seek ahead has the pieces of its range fetched before the pieces of the file before it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { base64, startSeeder, startTestDaemon, type Seeder, type TestDaemon } from '../testing/daemon-fixtures.js';
import type { FileView, TorrentSummary } from './views.js';

let work = '';
let seeder: Seeder;
let t: TestDaemon;

beforeAll(async () => {
  work = await makeTempDir('typetorrent-daemon-stream-');
  seeder = await startSeeder(work, 'show', { 'episode.mp4': 1_500_000, 'extra.bin': 200_000 });
  seeder.session.setRateLimits({ upload: 600 * 1024 });
  t = await startTestDaemon(path.join(work, 'state'), path.join(work, 'downloads'));
});

afterAll(async () => {
  await t.daemon.close();
  await seeder.close();
  await removeTempDir(work);
});

describe('a seek ahead', () => {
  it('gets the pieces of its range first, and changes no saved priority', async () => {
    const movie = await startSeeder(work, 'movie', { 'film.mp4': 1_200_000 }, 7);
    try {
      const hash = movie.metainfo.infoHashHex;
      const added = await t.client.request('POST', '/api/v1/torrents', { torrent: base64(movie.torrent), peers: [movie.peer], paused: true });
      expect(added.status).toBe(201);
      const verified: number[] = [];
      t.daemon.registry.entry(hash).torrent.on('piece', (piece: number) => verified.push(piece));
      const { body } = await t.client.request<{ files: FileView[] }>('GET', `/api/v1/torrents/${hash}/files`);
      // Byte 1,000,000 of the only file is in piece 30 (32 KiB pieces); the answer's headers come at once.
      const response = await fetch(new URL(body.files[0]!.url, t.daemon.url), { headers: { range: 'bytes=1000000-1000099' } });
      expect(response.status).toBe(206);
      expect((await t.client.request('POST', `/api/v1/torrents/${hash}/resume`)).status).toBe(200);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(movie.files.get('film.mp4')!.subarray(1_000_000, 1_000_100));
      // Only pieces the seeder let us fetch while choking us (BEP 6 allowed-fast, 10 at most) may come
      // before it; the 30 pieces of the file in front of it wait.
      expect(verified.indexOf(30)).toBeGreaterThanOrEqual(0);
      expect(verified.indexOf(30)).toBeLessThanOrEqual(10);
      const after = await t.client.request<TorrentSummary>('GET', `/api/v1/torrents/${hash}`);
      expect(after.body.sequential).toBe(false);
      expect((await t.client.request<{ files: FileView[] }>('GET', `/api/v1/torrents/${hash}/files`)).body.files[0]!.priority).toBe(4);
      expect((await t.client.request('DELETE', `/api/v1/torrents/${hash}?deleteData=true`)).status).toBe(200);
    } finally {
      await movie.close();
    }
  });
});

describe('a file streamed while it downloads', () => {
  it('arrives whole and right, the response started before the download ended', async () => {
    const hash = seeder.metainfo.infoHashHex;
    expect((await t.client.request('POST', '/api/v1/torrents', { torrent: base64(seeder.torrent), peers: [seeder.peer] })).status).toBe(201);
    const { body } = await t.client.request<{ files: FileView[] }>('GET', `/api/v1/torrents/${hash}/files`);
    const file = body.files.find((f) => f.path === 'episode.mp4')!;
    const response = await fetch(new URL(file.url, t.daemon.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('1500000');
    // The headers came while the torrent was still downloading.
    const during = await t.client.request<TorrentSummary>('GET', `/api/v1/torrents/${hash}`);
    expect(during.body.done).toBe(false);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(seeder.files.get('episode.mp4'));
  });
});
