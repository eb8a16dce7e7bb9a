// Interop with an independent implementation: the npm `bittorrent-dht` (WebTorrent's), used only as a
// test peer, all on 127.0.0.1. Two of its nodes plus ours: a node never answers for what it stores
// about itself, so every swarm has a third node.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import DHT from 'bittorrent-dht';
import { SeededRandom } from '../env.js';
import { DhtNode } from './dht-node.js';

const random = new SeededRandom(2024);

async function listen(dht: DHT): Promise<number> {
  await new Promise<void>((resolve) => dht.listen(0, '127.0.0.1', resolve));
  return dht.address().port;
}

describe('interop with the npm bittorrent-dht on 127.0.0.1', () => {
  let router: DHT;
  let other: DHT;
  let ours: DhtNode;
  beforeAll(async () => {
    router = new DHT({ bootstrap: false, host: false });
    const routerPort = await listen(router);
    ours = await DhtNode.create({ host: '127.0.0.1', ipv6: false, bootstrap: [`127.0.0.1:${routerPort}`] });
    await ours.bootstrap();
    other = new DHT({ bootstrap: [`127.0.0.1:${routerPort}`], host: false });
    await listen(other);
    await new Promise<void>((resolve) => other.on('ready', resolve));
  });
  afterAll(async () => {
    await ours.close();
    await new Promise<void>((r) => router.destroy(r));
    await new Promise<void>((r) => other.destroy(r));
  });

  test('our node bootstraps through it and answers its queries', () => {
    expect(ours.nodeCount).toBeGreaterThanOrEqual(1);
    expect(other.toJSON().nodes.some((n) => n.port === ours.port)).toBe(true);
  });

  test('our lookup finds a peer that bittorrent-dht announced', async () => {
    const infoHash = random.bytes(20);
    await new Promise<void>((resolve, reject) => other.announce(infoHash, 7101, (err) => (err ? reject(err) : resolve())));
    // A node that joins now holds no announces of its own: what it finds came over the wire.
    const asker = await DhtNode.create({ host: '127.0.0.1', ipv6: false, bootstrap: [`127.0.0.1:${router.address().port}`] });
    try {
      await asker.bootstrap();
      const found: string[] = [];
      for await (const peer of asker.lookup(infoHash)) found.push(`${peer.host}:${peer.port}`);
      expect(found).toContain('127.0.0.1:7101');
    } finally {
      await asker.close();
    }
  });

  test('bittorrent-dht finds a peer that our node announced', async () => {
    const infoHash = random.bytes(20);
    const result = await ours.announce(infoHash, 7102);
    expect(result.announcedTo).toBeGreaterThanOrEqual(1);
    const found = await new Promise<string[]>((resolve, reject) => {
      const peers: string[] = [];
      other.on('peer', (peer, hash) => {
        if (Buffer.from(hash).equals(Buffer.from(infoHash))) peers.push(`${peer.host}:${peer.port}`);
      });
      other.lookup(infoHash, (err) => (err ? reject(err) : resolve(peers)));
    });
    expect(found).toContain('127.0.0.1:7102');
  });

  test('an implied_port announce of ours is stored under our UDP port', async () => {
    const infoHash = random.bytes(20);
    await ours.announce(infoHash, 'implied');
    const found = await new Promise<string[]>((resolve, reject) => {
      const peers: string[] = [];
      other.on('peer', (peer, hash) => {
        if (Buffer.from(hash).equals(Buffer.from(infoHash))) peers.push(`${peer.host}:${peer.port}`);
      });
      other.lookup(infoHash, (err) => (err ? reject(err) : resolve(peers)));
    });
    expect(found).toContain(`127.0.0.1:${ours.port}`);
  });
});
