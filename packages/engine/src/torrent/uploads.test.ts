// What our seeder answers to requests (BEP 3, BEP 6), seen from a raw client: allowed-fast pieces
// while choked, rejections otherwise, blocks only from verified pieces.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allowedFastSet, type AllowedFast, type Piece, type RejectRequest, type WireMessage } from '@typetorrent/peer-wire';
import { removeTempDir } from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import { makeFixture, type Fixture } from '../testing/fixtures.js';
import { RawPeer } from '../testing/raw-peer.js';

let fixture: Fixture;
let seeder: Session;
const peers: RawPeer[] = [];

beforeAll(async () => {
  fixture = await makeFixture({ name: 'uploads', seed: 31 });
  seeder = new Session({ port: 0, host: '127.0.0.1' });
  await (await seeder.add(fixture.torrent, { savePath: fixture.dir })).whenDone();
});

afterAll(async () => {
  for (const peer of peers) peer.close();
  await seeder.close();
  await removeTempDir(fixture.dir);
});

const isAllowedFast = (m: WireMessage): m is AllowedFast => m.type === 'allowed-fast';
const isPiece = (m: WireMessage): m is Piece => m.type === 'piece';
const isReject = (m: WireMessage): m is RejectRequest => m.type === 'reject-request';

describe('serving requests', () => {
  it('grants the BEP 6 allowed-fast set, serves it while choking, and rejects the rest', async () => {
    const { metainfo } = fixture;
    const peer = await RawPeer.connect(seeder.port, metainfo.infoHash, metainfo.pieceCount);
    peers.push(peer);
    // Never interested: we stay choked.
    await peer.waitFor(isAllowedFast);
    const granted = peer.messages.filter(isAllowedFast).map((m) => m.index);
    expect(granted.sort((a, b) => a - b)).toEqual(allowedFastSet('127.0.0.1', metainfo.infoHash, metainfo.pieceCount, 10).sort((a, b) => a - b));
    expect(peer.messages.some((m) => m.type === 'unchoke')).toBe(false);
    const allowed = granted[0] ?? 0;
    const other = [...Array(metainfo.pieceCount).keys()].find((p) => !granted.includes(p)) ?? 0;
    peer.send({ type: 'request', index: allowed, begin: 0, length: 16 * 1024 });
    peer.send({ type: 'request', index: other, begin: 0, length: 16 * 1024 });
    const block = await peer.waitFor(isPiece);
    expect([block.index, block.begin, block.block.length]).toEqual([allowed, 0, 16 * 1024]);
    const reject = await peer.waitFor(isReject);
    expect([reject.index, reject.begin]).toEqual([other, 0]);
  });

  it('unchokes an interested peer at once while slots are free and serves what it asks', async () => {
    const { metainfo } = fixture;
    const peer = await RawPeer.connect(seeder.port, metainfo.infoHash, metainfo.pieceCount);
    peers.push(peer);
    peer.send({ type: 'have-none' });
    peer.send({ type: 'interested' });
    await peer.waitFor((m): m is WireMessage => m.type === 'unchoke');
    const last = metainfo.pieceCount - 1;
    const lastLength = metainfo.geometry.pieceSize(last);
    peer.send({ type: 'request', index: last, begin: 0, length: lastLength });
    const block = await peer.waitFor(isPiece);
    expect([block.index, block.block.length]).toEqual([last, lastLength]);
  });
});
