// The session's upload slots end to end: one seeding session (on a hand-driven clock) with five
// torrents, each with one interested leecher over a real loopback connection, and two slots. No
// more than two leechers are ever unchoked across the torrents, and over a few rechoke rounds every
// torrent's leecher gets its turn.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { removeTempDir } from '@typetorrent/testkit';
import { makeFixture, type Fixture } from '../testing/fixtures.js';
import { ManualClock } from '../testing/manual-clock.js';
import { RawPeer } from '../testing/raw-peer.js';
import { waitUntil } from '../testing/swarm-helpers.js';
import type { Torrent } from '../torrent/torrent.js';
import { Session } from './session.js';

const TORRENTS = 5;
const SLOTS = 2;
const fixtures: Fixture[] = [];

beforeAll(async () => {
  for (let i = 0; i < TORRENTS; i++) fixtures.push(await makeFixture({ name: `slots${i}`, seed: 40 + i, files: [{ path: ['f.bin'], length: 64 * 1024 }], pieceLength: 32 * 1024 }));
});

afterAll(async () => {
  await Promise.all(fixtures.map(async (fixture) => await removeTempDir(fixture.dir)));
});

function unchoked(torrent: Torrent): number {
  return torrent.peers().filter((peer) => !peer.amChoking && peer.peerInterested).length;
}

it('unchokes at most maxUploadSlots leechers across all torrents, and every torrent with one gets a turn', async () => {
  const clock = new ManualClock();
  const seeder = new Session({ port: 0, host: '127.0.0.1', clock, encryption: 'disable', maxUploadSlots: SLOTS });
  const leechers: RawPeer[] = [];
  try {
    const torrents: Torrent[] = [];
    for (const fixture of fixtures) {
      const torrent = await seeder.add(fixture.torrent, { savePath: fixture.dir, announce: false });
      await waitUntil(() => torrent.done, 10_000, () => `${fixture.metainfo.name} never finished checking`);
      torrents.push(torrent);
    }
    for (const fixture of fixtures) {
      const leecher = await RawPeer.connect(seeder.port, fixture.metainfo.infoHash, fixture.metainfo.pieceCount);
      leechers.push(leecher);
      leecher.send({ type: 'interested' });
    }
    await waitUntil(() => torrents.every((torrent) => torrent.peers().some((peer) => peer.peerInterested)), 10_000, () => 'the leechers never got through');
    // Between rounds the first ones to ask took the free slots.
    expect(torrents.reduce((sum, torrent) => sum + unchoked(torrent), 0)).toBe(SLOTS);
    const turns = torrents.map(unchoked);
    for (let round = 0; round < 4; round++) {
      clock.advance(10_000);
      const now = torrents.map(unchoked);
      expect(now.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(SLOTS);
      now.forEach((count, i) => (turns[i] = (turns[i] ?? 0) + count));
    }
    expect(turns.every((count) => count > 0)).toBe(true);
  } finally {
    for (const leecher of leechers) leecher.close();
    await seeder.close();
  }
}, 30_000);
