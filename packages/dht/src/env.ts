// What the sans-I/O core needs from its surroundings, injected so that tests and simulations control
// time, randomness and the network completely.

/** Cancels a scheduled callback; calling it after the callback ran is harmless. */
export type Cancel = () => void;

export interface Clock {
  /** Milliseconds on a monotonic scale; only differences are used. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): Cancel;
}

export interface RandomSource {
  /** `length` random bytes (cryptographically strong in production: tokens and transaction ids). */
  bytes(length: number): Uint8Array;
}

/** A UDP endpoint. `host` is a dotted IPv4 or an IPv6 string without brackets. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

export interface Transport {
  /** Sends one datagram; failures are the transport's to swallow (UDP gives no delivery promise). */
  send(bytes: Uint8Array, to: Address): void;
}

/** Uniform integer in [0, n) from a RandomSource (n up to 2^32). */
export function randomInt(random: RandomSource, n: number): number {
  const b = random.bytes(4);
  const x = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  return x % n;
}

/** A deterministic RandomSource (xorshift128+ on 32-bit halves) for tests, simulations and benchmarks. */
export class SeededRandom implements RandomSource {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  constructor(seed: number) {
    this.#s0 = (seed ^ 0x9e3779b9) >>> 0 || 1;
    this.#s1 = Math.imul(seed, 0x85ebca6b) >>> 0 || 2;
    this.#s2 = Math.imul(seed ^ 0xc2b2ae35, 0x27d4eb2f) >>> 0 || 3;
    this.#s3 = 0x165667b1;
    for (let i = 0; i < 16; i++) this.#next();
  }

  #next(): number {
    // xoshiro128** step
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const x = this.#next();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (x >>> (8 * j)) & 0xff;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
