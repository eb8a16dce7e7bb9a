import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import dgram from 'node:dgram';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { SeededRandom } from '../env.js';
import { idToHex } from '../ids.js';
import { DhtNode } from './dht-node.js';

const random = new SeededRandom(77);
const loopback = { host: '127.0.0.1', ipv6: false, rateLimit: { perSecond: 1000, burst: 1000 } } as const;

async function collect(iterable: AsyncIterable<{ host: string; port: number }>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of iterable) out.push(`${p.host}:${p.port}`);
  return out;
}

describe('DhtNode on 127.0.0.1', () => {
  let dir: string;
  const nodes: DhtNode[] = [];
  beforeAll(async () => {
    dir = await makeTempDir('typetorrent-dht-');
    nodes.push(await DhtNode.create({ ...loopback, bootstrap: [] }));
    const router = `127.0.0.1:${nodes[0]!.port}`;
    for (let i = 1; i < 4; i++) {
      const node = await DhtNode.create({ ...loopback, bootstrap: [router] });
      nodes.push(node);
      await node.bootstrap();
    }
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await removeTempDir(dir);
  });

  test('a peer announced by one node is yielded by another node lookup', async () => {
    const infoHash = random.bytes(20);
    const result = await nodes[1]!.announce(infoHash, 6001);
    expect(result.announcedTo).toBeGreaterThan(0);
    expect(await collect(nodes[3]!.lookup(infoHash))).toContain('127.0.0.1:6001');
  });

  test('save writes the table by temp+rename; a new node from that file joins with no bootstrap list', async () => {
    const file = path.join(dir, 'dht.json');
    await nodes[2]!.save(file);
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { id: string; nodes: unknown[] };
    expect(saved.nodes.length).toBe(nodes[2]!.nodeCount);
    const restarted = await DhtNode.create({ ...loopback, stateFile: file, bootstrap: ['127.0.0.1:1'] });
    try {
      expect(idToHex(restarted.id)).toBe(saved.id);
      expect(await restarted.bootstrap()).toBeGreaterThan(0);
    } finally {
      await restarted.close();
    }
  });

  test('a damaged state file is reported as a warning and the node starts fresh', async () => {
    const file = path.join(dir, 'broken.json');
    await fs.writeFile(file, '{"version":1,"id":');
    // Its own router, so the swarm above never meets this short-lived node.
    const router = await DhtNode.create({ ...loopback, bootstrap: [] });
    const node = await DhtNode.create({ ...loopback, stateFile: file, bootstrap: [`127.0.0.1:${router.port}`] });
    try {
      const warning = await new Promise<{ code: string }>((resolve) => node.once('warning', resolve));
      expect(warning.code).toBe('STATE_FILE');
      expect(await node.bootstrap()).toBeGreaterThan(0);
    } finally {
      await node.close();
      await router.close();
    }
    // close() saved a good table over the damaged file
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ version: 1 });
  });

  test('handleDatagram serves a socket owned by someone else, and ignores what is not KRPC', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const shared = await DhtNode.create({
      ...loopback, bootstrap: [`127.0.0.1:${nodes[0]!.port}`],
      socket: { send: (bytes, port, host) => socket.send(bytes, port, host) },
    });
    let utp = 0;
    socket.on('message', (bytes, rinfo) => {
      if (!shared.handleDatagram(bytes, rinfo)) utp++;
    });
    try {
      expect(await shared.bootstrap()).toBeGreaterThan(0);
      expect(shared.handleDatagram(Uint8Array.of(0x41, 0x00, 0x01), { address: '127.0.0.1', port: 9 })).toBe(false);
      const infoHash = random.bytes(20);
      await nodes[1]!.announce(infoHash, 6002);
      expect(await collect(shared.lookup(infoHash))).toContain('127.0.0.1:6002');
      expect(utp).toBe(0);
    } finally {
      await shared.close();
      socket.close();
    }
  });

  test('a lookup aborted by its signal ends with ABORTED', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(nodes[1]!.lookup(random.bytes(20), { signal: controller.signal }))).rejects.toMatchObject({ code: 'ABORTED' });
  });

  test('a wrong-length info-hash is an INVALID_ARGUMENT DhtError', async () => {
    await expect(nodes[1]!.announce(new Uint8Array(19), 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('DhtNode over IPv6 (BEP 32) on ::1 and 127.0.0.1', () => {
  const nodes: DhtNode[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.close();
  });

  test('nodes bootstrapped from a router’s IPv4 and IPv6 addresses fill both tables and find each other’s announces', async () => {
    const options = { host: '127.0.0.1', host6: '::1', ipv6: true, rateLimit: { perSecond: 1000, burst: 1000 } } as const;
    nodes.push(await DhtNode.create({ ...options, bootstrap: [] }));
    const routers = [`[::1]:${nodes[0]!.port}`, `127.0.0.1:${nodes[0]!.port}`];
    for (let i = 1; i < 4; i++) {
      const node = await DhtNode.create({ ...options, bootstrap: routers });
      nodes.push(node);
      expect(await node.bootstrap()).toBeGreaterThan(0);
    }
    const hosts = new Set(nodes[3]!.core.nodes().map((n) => n.address.host));
    expect(hosts).toEqual(new Set(['::1', '127.0.0.1']));
    const infoHash = random.bytes(20);
    await nodes[1]!.announce(infoHash, 6010);
    const found = await collect(nodes[2]!.lookup(infoHash));
    expect(found.filter((p) => p.endsWith(':6010')).length).toBeGreaterThan(0);
  });
});
