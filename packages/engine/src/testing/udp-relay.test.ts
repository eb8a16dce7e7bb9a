import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ImpairmentPlan, UdpRelay, type RelayDirection } from './udp-relay.js';

describe('ImpairmentPlan', () => {
  it('gives the same fates for the same seed, losing about the share asked for', () => {
    const fates = (seed: number) => {
      const plan = new ImpairmentPlan({ loss: 0.3, delayMs: 20, jitterMs: 5, reorder: 0.1, reorderMs: 15 }, seed);
      return Array.from({ length: 10_000 }, () => plan.next());
    };
    const first = fates(7);
    expect(fates(7)).toEqual(first);
    expect(fates(8)).not.toEqual(first);
    const dropped = first.filter((f) => f.drop).length;
    expect(dropped).toBeGreaterThan(2700);
    expect(dropped).toBeLessThan(3300);
    const delays = first.flatMap((f) => (f.drop ? [] : [f.delayMs]));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...delays)).toBeLessThanOrEqual(40);
    // Held back: later datagrams overtake them.
    const held = first.filter((f) => !f.drop && f.reordered);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((f) => !f.drop && f.delayMs >= 35)).toBe(true);
  });

  it('passes everything at once without impairment', () => {
    const plan = new ImpairmentPlan({}, 1);
    expect(Array.from({ length: 100 }, () => plan.next()).every((f) => !f.drop && f.delayMs === 0)).toBe(true);
  });
});

describe('UdpRelay', () => {
  const open: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });

  async function socket(type: 'udp4' | 'udp6', host: string): Promise<dgram.Socket> {
    const made = dgram.createSocket(type);
    await new Promise<void>((resolve) => made.bind(0, host, resolve));
    open.push({ close: () => new Promise<void>((resolve) => made.close(() => resolve())) });
    return made;
  }

  /** Counts `name` events of `direction` until `count`. */
  async function relayed(relay: UdpRelay, name: 'dropped' | 'forwarded', direction: RelayDirection, count: number): Promise<void> {
    let seen = 0;
    if (count === 0) return;
    await new Promise<void>((resolve) => {
      const on = (d: RelayDirection): void => {
        if (d === direction && ++seen === count) {
          relay.off(name, on);
          resolve();
        }
      };
      relay.on(name, on);
    });
  }

  it.each([['udp4', '127.0.0.1'], ['udp6', '::1']] as const)('forwards a client to its upstream and the answers back (%s)', async (type, host) => {
    const upstream = await socket(type, host);
    const client = await socket(type, host);
    const relay = await UdpRelay.start({ upstream: { host, port: upstream.address().port }, impairment: {}, seed: 1 });
    open.push(relay);
    upstream.on('message', (bytes, from) => upstream.send(Buffer.concat([Buffer.from('re: '), bytes]), from.port, from.address));
    const answer = once(client, 'message');
    client.send('ping', relay.port, host);
    const [bytes, from] = (await answer) as [Buffer, dgram.RemoteInfo];
    expect(String(bytes)).toBe('re: ping');
    expect(from.port).toBe(relay.port); // the client sees only the relay
    expect(relay.stats.forwardedBytes).toEqual({ toUpstream: 4, toClient: 8 });
  });

  it('loses and holds back the datagrams its seed says, and passes on the rest', async () => {
    const upstream = await socket('udp4', '127.0.0.1');
    const client = await socket('udp4', '127.0.0.1');
    const relay = await UdpRelay.start({ upstream: { host: '127.0.0.1', port: upstream.address().port }, impairment: { loss: 0.2, delayMs: 2, reorder: 0.2, reorderMs: 10 }, seed: 5 });
    open.push(relay);
    const plan = new ImpairmentPlan({ loss: 0.2, delayMs: 2, reorder: 0.2, reorderMs: 10 }, 5);
    const fates = Array.from({ length: 100 }, () => plan.next());
    const lost = fates.filter((f) => f.drop).length;
    const held = fates.filter((f) => !f.drop && f.reordered).length;
    const arrived = new Set<string>();
    upstream.on('message', (bytes) => arrived.add(String(bytes)));
    const allForwarded = relayed(relay, 'forwarded', 'toUpstream', 100 - lost);
    const allDropped = relayed(relay, 'dropped', 'toUpstream', lost);
    for (let i = 0; i < 100; i++) client.send(String(i), relay.port, '127.0.0.1');
    await Promise.all([allForwarded, allDropped]);
    expect(relay.stats.dropped.toUpstream).toBe(lost);
    expect(relay.stats.reordered.toUpstream).toBe(held);
    expect(lost).toBeGreaterThan(0);
    expect(held).toBeGreaterThan(0);
    // Every forwarded datagram reaches the upstream (loopback loses none of these few).
    if (arrived.size < 100 - lost) {
      await new Promise<void>((resolve) => upstream.on('message', () => arrived.size === 100 - lost && resolve()));
    }
    const expected = fates.flatMap((f, i) => (f.drop ? [] : [String(i)]));
    expect([...arrived].sort()).toEqual(expected.sort());
  });
});
