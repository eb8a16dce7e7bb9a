// After a restart, graceful or kill -9, every torrent comes back as it was: the list, paused or
// running, file priorities, session limits; downloaded data is checked from resume data, not
// fetched again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { requireBuiltCli } from '../testing/cli-process.js';
import { base64, runDaemon, startSeeder, startTestDaemon, waitForTorrent, type Seeder } from '../testing/daemon-fixtures.js';
import type { DaemonClient } from './api-client.js';
import type { FileView, TorrentSummary } from './views.js';

let work = '';
let seeder: Seeder;
const MAGNET_HASH = 'fedcba9876543210fedcba9876543210fedcba98';

beforeAll(async () => {
  work = await makeTempDir('typetorrent-daemon-restart-');
  seeder = await startSeeder(work, 'album', { 'a.bin': 200_000, 'b.bin': 100_000 });
});

afterAll(async () => {
  await seeder.close();
  await removeTempDir(work);
});

async function list(client: DaemonClient): Promise<Map<string, TorrentSummary>> {
  const { body } = await client.request<{ torrents: TorrentSummary[] }>('GET', '/api/v1/torrents');
  return new Map(body.torrents.map((t) => [t.infoHash, t]));
}

/** Adds the seeder's torrent (downloaded to the end, priorities set, then paused) and a paused magnet. */
async function fill(client: DaemonClient): Promise<void> {
  const hash = seeder.metainfo.infoHashHex;
  expect((await client.request('POST', '/api/v1/torrents', { torrent: base64(seeder.torrent), peers: [seeder.peer] })).status).toBe(201);
  await waitForTorrent(client, hash, (t) => t.done && t.state === 'seeding', 'the download');
  expect((await client.request('PUT', `/api/v1/torrents/${hash}/files`, { priorities: [7, 2] })).status).toBe(200);
  expect((await client.request('POST', `/api/v1/torrents/${hash}/pause`)).status).toBe(200);
  expect((await client.request('POST', '/api/v1/torrents', { magnet: `magnet:?xt=urn:btih:${MAGNET_HASH}&dn=later`, paused: true })).status).toBe(201);
  expect((await client.request('PUT', '/api/v1/session', { limits: { upload: 1_000_000 } })).status).toBe(200);
}

/** What must hold after any restart. */
async function expectRestored(client: DaemonClient): Promise<void> {
  const hash = seeder.metainfo.infoHashHex;
  const torrents = await list(client);
  expect([...torrents.keys()].sort()).toEqual([hash, MAGNET_HASH].sort());
  expect(torrents.get(MAGNET_HASH)).toMatchObject({ state: 'paused', paused: true, name: 'later', hasMetadata: false });
  // Paused, and not opened yet: its progress comes from its resume record.
  expect(torrents.get(hash)).toMatchObject({ state: 'paused', paused: true, progress: 1, verifiedBytes: 300_000, leftBytes: 0 });
  expect((await client.request('POST', `/api/v1/torrents/${hash}/resume`)).status).toBe(200);
  const back = await waitForTorrent(client, hash, (t) => t.done && t.state === 'seeding', 'the check after the restart');
  // Resume data vouched for the pieces: nothing came from peers again.
  expect(back).toMatchObject({ paused: false, progress: 1, downloaded: 0 });
  const { body } = await client.request<{ files: FileView[] }>('GET', `/api/v1/torrents/${hash}/files`);
  expect(body.files.map((f) => f.priority)).toEqual([7, 2]);
  expect((await client.request<{ limits: object }>('GET', '/api/v1/session')).body.limits).toEqual({ download: 0, upload: 1_000_000 });
}

describe('restarting the daemon', () => {
  it('after a graceful stop brings every torrent back as it was', async () => {
    const stateDir = path.join(work, 'graceful', 'state');
    const downloads = path.join(work, 'graceful', 'downloads');
    const first = await startTestDaemon(stateDir, downloads);
    await fill(first.client);
    await first.daemon.close();
    const second = await startTestDaemon(stateDir, downloads);
    try {
      await expectRestored(second.client);
    } finally {
      await second.daemon.close();
    }
  });

  it('keeps a torrent it cannot restore in the list file, says so, and restores the rest', async () => {
    const stateDir = path.join(work, 'broken', 'state');
    const bad = 'ab'.repeat(20);
    fs.mkdirSync(path.join(stateDir, 'torrents'), { recursive: true });
    fs.writeFileSync(path.join(stateDir, 'torrents', `${bad}.torrent`), 'not a torrent');
    fs.writeFileSync(path.join(stateDir, 'torrents', `${seeder.metainfo.infoHashHex}.torrent`), seeder.torrent);
    const records = [bad, seeder.metainfo.infoHashHex].map((infoHash) => ({ infoHash, savePath: path.join(work, 'broken', 'downloads'), paused: true, sequential: false, addedAt: 1 }));
    fs.writeFileSync(path.join(stateDir, 'daemon.json'), JSON.stringify({ version: 1, settings: {}, torrents: records }));
    const warnings: string[] = [];
    const t = await startTestDaemon(stateDir, path.join(work, 'broken', 'downloads'), { log: (line) => warnings.push(line) });
    try {
      expect([...(await list(t.client)).keys()]).toEqual([seeder.metainfo.infoHashHex]);
      expect(warnings.some((w) => w.includes(`${bad}: not restored`))).toBe(true);
      const saved = JSON.parse(fs.readFileSync(path.join(stateDir, 'daemon.json'), 'utf8')) as { torrents: { infoHash: string }[] };
      expect(saved.torrents.map((r) => r.infoHash).sort()).toEqual([bad, seeder.metainfo.infoHashHex].sort());
    } finally {
      await t.daemon.close();
    }
  });

  it('after kill -9 of the built daemon brings every torrent back as it was', async () => {
    requireBuiltCli();
    const stateDir = path.join(work, 'killed', 'state');
    const downloads = path.join(work, 'killed', 'downloads');
    const first = await runDaemon(stateDir, downloads);
    try {
      await fill(first.client);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    // The lock of the killed process is stale, not a reason to refuse.
    expect(fs.existsSync(path.join(stateDir, 'daemon.pid'))).toBe(true);
    const second = await runDaemon(stateDir, downloads);
    try {
      await expectRestored(second.client);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
