// The real clock and random source for production use.
import { randomBytes } from 'node:crypto';
import type { Clock, RandomSource } from '../env.js';

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref(); // the socket, not a pending DHT timer, decides whether the process stays up
    return () => clearTimeout(timer);
  },
};

export const systemRandom: RandomSource = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
};
