import { describe, expect, it } from '@jest/globals';
import { seededRandom } from '@typetorrent/metainfo';
import { SimClock } from './sim-clock.js';
import { SimNetwork } from './sim-network.js';
import type { SimSocket } from './sim-socket.js';

async function pair(network: SimNetwork, clock: SimClock): Promise<{ client: SimSocket; server: SimSocket }> {
  let server: SimSocket | undefined;
  network.setAcceptor('b', (socket) => (server = socket));
  const connecting = network.connect('a', 'b');
  clock.runUntil(clock.now() + 1000);
  const client = await connecting;
  return { client, server: server! };
}

function received(socket: SimSocket, clock: SimClock): { at: number; bytes: number }[] {
  const log: { at: number; bytes: number }[] = [];
  socket.on('data', (chunk: Buffer) => log.push({ at: clock.now(), bytes: chunk.length }));
  return log;
}

describe('SimNetwork', () => {
  it('delivers at the sender\'s upload rate after the link latency, in order', async () => {
    const clock = new SimClock(0);
    const network = new SimNetwork(clock, seededRandom(1));
    network.addNode('a', { upload: 10_000, link: { latencyMs: 30 } });
    network.addNode('b');
    const { client, server } = await pair(network, clock);
    const log = received(server, clock);
    const start = clock.now();
    client.write(new Uint8Array(5_000));
    client.write(new Uint8Array(10_000));
    await new Promise((resolve) => setImmediate(resolve));
    clock.runUntil(start + 10_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual([
      { at: start + 500 + 30, bytes: 5_000 },
      { at: start + 1500 + 30, bytes: 10_000 },
    ]);
  });

  it('a node that closes ends its connections; one that vanishes leaves them silent and new connects unanswered', async () => {
    const clock = new SimClock(0);
    const network = new SimNetwork(clock, seededRandom(1));
    network.addNode('a');
    network.addNode('b');
    const first = await pair(network, clock);
    const closed = new Promise((resolve) => first.client.once('close', resolve));
    network.leave('b', 'close');
    await closed;

    network.addNode('c');
    network.addNode('d');
    let accepted: SimSocket | undefined;
    network.setAcceptor('d', (socket) => (accepted = socket));
    const dialling = network.connect('c', 'd');
    clock.runUntil(clock.now() + 1000);
    const silent = await dialling;
    const log = received(accepted!, clock);
    network.leave('c', 'vanish');
    silent.write(new Uint8Array(100));
    clock.runUntil(clock.now() + 1000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual([]);
    expect(accepted!.destroyed).toBe(false);

    const controller = new AbortController();
    network.addNode('e');
    const hanging = network.connect('e', 'c', controller.signal);
    clock.runUntil(clock.now() + 60_000);
    controller.abort();
    await expect(hanging).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('a lossy link stalls the stream behind a lost segment', async () => {
    const clock = new SimClock(0);
    const network = new SimNetwork(clock, seededRandom(1));
    network.addNode('a', { link: { latencyMs: 10, loss: 1, stallMs: 400 } });
    network.addNode('b');
    const { client, server } = await pair(network, clock);
    const log = received(server, clock);
    const start = clock.now();
    client.write(new Uint8Array(10));
    await new Promise((resolve) => setImmediate(resolve));
    clock.runUntil(start + 1000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual([{ at: start + 410, bytes: 10 }]);
    expect(network.stats.stalls).toBe(1);
  });
});
