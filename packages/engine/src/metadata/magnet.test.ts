// A torrent added from a magnet link: the info dict comes from peers (BEP 9), then the data.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatMagnet, metainfoToMagnet } from '@typetorrent/metainfo';
import { makeTempDir } from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import { differences, type Fixture } from '../testing/fixtures.js';
import { closeTracked, seededFixture } from '../testing/seeded-fixture.js';
import type { PeerEvent, TorrentState } from '../torrent/types.js';

let fixture: Fixture;
let seeder: Session;
const sessions: Session[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  ({ fixture, seeder } = await seededFixture({ name: 'magnet', seed: 77 }, { sessions, dirs }));
});

afterAll(async () => {
  await closeTracked({ sessions, dirs });
});

describe('magnet links', () => {
  it('fetch the metadata from a peer, then download the data', async () => {
    const target = await makeTempDir('typetorrent-magnet-');
    dirs.push(target);
    const session = new Session({ port: 0, host: '127.0.0.1' });
    sessions.push(session);
    const seeding = seeder.get(fixture.metainfo.infoHash);
    let seederConnections = 0;
    seeding?.on('peer', (event) => (seederConnections += event.type === 'connect' ? 1 : 0));
    const uri = formatMagnet({ ...metainfoToMagnet(fixture.metainfo), peers: [`127.0.0.1:${seeder.port}`] });
    const torrent = await session.add(uri, { savePath: target });
    expect(torrent.state).toBe('fetching-metadata');
    expect(torrent.metainfo).toBeUndefined();
    expect(torrent.name).toBe('magnet');
    const states: TorrentState[] = [];
    torrent.on('state', (status) => states.push(status.state));
    const events: string[] = [];
    torrent.on('peer', (event: PeerEvent) => events.push(event.type === 'connect' ? 'connect' : `disconnect: ${event.reason.message}`));
    await torrent.whenDone();
    expect(states).toEqual(['checking', 'downloading', 'seeding']);
    // One connection carried the metadata and the data: it was closed only when both ends were seeds.
    expect(events).toEqual(['connect', 'disconnect: both ends are seeds']);
    expect(seederConnections).toBe(1);
    expect(torrent.metainfo?.infoHashHex).toBe(fixture.metainfo.infoHashHex);
    expect(await differences(fixture, target)).toEqual([]);
  });

  it('can be paused and resumed while fetching the metadata', async () => {
    const target = await makeTempDir('typetorrent-magnet-');
    dirs.push(target);
    const session = new Session({ port: 0, host: '127.0.0.1' });
    sessions.push(session);
    // No peer yet: it waits for metadata.
    const torrent = await session.add(formatMagnet(metainfoToMagnet(fixture.metainfo)), { savePath: target });
    await torrent.pause();
    expect(torrent.state).toBe('paused');
    torrent.addPeer({ host: '127.0.0.1', port: seeder.port });
    await torrent.resume();
    await torrent.whenDone();
    expect(await differences(fixture, target)).toEqual([]);
  });

  it('refuses what is not a magnet link', async () => {
    const session = new Session({ port: 0, host: '127.0.0.1' });
    sessions.push(session);
    await expect(session.add('magnet:?dn=nothing', { savePath: '/tmp' })).rejects.toMatchObject({ code: 'BAD_TORRENT' });
  });
});
