// The torrent endpoints against a daemon on 127.0.0.1 and a seeding session: add, stream while it
// downloads, download to the end, files, peers, trackers, session, pause/resume, remove.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { base64, startSeeder, startTestDaemon, waitForTorrent, type Seeder, type TestDaemon } from '../testing/daemon-fixtures.js';
import type { FileView, TorrentSummary } from './views.js';

let work = '';
let seeder: Seeder;
let t: TestDaemon;
let hash = '';

beforeAll(async () => {
  work = await makeTempDir('typetorrent-daemon-api-');
  seeder = await startSeeder(work, 'album', { 'a.bin': 300_001, 'sub/b.mp4': 1_000_000 });
  hash = seeder.metainfo.infoHashHex;
  t = await startTestDaemon(path.join(work, 'state'), path.join(work, 'downloads'));
});

afterAll(async () => {
  await t.daemon.close();
  await seeder.close();
  await removeTempDir(work);
});

async function files(): Promise<FileView[]> {
  return (await t.client.request<{ files: FileView[] }>('GET', `/api/v1/torrents/${hash}/files`)).body.files;
}

describe('a torrent through the API', () => {
  it('is added paused from base64 and listed with 201 and its info-hash', async () => {
    const added = await t.client.request<{ infoHash: string; torrent: TorrentSummary }>('POST', '/api/v1/torrents', { torrent: base64(seeder.torrent), paused: true, peers: [seeder.peer] });
    expect(added.status).toBe(201);
    expect(added.body.infoHash).toBe(hash);
    expect(added.body.torrent).toMatchObject({ name: 'album', state: 'paused', paused: true, totalBytes: 1_300_001, hasMetadata: true });
    const list = await t.client.request<{ torrents: TorrentSummary[] }>('GET', '/api/v1/torrents');
    expect(list.body.torrents.map((x) => x.infoHash)).toEqual([hash]);
    expect((await t.client.request('GET', `/api/v1/torrents/${hash.toUpperCase()}`)).status).toBe(200);
  });

  it('lists its files with priorities and stream URLs, and its (no) trackers', async () => {
    expect((await files()).map((f) => [f.index, f.path, f.length, f.priority])).toEqual([
      [0, 'a.bin', 300_001, 4],
      [1, 'sub/b.mp4', 1_000_000, 4],
    ]);
    expect((await t.client.request('GET', `/api/v1/torrents/${hash}/trackers`)).body).toEqual({ trackers: [] });
  });

  it('answers a Range request of a file not downloaded yet once the pieces arrive, then finishes', async () => {
    const file = (await files())[1]!;
    // Headers come at once; the body waits for the pieces while the torrent is still paused.
    const response = await fetch(new URL(file.url, t.daemon.url), { headers: { range: 'bytes=500000-500099' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 500000-500099/1000000');
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    const body = response.arrayBuffer();
    // Streaming asks the engine for the range first; it changes no saved priority.
    expect((await files())[1]!.priority).toBe(4);
    const resumed = await t.client.request<TorrentSummary>('POST', `/api/v1/torrents/${hash}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.paused).toBe(false);
    expect(new Uint8Array(await body)).toEqual(seeder.files.get('sub/b.mp4')!.subarray(500_000, 500_100));
    const done = await waitForTorrent(t.client, hash, (x) => x.done && x.state === 'seeding', 'the download to finish');
    expect(done).toMatchObject({ progress: 1, leftBytes: 0, state: 'seeding', sequential: false });
    for (const [rel, bytes] of seeder.files) expect(new Uint8Array(fs.readFileSync(path.join(work, 'downloads', 'album', rel)))).toEqual(bytes);
  });

  it('serves the first, a middle and the last byte, the whole file, and 416 past the end', async () => {
    const file = (await files())[0]!;
    const bytes = seeder.files.get('a.bin')!;
    for (const [range, start, end] of [['bytes=0-0', 0, 0], ['bytes=150000-150000', 150_000, 150_000], ['bytes=-1', 300_000, 300_000], ['bytes=299990-', 299_990, 300_000]] as const) {
      const r = await fetch(new URL(file.url, t.daemon.url), { headers: { range } });
      expect(r.status).toBe(206);
      expect(r.headers.get('content-range')).toBe(`bytes ${start}-${end}/300001`);
      expect(new Uint8Array(await r.arrayBuffer())).toEqual(bytes.subarray(start, end + 1));
    }
    const whole = await fetch(new URL(file.url, t.daemon.url));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/octet-stream');
    expect(whole.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const past = await fetch(new URL(file.url, t.daemon.url), { headers: { range: 'bytes=300001-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */300001');
    await past.arrayBuffer();
  });

  it('keeps a file key to its own file, and the bearer token opens any', async () => {
    const [first, second] = await files();
    const key = new URL(first!.url, t.daemon.url).searchParams.get('key');
    const wrong = await fetch(new URL(`${second!.url.split('?')[0]}?key=${key}`, t.daemon.url));
    expect(wrong.status).toBe(401);
    await wrong.arrayBuffer();
    const viaToken = await t.client.request('GET', `/api/v1/torrents/${hash}/files/0`, undefined, { headers: { range: 'bytes=0-9' } });
    expect(viaToken.status).toBe(206);
    expect((await t.client.request('GET', `/api/v1/torrents/${hash}/files/2`)).status).toBe(404);
  });

  it('shows its peers and the session', async () => {
    const peers = await t.client.request<{ peers: { address: string; direction: string }[] }>('GET', `/api/v1/torrents/${hash}/peers`);
    expect(peers.status).toBe(200);
    expect(Array.isArray(peers.body.peers)).toBe(true);
    const session = await t.client.request<{ torrents: number; states: Record<string, number>; limits: object }>('GET', '/api/v1/session');
    expect(session.body).toMatchObject({ torrents: 1, states: { seeding: 1 }, limits: { download: 0, upload: 0 } });
    const limited = await t.client.request('PUT', '/api/v1/session', { limits: { download: 2_000_000 } });
    expect(limited.body).toMatchObject({ limits: { download: 2_000_000, upload: 0 } });
  });

  it('sets file priorities (one per file)', async () => {
    const set = await t.client.request<{ files: FileView[] }>('PUT', `/api/v1/torrents/${hash}/files`, { priorities: [1, 7] });
    expect(set.status).toBe(200);
    expect(set.body.files.map((f) => f.priority)).toEqual([1, 7]);
    const wrongCount = await t.client.request<{ error: { field: string } }>('PUT', `/api/v1/torrents/${hash}/files`, { priorities: [1] });
    expect(wrongCount.status).toBe(400);
    expect(wrongCount.body.error.field).toBe('priorities');
  });

  it('pauses and resumes', async () => {
    const paused = await t.client.request<TorrentSummary>('POST', `/api/v1/torrents/${hash}/pause`);
    expect(paused.body).toMatchObject({ state: 'paused', paused: true });
    expect((await t.client.request<TorrentSummary>('GET', `/api/v1/torrents/${hash}`)).body.state).toBe('paused');
    await t.client.request('POST', `/api/v1/torrents/${hash}/resume`);
    const back = await waitForTorrent(t.client, hash, (x) => x.state === 'seeding', 'seeding again');
    expect(back.paused).toBe(false);
  });

  it('rechecks the data on request, and refuses to while paused', async () => {
    const controller = new AbortController();
    const events = t.client.events(controller.signal);
    const states: string[] = [];
    try {
      expect((await events.next()).value).toMatchObject({ event: 'hello' });
      expect((await t.client.request('POST', `/api/v1/torrents/${hash}/recheck`)).status).toBe(200);
      for await (const { event, data } of events) {
        if (event !== 'state') continue;
        const { state, torrent } = data as { state: string; torrent: TorrentSummary };
        states.push(state);
        if (state === 'seeding' && torrent.done) break;
      }
    } finally {
      controller.abort();
    }
    // Stopped, checked from scratch, seeding again.
    expect(states).toContain('checking');
    expect(states.at(-1)).toBe('seeding');
    expect((await t.client.request<TorrentSummary>('GET', `/api/v1/torrents/${hash}`)).body.verifiedBytes).toBe(1_300_001);
    await t.client.request('POST', `/api/v1/torrents/${hash}/pause`);
    const refused = await t.client.request<{ error: { code: string } }>('POST', `/api/v1/torrents/${hash}/recheck`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    await t.client.request('POST', `/api/v1/torrents/${hash}/resume`);
  });

  it('refuses adding it twice with 409', async () => {
    const again = await t.client.request<{ error: { code: string } }>('POST', '/api/v1/torrents', { torrent: base64(seeder.torrent) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
  });

  it('is removed with its data on DELETE ?deleteData=true, and is then unknown', async () => {
    const removed = await t.client.request('DELETE', `/api/v1/torrents/${hash}?deleteData=true`);
    expect(removed.status).toBe(200);
    expect(fs.existsSync(path.join(work, 'downloads', 'album'))).toBe(false);
    expect(fs.existsSync(path.join(work, 'downloads'))).toBe(true);
    expect(fs.readdirSync(path.join(work, 'state', 'torrents'))).toEqual([]);
    const gone = await t.client.request<{ error: { code: string } }>('GET', `/api/v1/torrents/${hash}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('NOT_FOUND');
    expect((await t.client.request('POST', `/api/v1/torrents/${hash}/pause`)).status).toBe(404);
    expect((await t.client.request('DELETE', `/api/v1/torrents/${hash}`)).status).toBe(404);
  });

  it('added with only some files, fetches a left-out file when it is streamed', async () => {
    const added = await t.client.request<{ torrent: TorrentSummary }>('POST', '/api/v1/torrents', { torrent: base64(seeder.torrent), files: [1], peers: [seeder.peer] });
    expect(added.status).toBe(201);
    expect(added.body.torrent.wantedBytes).toBeLessThan(1_300_001);
    await waitForTorrent(t.client, hash, (x) => x.done, 'the selected file');
    expect((await files()).map((f) => f.priority)).toEqual([0, 4]);
    const r = await fetch(new URL((await files())[0]!.url, t.daemon.url), { headers: { range: 'bytes=1000-1999' } });
    expect(r.status).toBe(206);
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(seeder.files.get('a.bin')!.subarray(1000, 2000));
    // A skipped file must be written to be served: it becomes wanted, at normal priority.
    expect((await files()).map((f) => f.priority)).toEqual([4, 4]);
    expect((await t.client.request('DELETE', `/api/v1/torrents/${hash}?deleteData=true`)).status).toBe(200);
  });
});
