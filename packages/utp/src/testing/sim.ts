// A simulated network for tests of the sans-I/O core: two endpoints, an injected clock, a seeded
// random source, and per-direction loss, duplication, delay, jitter (which reorders) and a
// bottleneck with a bounded queue. Time only moves when the simulation advances it.

import { ManualClock, seededRandom, type Random } from '../clock.js';
import { UtpEndpoint, type EndpointOptions, type Remote } from '../endpoint.js';

export interface LinkOptions {
  /** Probability of dropping a datagram. */
  loss?: number;
  /** Probability of delivering a datagram twice. */
  duplicate?: number;
  /** One-way propagation delay in ms. */
  delayMs?: number;
  /** Extra random delay in [0, jitterMs): packets overtake each other. */
  jitterMs?: number;
  /** Bottleneck rate in bytes per ms (0: unlimited). */
  bytesPerMs?: number;
  /** Drop-tail bottleneck queue, as the longest queueing delay it holds, in ms. */
  maxQueueMs?: number;
  /** Drops the datagrams it returns true for (index: datagrams sent so far in this direction). */
  drop?: (bytes: Uint8Array, index: number) => boolean;
}

interface Delivery {
  at: number;
  order: number;
  bytes: Uint8Array;
  to: 'a' | 'b';
  from: Remote;
}

export const ADDRESS_A: Remote = { address: '10.0.0.1', port: 1000 };
export const ADDRESS_B: Remote = { address: '10.0.0.2', port: 2000 };

/** A binary min-heap on (at, order). */
class Queue {
  private items: Delivery[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Delivery | undefined {
    return this.items[0];
  }
  push(d: Delivery): void {
    const a = this.items;
    a.push(d);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(a[i] as Delivery, a[parent] as Delivery)) break;
      [a[i], a[parent]] = [a[parent] as Delivery, a[i] as Delivery];
      i = parent;
    }
  }
  pop(): Delivery | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l] as Delivery, a[m] as Delivery)) m = l;
        if (r < a.length && less(a[r] as Delivery, a[m] as Delivery)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as Delivery, a[i] as Delivery];
        i = m;
      }
    }
    return top;
  }
}

function less(x: Delivery, y: Delivery): boolean {
  return x.at < y.at || (x.at === y.at && x.order < y.order);
}

export class Sim {
  readonly clock = new ManualClock(1_000_000);
  readonly a: UtpEndpoint;
  readonly b: UtpEndpoint;
  readonly linkRandom: Random;
  /** Datagrams each endpoint sent, for assertions. */
  readonly sent = { a: 0, b: 0 };
  private readonly queue = new Queue();
  private order = 0;
  private readonly busyUntil = { a: 0, b: 0 };

  constructor(
    seed: number,
    public linkAB: LinkOptions = {},
    public linkBA: LinkOptions = linkAB,
    endpointOptions: Partial<Omit<EndpointOptions, 'clock' | 'random' | 'send'>> = {},
  ) {
    this.linkRandom = seededRandom(seed * 7919 + 1);
    const make = (name: 'a' | 'b', rseed: number): UtpEndpoint =>
      new UtpEndpoint({
        ...endpointOptions,
        clock: this.clock,
        random: seededRandom(rseed),
        send: (bytes) => this.transmit(name, bytes),
      });
    this.a = make('a', seed);
    this.b = make('b', seed + 1);
  }

  /** Hands a datagram straight to an endpoint (for hostile input), then flushes its acks. */
  inject(to: 'a' | 'b', bytes: Uint8Array, from: Remote = to === 'a' ? ADDRESS_B : ADDRESS_A): boolean {
    const endpoint = to === 'a' ? this.a : this.b;
    const routed = endpoint.receive(bytes, from);
    endpoint.flush();
    return routed;
  }

  /** Runs until `done()` or until `maxMs` of simulated time passed; returns whether done. */
  run(done: () => boolean, maxMs = 600_000): boolean {
    const end = this.clock.now() + maxMs;
    while (!done()) {
      const next = Math.min(this.queue.peek()?.at ?? Infinity, this.a.nextDeadline(), this.b.nextDeadline());
      if (next === Infinity || next > end) return done();
      if (next > this.clock.now()) this.clock.set(next);
      // Deliver everything due now as one batch, then let each side ack once (like the node adapter).
      for (let d = this.queue.peek(); d !== undefined && d.at <= this.clock.now(); d = this.queue.peek()) {
        this.queue.pop();
        (d.to === 'a' ? this.a : this.b).receive(d.bytes, d.from);
      }
      this.a.flush();
      this.b.flush();
      this.a.tick();
      this.b.tick();
    }
    return true;
  }

  private transmit(from: 'a' | 'b', bytes: Uint8Array): void {
    const index = this.sent[from]++;
    const link = from === 'a' ? this.linkAB : this.linkBA;
    if (link.drop?.(bytes, index) === true) return;
    const r = (): number => this.linkRandom.nextU32() / 2 ** 32;
    if (r() < (link.loss ?? 0)) return;
    const now = this.clock.now();
    let departs = now;
    if ((link.bytesPerMs ?? 0) > 0) {
      const start = Math.max(now, this.busyUntil[from]);
      if (start - now > (link.maxQueueMs ?? Infinity)) return; // drop tail
      departs = start + bytes.length / (link.bytesPerMs as number);
      this.busyUntil[from] = departs;
    }
    const copies = r() < (link.duplicate ?? 0) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const at = departs + (link.delayMs ?? 0) + r() * (link.jitterMs ?? 0);
      this.queue.push({ at, order: this.order++, bytes, to: from === 'a' ? 'b' : 'a', from: from === 'a' ? ADDRESS_A : ADDRESS_B });
    }
  }
}
