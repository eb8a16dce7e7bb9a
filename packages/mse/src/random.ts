// Randomness is injected: private keys and padding come from the caller's source, so tests can use a
// seeded one and reproduce a handshake byte for byte. The engine passes `cryptoRandom` (node.ts).
import { MAX_PAD } from './constants.js';
import { MseError } from './errors.js';

/** Returns `length` random bytes. Must be cryptographically strong outside tests. */
export type RandomBytes = (length: number) => Uint8Array;

export function randomBytesFrom(random: RandomBytes, length: number): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new MseError('invalid-argument', `the random source returned ${bytes instanceof Uint8Array ? bytes.length : typeof bytes} instead of ${length} bytes`);
  }
  // A copy: a source may hand out one reused buffer, and private keys are wiped in place later.
  return Uint8Array.from(bytes);
}

/** Random padding of a random length in 0..limit (limit at most 512, the spec's cap). */
export function randomPadding(random: RandomBytes, limit: number): Uint8Array {
  checkPadLimit(limit);
  const [high = 0, low = 0] = randomBytesFrom(random, 2);
  return randomBytesFrom(random, ((high << 8) | low) % (limit + 1));
}

export function checkPadLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAD) throw new MseError('invalid-argument', `padding limit ${limit} is outside 0..${MAX_PAD}`);
  return limit;
}

/** A deterministic source for tests and fixed vectors (xorshift32, NOT for real connections). */
export function seededRandom(seed: number): RandomBytes {
  let state = seed >>> 0 || 1;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
}
