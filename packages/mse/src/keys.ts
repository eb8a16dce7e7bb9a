// The hashes of the spec: HASH() is SHA-1 over the concatenation of its arguments.
//   HASH('req1', S)                         proves to B that A knows S, and marks where PadA ends
//   HASH('req2', SKEY) xor HASH('req3', S)  names the torrent without revealing its info-hash
//   HASH('keyA'|'keyB', S, SKEY)            RC4 keys for what A and B send
import { createHash } from 'node:crypto';
import { HASH_LENGTH } from './constants.js';

export function sha1(...parts: readonly (string | Uint8Array)[]): Uint8Array {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** HASH('req1', S): the responder's synchronisation pattern. */
export function req1Hash(secret: Uint8Array): Uint8Array {
  return sha1('req1', secret);
}

/**
 * HASH('req2', info-hash): what a responder gets back after undoing the xor with HASH('req3', S).
 * A session keys its torrents by this value to route incoming encrypted connections.
 */
export function obfuscatedInfoHash(infoHash: Uint8Array): Uint8Array {
  return sha1('req2', infoHash);
}

/** HASH('req2', SKEY) xor HASH('req3', S), as sent by the initiator (and undone by the responder). */
export function xorReq3(value: Uint8Array, secret: Uint8Array): Uint8Array {
  const req3 = sha1('req3', secret);
  const out = new Uint8Array(HASH_LENGTH);
  for (let i = 0; i < HASH_LENGTH; i++) out[i] = (value[i] ?? 0) ^ (req3[i] ?? 0);
  return out;
}

/** The RC4 key for bytes the initiator (A) or responder (B) sends. */
export function rc4Key(sender: 'A' | 'B', secret: Uint8Array, infoHash: Uint8Array): Uint8Array {
  return sha1(sender === 'A' ? 'keyA' : 'keyB', secret, infoHash);
}
