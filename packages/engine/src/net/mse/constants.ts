// Message Stream Encryption (the Azureus/libtorrent "protocol encryption" spec): its constants and
// key derivation. P is the 768-bit prime of the spec, G = 2; keys are SHA-1 of a label, the shared
// secret S and the torrent's info-hash (SKEY).
import { createHash } from 'node:crypto';

export const MSE_PRIME = Buffer.from(
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563',
  'hex',
);
export const MSE_GENERATOR = Buffer.from([2]);
/** Bytes of a DH public key and of the shared secret. */
export const KEY_LENGTH = 96;
/** The spec caps every padding at 512 bytes. */
export const MAX_PAD = 512;
/** Verification constant: 8 zero bytes, sent encrypted so each side can check the other's keys. */
export const VC = new Uint8Array(8);
export const CRYPTO_PLAINTEXT = 0x01;
export const CRYPTO_RC4 = 0x02;

export function sha1(...parts: (string | Uint8Array)[]): Uint8Array {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** A big-endian number of exactly KEY_LENGTH bytes (DH results lose their leading zero bytes). */
export function padKey(key: Uint8Array): Uint8Array {
  if (key.length === KEY_LENGTH) return key;
  const out = new Uint8Array(KEY_LENGTH);
  out.set(key.subarray(Math.max(0, key.length - KEY_LENGTH)), Math.max(0, KEY_LENGTH - key.length));
  return out;
}
