// Diffie-Hellman over the MSE group, with one group object per process.
//
// `createDiffieHellman(prime, 2)` checks that the prime is safe every time (about 20 ms here), which
// let 40 junk connections a second hold a core (issue 16, defect 3). One key pair, in CPU time on
// Node 20.20 / OpenSSL 3.0 (tools/bench/rc4-and-dh.mjs):
//   createDiffieHellman + generateKeys                19    ms
//   generateKeyPairSync('dh', { prime, generator })    0.18 ms (plus DER round trips to use the keys)
//   BigInt square-and-multiply, 160-bit exponent       0.23 ms (and not constant time)
//   one shared object: setPrivateKey + generateKeys    0.05 ms (computeSecret: another 0.05 ms)
// The shared object wins. It is safe to share because every use below is synchronous: a private key
// is set and used in the same call, so no other handshake can interleave.
import { createDiffieHellman, type DiffieHellman } from 'node:crypto';
import { KEY_LENGTH, MSE_GENERATOR, MSE_PRIME, PRIVATE_KEY_LENGTH } from './constants.js';
import { MseError } from './errors.js';

let group: DiffieHellman | undefined;
/** Set after every use, so the shared object does not keep a connection's private key around. */
const SCRUB_KEY = new Uint8Array(PRIVATE_KEY_LENGTH).fill(1);

function sharedGroup(): DiffieHellman {
  // The one prime check of the process happens here, on first use.
  group ??= createDiffieHellman(MSE_PRIME, MSE_GENERATOR);
  return group;
}

/** Left-pads a big-endian number to 96 bytes (OpenSSL drops leading zero bytes). */
function toKeyLength(value: Uint8Array): Uint8Array {
  if (value.length === KEY_LENGTH) return new Uint8Array(value);
  const out = new Uint8Array(KEY_LENGTH);
  out.set(value, KEY_LENGTH - value.length);
  return out;
}

function checkPrivateKey(privateKey: Uint8Array): void {
  if (privateKey.length !== PRIVATE_KEY_LENGTH || privateKey.every((byte) => byte === 0)) {
    throw new MseError('invalid-argument', `a private key must be ${PRIVATE_KEY_LENGTH} bytes, not all zero`);
  }
}

/** Y = 2^x mod P, as 96 bytes. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  const dh = sharedGroup();
  dh.setPrivateKey(privateKey);
  try {
    return toKeyLength(new Uint8Array(dh.generateKeys()));
  } finally {
    dh.setPrivateKey(SCRUB_KEY);
  }
}

/** Compares two 96-byte big-endian numbers. */
function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < KEY_LENGTH; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

const PRIME_MINUS_ONE = (() => {
  const out = new Uint8Array(MSE_PRIME);
  out[KEY_LENGTH - 1]! -= 1; // P ends in 0x63: no borrow
  return out;
})();

/**
 * True when `key` (96 bytes) is in 2..P-2. 0, 1 and P-1 would force a secret anyone can guess, and
 * OpenSSL would accept some values at or above P.
 */
export function isValidPublicKey(key: Uint8Array): boolean {
  if (key.length !== KEY_LENGTH) return false;
  let high = 0;
  for (let i = 0; i < KEY_LENGTH - 1; i++) high |= key[i]!;
  if (high === 0 && key[KEY_LENGTH - 1]! < 2) return false;
  return compare(key, PRIME_MINUS_ONE) < 0;
}

/**
 * S = Y^x mod P, as 96 bytes. `peerPublicKey` must have passed isValidPublicKey; `offset` places the
 * error if OpenSSL refuses it anyway.
 */
export function sharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array, offset: number): Uint8Array {
  checkPrivateKey(privateKey);
  if (!isValidPublicKey(peerPublicKey)) throw new MseError('bad-public-key', 'the peer sent an unusable Diffie-Hellman key', { offset });
  const dh = sharedGroup();
  dh.setPrivateKey(privateKey);
  try {
    return toKeyLength(new Uint8Array(dh.computeSecret(peerPublicKey)));
  } catch (cause) {
    throw new MseError('bad-public-key', 'the peer sent an unusable Diffie-Hellman key', { offset, cause });
  } finally {
    dh.setPrivateKey(SCRUB_KEY);
  }
}
