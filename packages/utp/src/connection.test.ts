import { describe, expect, it } from '@jest/globals';
import { decodePacket, PacketType } from './packet.js';
import { Sim, type LinkOptions } from './testing/sim.js';
import { testData, transfer } from './testing/transfer.js';

function expectSame(received: Uint8Array, data: Uint8Array): void {
  expect(received.length).toBe(data.length);
  expect(Buffer.compare(received, data)).toBe(0);
}

/** Index of the first data packet among the datagrams a side sends (SYN is datagram 0). */
function isData(bytes: Uint8Array): boolean {
  const d = decodePacket(bytes);
  return d.ok && d.packet.type === PacketType.DATA;
}

describe('transfers over a simulated link', () => {
  it('a clean link delivers 1 MB byte-exact and both sides close without error', () => {
    const sim = new Sim(1, { delayMs: 10 });
    const data = testData(1024 * 1024);
    const result = transfer(sim, data);
    expect(result.done).toBe(true);
    expectSame(result.received, data);
    expect(result.client.error).toBeUndefined();
    expect(result.server?.error).toBeUndefined();
    expect(result.client.stats.retransmitted).toBe(0);
  });

  const cases: [string, number, LinkOptions][] = [
    ['1% loss', 2, { loss: 0.01, delayMs: 20, bytesPerMs: 10_000, maxQueueMs: 300 }],
    ['5% loss', 3, { loss: 0.05, delayMs: 20, bytesPerMs: 10_000, maxQueueMs: 300 }],
    ['10% loss', 4, { loss: 0.1, delayMs: 20, bytesPerMs: 10_000, maxQueueMs: 300 }],
    ['reordering (jitter larger than the packet spacing)', 5, { delayMs: 20, jitterMs: 15, bytesPerMs: 10_000 }],
    ['duplication', 6, { delayMs: 5, duplicate: 0.1 }],
    ['loss, jitter and duplication at once', 7, { delayMs: 30, jitterMs: 20, loss: 0.05, duplicate: 0.05, bytesPerMs: 5000 }],
  ];
  it.each(cases)('%s: 2 MB arrive once, in order, byte-exact', (_name, seed, link) => {
    const sim = new Sim(seed, link);
    const data = testData(2 * 1024 * 1024, seed);
    const result = transfer(sim, data);
    expect(result.done).toBe(true);
    expectSame(result.received, data);
  });

  it('both directions at once over a lossy link, the acceptor half-closing first', () => {
    const sim = new Sim(14, { delayMs: 15, loss: 0.03, jitterMs: 5, bytesPerMs: 5000 });
    const up = testData(1024 * 1024, 14);
    const down = testData(700 * 1024, 15);
    const result = transfer(sim, up, { reply: down });
    expect(result.done).toBe(true);
    expectSame(result.received, up);
    expectSame(result.replied, down);
    expect(result.client.error).toBeUndefined();
  });

  it('sequence numbers wrap around 65535 mid-transfer', () => {
    const sim = new Sim(8, { delayMs: 10, loss: 0.02, bytesPerMs: 10_000 }, undefined, { initialSeq: () => 0xfff0 });
    const data = testData(1024 * 1024, 8);
    const result = transfer(sim, data);
    expect(result.done).toBe(true);
    expectSame(result.received, data);
    // ~750 packets from 0xfff0: the sender's cumulative ack ends far past the wrap.
    expect(result.client.send.ackedTo).toBeGreaterThan(600);
    expect(result.client.send.ackedTo).toBeLessThan(0x8000);
  });
});

describe('loss recovery', () => {
  it('retransmits a single lost packet from the SACKs of later ones, without waiting for a timeout', () => {
    let dataSeen = 0;
    const link: LinkOptions = {
      delayMs: 20,
      bytesPerMs: 5000,
      drop: (bytes) => isData(bytes) && ++dataSeen === 40,
    };
    const sim = new Sim(9, link, { delayMs: 20 });
    const data = testData(512 * 1024, 9);
    const result = transfer(sim, data);
    expectSame(result.received, data);
    expect(result.client.stats.sackLosses).toBe(1);
    expect(result.client.stats.retransmitted).toBe(1);
    expect(result.client.stats.timeouts).toBe(0);
  });

  it('backs the retransmission timeout off, doubling, then gives up with ETIMEDOUT', () => {
    const link: LinkOptions = { delayMs: 10 };
    const sim = new Sim(10, link);
    sim.b.accepting = true;
    const client = sim.a.connect({ address: '10.0.0.2', port: 2000 });
    let connected = false;
    let closedWith: string | undefined;
    client.events = { connect: () => (connected = true), close: (e) => (closedWith = e?.code) };
    sim.run(() => connected);
    sim.run(() => false, 1000); // let the acceptor see our ack
    // The path goes dark: every retransmission of the one packet is lost.
    link.loss = 1;
    const sends: number[] = [];
    sim.linkAB.drop = (bytes) => {
      if (isData(bytes)) sends.push(sim.clock.now());
      return false;
    };
    client.write(testData(1000));
    sim.run(() => closedWith !== undefined, 3_600_000);
    expect(closedWith).toBe('ETIMEDOUT');
    const gaps = sends.slice(1).map((t, i) => t - (sends[i] as number));
    expect(gaps.length).toBe(4); // maxRetransmits
    for (let i = 1; i < gaps.length; i++) expect((gaps[i] as number) / (gaps[i - 1] as number)).toBeCloseTo(2, 5);
    expect(gaps[0]).toBeGreaterThanOrEqual(500);
  });

  it('a SYN nobody answers is sent 1, 2 and 4 s apart, then the connect fails with ETIMEDOUT 8 s later', () => {
    const sim = new Sim(11, { loss: 1 });
    const client = sim.a.connect({ address: '10.0.0.2', port: 2000 });
    let error: string | undefined;
    client.events = { close: (e) => (error = e?.code) };
    const start = sim.clock.now();
    sim.run(() => error !== undefined);
    expect(error).toBe('ETIMEDOUT');
    expect(sim.sent.a).toBe(4);
    expect(sim.clock.now() - start).toBe(1000 + 2000 + 4000 + 8000);
  });
});

describe('LEDBAT over a bottleneck', () => {
  it('keeps the queueing delay near the 100 ms target instead of filling a 1 s queue', () => {
    const sim = new Sim(12, { delayMs: 20, bytesPerMs: 1000, maxQueueMs: 1000 }, { delayMs: 20 });
    const data = testData(4 * 1024 * 1024, 12);
    const result = transfer(sim, data);
    expectSame(result.received, data);
    const c = result.client;
    expect(c.ledbat.queuingDelayUs).toBeGreaterThan(50_000);
    expect(c.ledbat.queuingDelayUs).toBeLessThan(200_000);
    // The queue never overflowed: nothing was lost, so nothing was sent twice.
    expect(c.stats.retransmitted).toBe(0);
    // Throughput close to the bottleneck (1000 bytes/ms).
    expect(data.length / result.elapsedMs).toBeGreaterThan(800);
  });

  it('a delay rise above the target shrinks the window', () => {
    const link: LinkOptions = { delayMs: 20, bytesPerMs: 2000, maxQueueMs: 2000 };
    const sim = new Sim(13, link, { delayMs: 20 });
    const data = testData(8 * 1024 * 1024, 13);
    let peak = 0;
    let after = Infinity;
    let phase = 0;
    const original = sim.run.bind(sim);
    sim.run = (done, maxMs) =>
      original(() => {
        const c = sim.a.connections()[0];
        if (c !== undefined) {
          if (phase === 0 && sim.clock.now() > 1_000_000 + 1500) {
            peak = c.ledbat.cwnd;
            link.delayMs = 220; // 200 ms more one-way delay: queueing delay far above target
            phase = 1;
          } else if (phase === 1 && sim.clock.now() > 1_000_000 + 3000) {
            after = c.ledbat.cwnd;
            phase = 2;
          }
        }
        return done();
      }, maxMs);
    const result = transfer(sim, data);
    expectSame(result.received, data);
    // BEP 29's decrease is linear: about gain * off_target bytes per RTT, here -3000 bytes per ~0.5 s RTT.
    expect(after).toBeLessThan(peak - 6000);
  });
});
