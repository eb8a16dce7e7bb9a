// Torrent.prioritizeRange through the wire: a peer that has everything is asked for the blocks of
// the prioritized bytes first, in order, whether the range was given before the data was open or
// replaced while downloading.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Request, WireMessage } from '@typetorrent/peer-wire';
import { makeTempDir } from '@typetorrent/testkit';
import { EngineError } from '../errors.js';
import { Session } from '../session/session.js';
import { makeFixture, type Fixture } from '../testing/fixtures.js';
import { RawPeer } from '../testing/raw-peer.js';
import { closeTracked } from '../testing/seeded-fixture.js';
import type { Torrent } from './torrent.js';

const sessions: Session[] = [];
const dirs: string[] = [];
const peers: RawPeer[] = [];
let fixture: Fixture;
/** z.bin, the last file: 700,001 bytes from byte 877,781 of the torrent, in 32 KiB pieces. */
const Z = 4;

beforeAll(async () => {
  fixture = await makeFixture({ name: 'range' });
  dirs.push(fixture.dir);
});

afterAll(async () => {
  for (const peer of peers) peer.close();
  await closeTracked({ sessions, dirs });
});

async function leech(): Promise<{ session: Session; torrent: Torrent }> {
  const dir = await makeTempDir('typetorrent-range-');
  dirs.push(dir);
  const session = new Session({ port: 0, host: '127.0.0.1' });
  sessions.push(session);
  const torrent = await session.add(fixture.torrent, { savePath: dir });
  return { session, torrent };
}

async function downloading(torrent: Torrent): Promise<void> {
  if (torrent.state === 'downloading') return;
  await new Promise<void>((resolve) => torrent.on('state', (status) => status.state === 'downloading' && resolve()));
}

const isRequest = (m: WireMessage): m is Request => m.type === 'request';

/** A peer with every piece that unchokes the leecher; resolves with the first `count` requests it gets. */
async function firstRequests(session: Session, count: number): Promise<string[]> {
  const { metainfo } = fixture;
  const peer = await RawPeer.connect(session.port, metainfo.infoHash, metainfo.pieceCount);
  peers.push(peer);
  peer.send({ type: 'have-all' });
  peer.send({ type: 'unchoke' });
  await peer.waitFor((m): m is Request => isRequest(m) && peer.messages.filter(isRequest).length >= count);
  return peer.messages
    .filter(isRequest)
    .slice(0, count)
    .map((m) => `${m.index}.${m.begin / (16 * 1024)}`);
}

describe('Torrent.prioritizeRange', () => {
  it('has the pieces of the range requested first, in order, when given before the data is open', async () => {
    const { session, torrent } = await leech();
    expect(torrent.state).toBe('checking');
    // Bytes 877,781 + 300,000 .. + 330,000 of the torrent: pieces 35 and 36.
    torrent.prioritizeRange(Z, 300_000, 330_000);
    await downloading(torrent);
    expect(await firstRequests(session, 4)).toEqual(['35.0', '35.1', '36.0', '36.1']);
  });

  it('replaces an earlier range (a seek ahead) while downloading', async () => {
    const { session, torrent } = await leech();
    await downloading(torrent);
    torrent.prioritizeRange(Z, 0, 1000);
    torrent.prioritizeRange(Z, 690_000, 700_000);
    // Pieces 47 and 48, the last (4,918 bytes: one block).
    expect(await firstRequests(session, 3)).toEqual(['47.0', '47.1', '48.0']);
  });

  it('goes back to the ordinary order when cleared', async () => {
    const { session, torrent } = await leech();
    await downloading(torrent);
    torrent.setSequential(true);
    torrent.prioritizeRange(Z, 690_000, 700_000);
    torrent.clearPriorityRange();
    expect(await firstRequests(session, 3)).toEqual(['0.0', '0.1', '1.0']);
  });

  it('rejects bytes outside the file and an unknown file', async () => {
    const { torrent } = await leech();
    expect(() => torrent.prioritizeRange(Z, 0, 700_001)).toThrow(EngineError);
    expect(() => torrent.prioritizeRange(Z, 10, 9)).toThrow(EngineError);
    expect(() => torrent.prioritizeRange(99, 0, 0)).toThrow(EngineError);
  });
});
