// The production random source, kept apart from the sans-I/O core (which takes randomness injected).
import { randomBytes } from 'node:crypto';
import type { RandomBytes } from './random.js';

export const cryptoRandom: RandomBytes = (length) => new Uint8Array(randomBytes(length));
