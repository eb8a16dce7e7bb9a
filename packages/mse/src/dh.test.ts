import { describe, expect, it } from '@jest/globals';
import { KEY_LENGTH, MSE_PRIME } from './constants.js';
import { isValidPublicKey, publicKeyOf, sharedSecret } from './dh.js';
import { seededRandom } from './random.js';

// An independent check: textbook square-and-multiply with BigInt.
const P = BigInt('0x' + Buffer.from(MSE_PRIME).toString('hex'));
const big = (bytes: Uint8Array): bigint => BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
const bytes96 = (value: bigint): Uint8Array => Uint8Array.from(Buffer.from(value.toString(16).padStart(KEY_LENGTH * 2, '0'), 'hex'));
function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % P;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

describe('Diffie-Hellman over the MSE group', () => {
  const random = seededRandom(7);

  it('computes 2^x mod P as 96 bytes, matching a BigInt implementation, for many keys on one group', () => {
    for (let i = 0; i < 20; i++) {
      const x = random(20);
      expect(publicKeyOf(x)).toEqual(bytes96(modPow(2n, big(x))));
    }
  });

  it('gives both sides the same secret even when other handshakes use the group in between', () => {
    const a = random(20);
    const b = random(20);
    const ya = publicKeyOf(a);
    const yb = publicKeyOf(b);
    publicKeyOf(random(20)); // another connection's key in between
    const sa = sharedSecret(a, yb, 0);
    publicKeyOf(random(20));
    const sb = sharedSecret(b, ya, 0);
    expect(sa).toEqual(sb);
    expect(sa).toEqual(bytes96(modPow(big(yb), big(a))));
  });

  it('left-pads results that have leading zero bytes to 96 bytes', () => {
    // Y = 2^8 = 256 as a peer key: the secret (256^x mod P) is checked at full width.
    const x = random(20);
    const secret = sharedSecret(x, bytes96(256n), 0);
    expect(secret.length).toBe(KEY_LENGTH);
    expect(secret).toEqual(bytes96(modPow(256n, big(x))));
  });

  it.each([
    ['zero', 0n],
    ['one', 1n],
    ['P - 1', P - 1n],
    ['P', P],
    ['all ones (above P)', (1n << 768n) - 1n],
  ])('refuses %s as a peer key with bad-public-key at the given offset', (_, value) => {
    expect(isValidPublicKey(bytes96(value))).toBe(false);
    expect(() => sharedSecret(random(20), bytes96(value), 0)).toThrow(expect.objectContaining({ name: 'MseError', code: 'bad-public-key', offset: 0 }));
  });

  it('accepts 2 and P - 2', () => {
    expect(isValidPublicKey(bytes96(2n))).toBe(true);
    expect(isValidPublicKey(bytes96(P - 2n))).toBe(true);
  });

  it('refuses a private key that is not 20 bytes', () => {
    expect(() => publicKeyOf(new Uint8Array(19).fill(1))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
