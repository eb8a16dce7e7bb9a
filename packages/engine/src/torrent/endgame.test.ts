// Endgame (BEP 3 leaves it to clients): once every missing block is asked for, the last ones are
// asked of a second peer too, and whoever answers second is sent CANCEL.
import { afterAll, expect, it } from '@jest/globals';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import { FakePeer, fullBitfield } from '../testing/fake-peer.js';
import { differences, makeFixture, type Fixture } from '../testing/fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The torrent's bytes in torrent order (what piece offsets index into). */
function payloadOf(fixture: Fixture): Uint8Array {
  const out = new Uint8Array(fixture.metainfo.totalLength);
  for (const file of fixture.metainfo.files) out.set(fixture.data.get(file.path.join('/')) ?? new Uint8Array(0), file.offset);
  return out;
}

it('asks a slow peer’s last blocks of a fast one too, and cancels them at the slow one', async () => {
  const fixture = await makeFixture({ name: 'endgame', seed: 12 });
  cleanups.push(() => removeTempDir(fixture.dir));
  const payload = payloadOf(fixture);
  const pieceLength = fixture.metainfo.pieceLength;
  const cancels: string[] = [];
  // An honest but slow peer: every block comes half a second after it was asked for.
  const slow = await FakePeer.listen(fixture.metainfo, {
    onConnect: (connection, metainfo) => {
      connection.send({ type: 'bitfield', bytes: fullBitfield(metainfo.pieceCount) });
      connection.send({ type: 'unchoke' });
    },
    onMessage: (connection, message) => {
      if (message.type === 'cancel') cancels.push(`${message.index}:${message.begin}`);
      if (message.type !== 'request') return;
      const at = message.index * pieceLength + message.begin;
      setTimeout(() => connection.send({ type: 'piece', index: message.index, begin: message.begin, block: payload.subarray(at, at + message.length) }), 500);
    },
  });
  cleanups.push(() => slow.close());
  const seeder = new Session({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => seeder.close());
  await (await seeder.add(fixture.torrent, { savePath: fixture.dir })).whenDone();

  const target = await makeTempDir('typetorrent-endgame-');
  cleanups.push(() => removeTempDir(target));
  const leecher = new Session({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => leecher.close());
  const torrent = await leecher.add(fixture.torrent, { savePath: target, peers: [{ host: '127.0.0.1', port: slow.port }] });
  // The fast seeder joins once the slow peer holds requests.
  torrent.once('peer', () => torrent.addPeer({ host: '127.0.0.1', port: seeder.port }));
  await torrent.whenDone();
  expect(await differences(fixture, target)).toEqual([]);
  expect(cancels.length).toBeGreaterThan(0);
});
