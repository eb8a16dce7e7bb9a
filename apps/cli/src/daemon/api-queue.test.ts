// The daemon's queue through the API: with --max-active-downloads 1, a second torrent waits
// `queued` with its queue position, and starts when the first is paused. No peers anywhere: the
// torrents only need to be placed, not to download.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { base64, startTestDaemon, waitForTorrent, type TestDaemon } from '../testing/daemon-fixtures.js';
import type { TorrentSummary } from './views.js';

let work = '';
let t: TestDaemon;
const torrents: { bytes: Uint8Array; hash: string }[] = [];

beforeAll(async () => {
  work = await makeTempDir('typetorrent-daemon-queue-');
  for (const name of ['one', 'two']) {
    const file = path.join(work, 'sources', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, deterministicBytes(40_000, name.length));
    const { torrent, metainfo } = await createTorrentFromPath(file, { pieceLength: 16 * 1024 });
    torrents.push({ bytes: torrent, hash: metainfo.infoHashHex });
  }
  t = await startTestDaemon(path.join(work, 'state'), path.join(work, 'downloads'), { activeLimits: { maxActiveDownloads: 1 } });
});

afterAll(async () => {
  await t.daemon.close();
  await removeTempDir(work);
});

it('lists a torrent past --max-active-downloads as queued with its place, and starts it when a slot frees', async () => {
  const [first, second] = [torrents[0]!, torrents[1]!];
  await t.client.request('POST', '/api/v1/torrents', { torrent: base64(first.bytes) });
  await waitForTorrent(t.client, first.hash, (x) => x.state === 'downloading', 'the first torrent to download');
  await t.client.request('POST', '/api/v1/torrents', { torrent: base64(second.bytes) });
  const queued = await waitForTorrent(t.client, second.hash, (x) => x.state === 'queued', 'the second torrent to be queued');
  expect(queued.queuePosition).toBe(1);
  const list = await t.client.request<{ torrents: TorrentSummary[] }>('GET', '/api/v1/torrents');
  expect(list.body.torrents.map((x) => [x.state, x.queuePosition])).toEqual([['downloading', 0], ['queued', 1]]);
  const session = await t.client.request<{ activeLimits: unknown; states: Record<string, number> }>('GET', '/api/v1/session');
  expect(session.body.activeLimits).toEqual({ downloads: 1, seeds: null });
  expect(session.body.states).toEqual({ downloading: 1, queued: 1 });

  await t.client.request('POST', `/api/v1/torrents/${first.hash}/pause`);
  await waitForTorrent(t.client, second.hash, (x) => x.state === 'downloading', 'the second torrent to start');
});

it('moves a torrent in the queue and keeps the order in the list file', async () => {
  const [first, second] = [torrents[0]!, torrents[1]!];
  const moved = await t.client.request<TorrentSummary>('PUT', `/api/v1/torrents/${second.hash}/queue`, { position: 0 });
  expect(moved.status).toBe(200);
  expect(moved.body.queuePosition).toBe(0);
  const list = await t.client.request<{ torrents: TorrentSummary[] }>('GET', '/api/v1/torrents');
  expect(list.body.torrents.map((x) => [x.infoHash, x.queuePosition])).toEqual([[second.hash, 0], [first.hash, 1]]);
  const saved = JSON.parse(fs.readFileSync(path.join(work, 'state', 'daemon.json'), 'utf8')) as { torrents: { infoHash: string }[] };
  expect(saved.torrents.map((x) => x.infoHash)).toEqual([second.hash, first.hash]);
  const bad = await t.client.request<{ error: { field: string } }>('PUT', `/api/v1/torrents/${second.hash}/queue`, { position: -1 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe('position');
});

it('changes the active limits at run time and remembers them', async () => {
  const [first] = [torrents[0]!];
  await t.client.request('POST', `/api/v1/torrents/${first.hash}/resume`);
  await waitForTorrent(t.client, first.hash, (x) => x.state === 'queued', 'the resumed torrent to wait for the one slot');
  const changed = await t.client.request<{ activeLimits: unknown }>('PUT', '/api/v1/session', { activeLimits: { downloads: null } });
  expect(changed.body.activeLimits).toEqual({ downloads: null, seeds: null });
  await waitForTorrent(t.client, first.hash, (x) => x.state === 'downloading', 'the torrent to start once there is no limit');
  const saved = JSON.parse(fs.readFileSync(path.join(work, 'state', 'daemon.json'), 'utf8')) as { settings: { activeLimits: unknown } };
  expect(saved.settings.activeLimits).toEqual({ downloads: null });
});
