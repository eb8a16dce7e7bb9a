// Streaming a whole file while it downloads: the answer starts before the data is there and ends
// with every byte right, pieces sent as they arrive (the seeder is rate-limited, so they trickle).
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
