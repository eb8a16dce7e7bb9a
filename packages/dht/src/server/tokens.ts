// announce_peer write tokens (BEP 5): a hash of the querier's IP and a secret that rotates every
// 5 minutes; a token from the previous secret is still accepted, so a token lives 5 to 10 minutes.
import { createHash } from 'node:crypto';
import type { RandomSource } from '../env.js';
import { parseIp } from '../ip.js';

export const TOKEN_ROTATION_MS = 5 * 60_000;
const TOKEN_BYTES = 8;
const SECRET_BYTES = 16;

export class TokenIssuer {
  readonly #random: RandomSource;
  #current: Uint8Array;
  #previous: Uint8Array;
  #rotatedAt: number;

  constructor(random: RandomSource, now: number) {
    this.#random = random;
    this.#current = random.bytes(SECRET_BYTES);
    this.#previous = random.bytes(SECRET_BYTES);
    this.#rotatedAt = now;
  }

  /** Rotation is lazy: it happens when time has moved on, with no timer of its own. */
  #rotate(now: number): void {
    const periods = Math.floor((now - this.#rotatedAt) / TOKEN_ROTATION_MS);
    if (periods <= 0) return;
    this.#previous = periods === 1 ? this.#current : this.#random.bytes(SECRET_BYTES);
    this.#current = this.#random.bytes(SECRET_BYTES);
    this.#rotatedAt += periods * TOKEN_ROTATION_MS;
  }

  issue(host: string, now: number): Uint8Array {
    this.#rotate(now);
    return tokenFor(this.#current, host);
  }

  check(token: Uint8Array, host: string, now: number): boolean {
    this.#rotate(now);
    return equal(token, tokenFor(this.#current, host)) || equal(token, tokenFor(this.#previous, host));
  }
}

function tokenFor(secret: Uint8Array, host: string): Uint8Array {
  // Bound to the IP only (not the port): BEP 5 lets a node announce from another port than it queried.
  const ip = parseIp(host)?.bytes ?? new TextEncoder().encode(host);
  return new Uint8Array(createHash('sha1').update(secret).update(ip).digest().subarray(0, TOKEN_BYTES));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
