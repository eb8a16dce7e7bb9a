// Time and randomness are injected so the protocol core runs the same in tests as on a socket.

export interface Clock {
  /** Milliseconds on a monotonic clock (fractions allowed). */
  now(): number;
}

export interface Random {
  /** A uniformly random integer in [0, 2^32). */
  nextU32(): number;
}

/** A small seeded generator (mulberry32): deterministic for tests, not for secrets. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    nextU32(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    },
  };
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private time: number;
  constructor(start = 0) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  set(ms: number): void {
    this.time = ms;
  }
}

/** The wire timestamp: microseconds mod 2^32. */
export function microseconds(clock: Clock): number {
  return Math.floor(clock.now() * 1000) >>> 0;
}
