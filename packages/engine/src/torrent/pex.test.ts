// BEP 11: peers learned from another peer's ut_pex message are dialled like any other.
import { afterAll, expect, it } from '@jest/globals';
import { decodeExtendedHandshake, encodeUtPex, UT_PEX } from '@typetorrent/peer-wire';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { Session } from '../session/session.js';
import { FakePeer } from '../testing/fake-peer.js';
import { differences, makeFixture } from '../testing/fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it('finds a seeder it only heard of through peer exchange', async () => {
  const fixture = await makeFixture({ name: 'pex', seed: 52 });
  cleanups.push(() => removeTempDir(fixture.dir));
  const seeder = new Session({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => seeder.close());
  await (await seeder.add(fixture.torrent, { savePath: fixture.dir })).whenDone();
  // A peer with nothing to give but the seeder's address, sent once our extended handshake names
  // the id we want ut_pex messages under.
  const gossip = await FakePeer.listen(
    fixture.metainfo,
    {
      onMessage: (connection, message) => {
        if (message.type !== 'extended' || message.id !== 0) return;
        const id = decodeExtendedHandshake(message.payload).m.get(UT_PEX);
        if (id !== undefined) connection.send({ type: 'extended', id, payload: encodeUtPex({ added: [{ host: '127.0.0.1', port: seeder.port }] }) });
      },
    },
    { extended: true },
  );
  cleanups.push(() => gossip.close());
  const target = await makeTempDir('typetorrent-pex-');
  cleanups.push(() => removeTempDir(target));
  const leecher = new Session({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => leecher.close());
  const torrent = await leecher.add(fixture.torrent, { savePath: target, peers: [{ host: '127.0.0.1', port: gossip.port }] });
  await torrent.whenDone();
  expect(await differences(fixture, target)).toEqual([]);
});
