// Message Stream Encryption against python3-libtorrent 2.0 on loopback (issue 14): a libtorrent that
// requires RC4 (plaintext refused both ways) seeds to us and leeches from us; a plaintext-only
// libtorrent still works with our default `prefer`, and our `require` refuses it with a warning.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { describeWithTools, makeTempDir, removeTempDir, startLibtorrentPeer, type LibtorrentPeer, type LibtorrentPeerOptions } from '@typetorrent/testkit';
import type { EngineError } from '../errors.js';
import type { EncryptionPolicy } from '../net/encryption.js';
import { Session } from '../session/session.js';
import { PROTOCOL_HEADER } from '@typetorrent/peer-wire';
import { differences, makeFixture, type Fixture } from '../testing/fixtures.js';
import { startRelay, type Relay } from '../testing/relay.js';
import { writeTorrentFile } from '../testing/swarm-helpers.js';

type LtEncryption = 'require' | 'disable';

const PROTOCOL = Buffer.from(PROTOCOL_HEADER);

/** What the wire showed: the protocol string, and a 1 KiB stretch of the torrent's data, in clear. */
function clearText(relay: Relay, fixture: Fixture): { protocol: boolean; data: boolean } {
  const file = fixture.data.get('z.bin');
  if (file === undefined) throw new Error('fixture has no z.bin');
  const wire = Buffer.concat([relay.sent(), relay.received()]);
  return { protocol: wire.includes(PROTOCOL), data: wire.includes(Buffer.from(file.subarray(5000, 6024))) };
}

describeWithTools(['python3-libtorrent'], 'encryption against libtorrent', () => {
  let fixture: Fixture;
  let torrentPath: string;
  const dirs: string[] = [];
  const peers: LibtorrentPeer[] = [];
  const sessions: Session[] = [];
  const relays: Relay[] = [];

  /** A recording relay in front of `port`. */
  async function relay(port: number): Promise<Relay> {
    const r = await startRelay(port);
    relays.push(r);
    return r;
  }

  beforeAll(async () => {
    fixture = await makeFixture({ name: 'lt-mse', seed: 91 });
    dirs.push(fixture.dir);
    torrentPath = await writeTorrentFile(fixture.dir, fixture.metainfo.name, fixture.torrent);
  });

  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await Promise.all(relays.map((r) => r.close()));
    await Promise.all(peers.map((p) => p.stop()));
    await Promise.all(dirs.map((d) => removeTempDir(d)));
  });

  async function libtorrent(encryption: LtEncryption, options: Omit<LibtorrentPeerOptions, 'torrentPath'>): Promise<LibtorrentPeer> {
    const peer = await startLibtorrentPeer({ torrentPath, encryption, ...options });
    peers.push(peer);
    return peer;
  }

  function session(encryption: EncryptionPolicy): Session {
    const s = new Session({ port: 0, host: '127.0.0.1', encryption });
    sessions.push(s);
    return s;
  }

  /** Downloads through a relay; returns what the wire showed in clear. */
  async function downloadFrom(seederPort: number, encryption: EncryptionPolicy): Promise<{ protocol: boolean; data: boolean }> {
    const target = await makeTempDir('typetorrent-lt-mse-');
    dirs.push(target);
    const wire = await relay(seederPort);
    const torrent = await session(encryption).add(fixture.torrent, { savePath: target, peers: [{ host: '127.0.0.1', port: wire.port }] });
    await torrent.whenDone();
    expect(await differences(fixture, target)).toEqual([]);
    return clearText(wire, fixture);
  }

  async function uploadTo(encryption: EncryptionPolicy, ltEncryption: LtEncryption): Promise<{ protocol: boolean; data: boolean }> {
    const s = session(encryption);
    const seeding = await s.add(fixture.torrent, { savePath: fixture.dir });
    await seeding.whenDone();
    const target = await makeTempDir('typetorrent-lt-mse-leech-');
    dirs.push(target);
    const wire = await relay(s.port);
    const leecher = await libtorrent(ltEncryption, { savePath: target, seed: false, peers: [['127.0.0.1', wire.port]] });
    await leecher.waitFor('finished', { timeoutMs: 30_000 });
    expect(await differences(fixture, target)).toEqual([]);
    expect(seeding.progress().uploaded).toBeGreaterThanOrEqual(fixture.metainfo.totalLength);
    return clearText(wire, fixture);
  }

  it('downloads from a libtorrent seeder that requires RC4 (our default policy)', async () => {
    const seeder = await libtorrent('require', { savePath: fixture.dir, seed: true });
    expect(await downloadFrom(seeder.port, 'prefer')).toEqual({ protocol: false, data: false });
  });

  it('downloads from a libtorrent seeder that requires RC4 (our require)', async () => {
    const seeder = await libtorrent('require', { savePath: fixture.dir, seed: true });
    expect(await downloadFrom(seeder.port, 'require')).toEqual({ protocol: false, data: false });
  });

  it('a libtorrent leecher that requires RC4 downloads from us', async () => {
    expect(await uploadTo('prefer', 'require')).toEqual({ protocol: false, data: false });
  });

  it('a plaintext-only libtorrent seeder serves our default policy (MSE refused, plaintext retried)', async () => {
    const seeder = await libtorrent('disable', { savePath: fixture.dir, seed: true });
    expect(await downloadFrom(seeder.port, 'prefer')).toEqual({ protocol: true, data: true });
  });

  it('a plaintext-only libtorrent leecher downloads from our default policy', async () => {
    expect(await uploadTo('prefer', 'disable')).toEqual({ protocol: true, data: true });
  });

  it('our require refuses a plaintext-only libtorrent, with a warning that says why', async () => {
    const seeder = await libtorrent('disable', { savePath: fixture.dir, seed: true });
    const s = session('require');
    const warning = new Promise<EngineError>((resolve) => s.once('warning', resolve));
    const target = await makeTempDir('typetorrent-lt-mse-refused-');
    dirs.push(target);
    const torrent = await s.add(fixture.torrent, { savePath: target, peers: [{ host: '127.0.0.1', port: seeder.port }] });
    expect((await warning).message).toBe(`refused peer 127.0.0.1:${seeder.port}: it does not speak encryption (MSE), and encryption is required (encryption: 'require')`);
    expect(torrent.progress().downloaded).toBe(0);
  });
});
