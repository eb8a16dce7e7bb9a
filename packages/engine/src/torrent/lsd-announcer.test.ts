// A torrent joins the session's LSD while it is active and hands what LSD finds to its swarm; a
// private torrent (BEP 27) never joins.
import { once } from 'node:events';
import { afterAll, expect, it } from '@jest/globals';
import { createTorrent, parseTorrent } from '@typetorrent/metainfo';
import { removeTempDir } from '@typetorrent/testkit';
import { makeFixture, type Fixture } from '../testing/fixtures.js';
import { testServices } from '../testing/services.js';
import type { LsdService } from './lsd-service.js';
import { Torrent } from './torrent.js';
import type { Endpoint, TorrentStatus } from './types.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

class FakeLsd implements LsdService {
  readonly joined: { infoHash: string; found: (peers: readonly Endpoint[]) => void }[] = [];
  left = 0;
  join(infoHash: Uint8Array, found: (peers: readonly Endpoint[]) => void): () => void {
    this.joined.push({ infoHash: Buffer.from(infoHash).toString('hex'), found });
    return () => this.left++;
  }
}

async function seeding(fixture: Fixture, torrentBytes: Uint8Array, lsd: FakeLsd): Promise<{ torrent: Torrent; services: ReturnType<typeof testServices> }> {
  const services = testServices();
  const torrent = new Torrent(parseTorrent(torrentBytes), { savePath: fixture.dir }, { ...services, lsd });
  const seeded = new Promise<void>((resolve) => torrent.on('state', (status: TorrentStatus) => status.state === 'seeding' && resolve()));
  await torrent.start();
  await seeded;
  return { torrent, services };
}

it('a public torrent joins LSD while active, dials the peers it finds and leaves when it stops', async () => {
  const fixture = await makeFixture({ name: 'lsd-public', seed: 3 });
  dirs.push(fixture.dir);
  const lsd = new FakeLsd();
  const { torrent, services } = await seeding(fixture, fixture.torrent, lsd);
  expect(lsd.joined.map((j) => j.infoHash)).toEqual([fixture.metainfo.infoHashHex]);
  lsd.joined[0]!.found([{ host: '127.0.0.1', port: 40001 }]);
  expect(services.dials.map((d) => `${d.host}:${d.port}`)).toEqual(['127.0.0.1:40001']);
  const stopped = once(torrent, 'state');
  await torrent.stop();
  await stopped;
  expect(lsd.left).toBe(1);
});

it('a private torrent never joins LSD', async () => {
  const fixture = await makeFixture({ name: 'lsd-private', seed: 5 });
  dirs.push(fixture.dir);
  const created = await createTorrent(
    { kind: 'folder', name: 'lsd-private', files: [...fixture.data].map(([file, bytes]) => ({ path: file.split('/'), length: bytes.length, read: async function* () { yield bytes; } })) },
    { pieceLength: 32 * 1024, private: true, trackers: [['http://127.0.0.1:1/announce']] },
  );
  const lsd = new FakeLsd();
  const { torrent } = await seeding(fixture, created.torrent, lsd);
  expect(torrent.progress().verifiedBytes).toBe(fixture.metainfo.totalLength);
  expect(lsd.joined).toEqual([]);
  await torrent.stop();
});
