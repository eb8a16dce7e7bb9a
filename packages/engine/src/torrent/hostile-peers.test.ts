// Peers that break the rules, scripted with a raw socket and the peer-wire codec. Each is dropped
// (and banned) while the download goes on from an honest seeder and ends byte for byte right.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { MessageId } from '@typetorrent/peer-wire';
import { Session } from '../session/session.js';
import { FakePeer, fullBitfield, type FakeBehaviour } from '../testing/fake-peer.js';
import { differences, makeFixture, type Fixture } from '../testing/fixtures.js';
import type { EngineError } from '../errors.js';
import type { EngineTuning } from '../tuning.js';
import type { PeerEvent } from './types.js';

let fixture: Fixture;
let seeder: Session;
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  fixture = await makeFixture({ name: 'hostile', seed: 9 });
  dirs.push(fixture.dir);
  // Slow enough that the hostile peer gets asked for blocks too.
  seeder = new Session({ port: 0, host: '127.0.0.1', rateLimits: { upload: 2 * 1024 * 1024 } });
  await (await seeder.add(fixture.torrent, { savePath: fixture.dir })).whenDone();
});

afterAll(async () => {
  await Promise.all(cleanups.map((c) => c()));
  await seeder.close();
  await Promise.all(dirs.map((d) => removeTempDir(d)));
});

/** Downloads with `hostile` added first and the honest seeder a moment later; returns what happened to the hostile peer. */
async function downloadAlongside(
  behaviour: FakeBehaviour,
  options: { fast?: boolean; tuning?: Partial<EngineTuning>; honestAfter?: 'connect' | 'disconnect' } = {},
): Promise<{ fake: FakePeer; reasons: EngineError[]; warnings: EngineError[] }> {
  const fake = await FakePeer.listen(fixture.metainfo, behaviour, options);
  cleanups.push(() => fake.close());
  const target = await makeTempDir('typetorrent-hostile-');
  dirs.push(target);
  const session = new Session({ port: 0, host: '127.0.0.1', ...(options.tuning === undefined ? {} : { tuning: options.tuning }) });
  cleanups.push(() => session.close());
  const torrent = await session.add(fixture.torrent, { savePath: target, peers: [{ host: '127.0.0.1', port: fake.port }] });
  const reasons: EngineError[] = [];
  const warnings: EngineError[] = [];
  const fakeKey = `127.0.0.1:${fake.port}`;
  torrent.on('peer', (event: PeerEvent) => {
    if (event.type === 'disconnect' && event.peer.key === fakeKey) reasons.push(event.reason);
  });
  torrent.on('warning', (warning) => warnings.push(warning));
  // The honest seeder joins once the hostile peer is connected (so that it is asked for blocks), or,
  // when the test needs the hostile peer alone for a while, once it is gone.
  const joinOn = options.honestAfter ?? 'connect';
  torrent.on('peer', (event: PeerEvent) => {
    if (event.type === joinOn && event.peer.key === fakeKey) torrent.addPeer({ host: '127.0.0.1', port: seeder.port });
  });
  await torrent.whenDone();
  expect(await differences(fixture, target)).toEqual([]);
  return { fake, reasons, warnings };
}

const seed: FakeBehaviour['onConnect'] = (connection, metainfo) => {
  connection.send({ type: 'bitfield', bytes: fullBitfield(metainfo.pieceCount) });
  connection.send({ type: 'unchoke' });
};

describe('hostile peers', () => {
  it('a peer that sends corrupt blocks is banned and the download completes from the honest one', async () => {
    const { fake, reasons, warnings } = await downloadAlongside({
      onConnect: seed,
      onMessage: (connection, message) => {
        if (message.type !== 'request') return;
        const junk = deterministicBytes(message.length, message.index * 1000 + message.begin + 7);
        connection.send({ type: 'piece', index: message.index, begin: message.begin, block: junk });
      },
    });
    expect(reasons.map((r) => r.code)).toEqual(['CORRUPT_DATA']);
    expect(warnings.some((w) => w.code === 'CORRUPT_DATA' && w.message.includes('banned'))).toBe(true);
    // Banned: never dialled again although it stays a known address.
    expect(fake.connections).toBe(1);
  });

  it('a peer that claims every piece and never sends one has its requests handed to the honest peer', async () => {
    const { fake, reasons } = await downloadAlongside({ onConnect: seed }, { tuning: { requestTimeoutMs: 300 } });
    // Still connected when the download ends: silence is not a crime, and it may wake up.
    expect(reasons.map((r) => r.code)).toEqual(['CLOSED']);
    expect(fake.connections).toBe(1);
  });

  it('a peer that rejects every request while unchoked is dropped in the end; the download completes', async () => {
    const { fake, reasons } = await downloadAlongside({
      onConnect: seed,
      onMessage: (connection, message) => {
        if (message.type === 'request') connection.send({ type: 'reject-request', index: message.index, begin: message.begin, length: message.length });
      },
    }, { honestAfter: 'disconnect' });
    expect(reasons.map((r) => r.code)).toEqual(['CLOSED']);
    expect(reasons[0]?.message).toMatch(/requests rejected while unchoked/);
    expect(fake.connections).toBe(1);
  });

  const protocolBreakers: [string, FakeBehaviour][] = [
    ['claims a piece again with HAVE after its bitfield had it', { onConnect: (c, m) => (seed(c, m), c.send({ type: 'have', index: 0 })) }],
    ['sets spare bits in its bitfield', { onConnect: (c, m) => c.send({ type: 'bitfield', bytes: fullBitfield(m.pieceCount).map(() => 0xff) }) }],
    [
      // Before its unchoke, so that we cannot have asked for it yet.
      'sends a block nobody asked for',
      {
        onConnect: (c, m) => {
          c.send({ type: 'bitfield', bytes: fullBitfield(m.pieceCount) });
          c.send({ type: 'piece', index: 1, begin: 0, block: new Uint8Array(16 * 1024) });
          c.send({ type: 'unchoke' });
        },
      },
    ],
    [
      'announces a 2 MiB message',
      { onConnect: (c) => c.raw(Uint8Array.from([0x00, 0x20, 0x00, 0x00, MessageId.piece, 0, 0, 0, 0, 0, 0, 0, 0])) },
    ],
    ['sends garbage after the handshake', { onConnect: (c) => c.raw(Uint8Array.from([0, 0, 0, 3, MessageId.have, 0xde, 0xad, 0xbe, 0xef, 0x13, 0x37])) }],
  ];

  it.each(protocolBreakers)('a peer that %s is dropped and banned; the download completes', async (_name, behaviour) => {
    const { fake, reasons } = await downloadAlongside(behaviour);
    expect(reasons.map((r) => r.code)).toEqual(['PROTOCOL']);
    expect(fake.connections).toBe(1);
  });
});
