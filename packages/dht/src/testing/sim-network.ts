// An in-memory UDP network on a ManualClock: datagrams arrive after a fixed latency, in order.
import type { Address, Transport } from '../env.js';
import { addressKey } from '../ip.js';
import type { ManualClock } from './manual-clock.js';

export type DatagramHandler = (bytes: Uint8Array, from: Address) => void;

export interface SimNetworkOptions {
  /** One-way delay of every datagram. Default 10 ms. */
  latencyMs?: number;
}

export class SimNetwork {
  readonly clock: ManualClock;
  readonly #latency: number;
  readonly #hosts = new Map<string, DatagramHandler>();
  datagrams = 0;
  bytes = 0;

  constructor(clock: ManualClock, options: SimNetworkOptions = {}) {
    this.clock = clock;
    this.#latency = options.latencyMs ?? 10;
  }

  /** Binds `address`; the returned transport sends from it. */
  bind(address: Address, handler: DatagramHandler): Transport {
    this.#hosts.set(addressKey(address), handler);
    return { send: (bytes, to) => this.#send(bytes.slice(), address, to) };
  }

  unbind(address: Address): void {
    this.#hosts.delete(addressKey(address));
  }

  #send(bytes: Uint8Array, from: Address, to: Address): void {
    this.datagrams++;
    this.bytes += bytes.length;
    this.clock.setTimeout(() => this.#hosts.get(addressKey(to))?.(bytes, from), this.#latency);
  }
}
