// Rate limits, shown without timing anything: the limited side runs on a hand-driven clock, so its
// token buckets refill only when the test moves time on. Until then no more than the burst passes.
// Every block of the torrent is a full 16 KiB, so a second's worth of tokens is a whole number of
// blocks whichever pieces the picker chooses (a short last block would leave tokens that buy nothing).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { ManualClock } from '../testing/manual-clock.js';
import { BLOCK_SIZE } from '@typetorrent/metainfo';
import { makeFixture, type Fixture } from '../testing/fixtures.js';
import { waitUntil } from '../testing/swarm-helpers.js';
import type { Torrent } from '../torrent/torrent.js';
import { Session } from './session.js';

const RATE = 64 * 1024;
let fixture: Fixture;
const sessions: Session[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  fixture = await makeFixture({ name: 'limits', seed: 23, files: [{ path: ['whole-blocks.bin'], length: 96 * BLOCK_SIZE }] });
  dirs.push(fixture.dir);
});

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

async function pair(seederOptions: ConstructorParameters<typeof Session>[0], leecherOptions: ConstructorParameters<typeof Session>[0]): Promise<Torrent> {
  const seeder = new Session({ port: 0, host: '127.0.0.1', ...seederOptions });
  sessions.push(seeder);
  const seeding = await seeder.add(fixture.torrent, { savePath: fixture.dir });
  await waitUntil(() => seeding.done, 10_000, () => 'the seeder never finished checking');
  const target = await makeTempDir('typetorrent-limits-');
  dirs.push(target);
  const leecher = new Session({ port: 0, host: '127.0.0.1', ...leecherOptions });
  sessions.push(leecher);
  return await leecher.add(fixture.torrent, { savePath: target, peers: [{ host: '127.0.0.1', port: seeder.port }] });
}

/** What the leecher is doing, for a failure message. */
function status(torrent: Torrent): string {
  return `${torrent.state}, ${torrent.progress().downloaded} bytes, peers ${JSON.stringify(torrent.peers().map((p) => [p.amInterested, p.peerChoking, p.downloaded]))}`;
}

/** Lets real time pass so that anything the limits allow can arrive. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 200));

describe('rate limits', () => {
  it('an upload limit lets one burst through, then one second’s worth per second', async () => {
    const clock = new ManualClock();
    const torrent = await pair({ clock, rateLimits: { upload: RATE } }, {});
    await waitUntil(() => torrent.progress().downloaded >= RATE, 10_000, () => `the first burst never came: ${status(torrent)}`);
    await settle();
    expect(torrent.progress().downloaded).toBe(RATE);
    clock.advance(1000);
    await waitUntil(() => torrent.progress().downloaded >= 2 * RATE, 10_000, () => `nothing after a second: ${status(torrent)}`);
    await settle();
    expect(torrent.progress().downloaded).toBe(2 * RATE);
  });

  it('a download limit stops reading once the budget is spent, and reads on as time passes', async () => {
    const clock = new ManualClock();
    const torrent = await pair({}, { clock, rateLimits: { download: RATE } });
    // Raw bytes are charged (messages, not only blocks), so a little less than the burst is payload.
    await waitUntil(() => torrent.progress().downloaded >= RATE / 2, 10_000, () => `the first burst never came: ${status(torrent)}`);
    await settle();
    // What one read brought in beyond the budget is kept (it is paid for later), but reading stops.
    const held = torrent.progress().downloaded;
    expect(held).toBeLessThan(RATE + 256 * 1024);
    await settle();
    expect(torrent.progress().downloaded).toBe(held);
    for (let second = 0; second < 20 && torrent.progress().downloaded === held; second++) {
      clock.advance(1000);
      await settle();
    }
    expect(torrent.progress().downloaded).toBeGreaterThan(held);
  });
});
