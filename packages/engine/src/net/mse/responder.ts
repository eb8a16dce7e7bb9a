// The receiving side of Message Stream Encryption, so clients that open with an encrypted handshake
// (libtorrent does by default, falling back to plaintext only after a failed attempt and a pause)
// get in at once. We offer plaintext as the payload method: RC4 covers only the handshake, and the
// BitTorrent stream after it is the usual one. Peers that insist on RC4 for the payload are refused.
//
//   1 A->B: Ya, PadA                      2 B->A: Yb, PadB
//   3 A->B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
//           ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
//   4 B->A: ENCRYPT(VC, crypto_select, len(PadD), PadD), then the payload stream
import { createDiffieHellman, randomBytes, randomInt } from 'node:crypto';
import type net from 'node:net';
import { EngineError } from '../../errors.js';
import { ByteReader } from './byte-reader.js';
import { CRYPTO_PLAINTEXT, KEY_LENGTH, MAX_PAD, MSE_GENERATOR, MSE_PRIME, VC, padKey, sha1 } from './constants.js';
import { Rc4 } from './rc4.js';

export interface EncryptedHandshake {
  /** The info-hash the peer named (SKEY). */
  readonly infoHash: Uint8Array;
  /** Plaintext that followed the encryption handshake: the peer's BitTorrent handshake and more. */
  readonly initial: Uint8Array;
}

/** Finds the torrent whose SHA-1('req2', info-hash) the peer sent; undefined when we have none. */
export type FindInfoHash = (req2: Uint8Array) => Uint8Array | undefined;

/** SHA-1('req2', infoHash): how an encrypting peer names a torrent without revealing its info-hash. */
export function req2Hash(infoHash: Uint8Array): Uint8Array {
  return sha1('req2', infoHash);
}

/**
 * Runs the handshake on an incoming socket whose first bytes (`first`, already read) were not a
 * plaintext BitTorrent handshake. Resolves with the socket paused.
 */
export async function acceptEncrypted(socket: net.Socket, first: Uint8Array, findInfoHash: FindInfoHash, signal: AbortSignal, peer: string): Promise<EncryptedHandshake> {
  const reader = new ByteReader(socket, first, signal, peer);
  try {
    const ya = await reader.read(KEY_LENGTH);
    const dh = createDiffieHellman(MSE_PRIME, MSE_GENERATOR);
    const yb = padKey(new Uint8Array(dh.generateKeys()));
    socket.write(Buffer.concat([yb, randomBytes(randomInt(0, 64))]));
    const secret = padKey(new Uint8Array(dh.computeSecret(ya)));
    await reader.skipPast(sha1('req1', secret), MAX_PAD);
    const xored = await reader.read(20);
    const req3 = sha1('req3', secret);
    const infoHash = findInfoHash(xored.map((byte, i) => byte ^ (req3[i] ?? 0)));
    if (infoHash === undefined) throw new EngineError('WRONG_INFO_HASH', 'encrypted handshake for a torrent we do not have', { peer });
    const decrypt = new Rc4(sha1('keyA', secret, infoHash));
    const encrypt = new Rc4(sha1('keyB', secret, infoHash));
    decrypt.skip(1024);
    encrypt.skip(1024);
    const header = decrypt.update(await reader.read(VC.length + 4 + 2));
    if (header.subarray(0, VC.length).some((byte) => byte !== 0)) throw new EngineError('PROTOCOL', 'encryption handshake: bad verification constant', { peer });
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const provide = view.getUint32(VC.length);
    const padC = view.getUint16(VC.length + 4);
    if (padC > MAX_PAD) throw new EngineError('PROTOCOL', `encryption handshake: padding of ${padC} bytes`, { peer });
    decrypt.update(await reader.read(padC));
    const iaLength = new DataView(decrypt.update(await reader.read(2)).buffer).getUint16(0);
    const ia = decrypt.update(await reader.read(iaLength));
    if ((provide & CRYPTO_PLAINTEXT) === 0) throw new EngineError('PROTOCOL', 'the peer wants an RC4-encrypted stream, which we do not offer', { peer });
    const reply = new Uint8Array(VC.length + 4 + 2);
    new DataView(reply.buffer).setUint32(VC.length, CRYPTO_PLAINTEXT);
    socket.write(encrypt.update(reply));
    const rest = reader.detach();
    const initial = new Uint8Array(ia.length + rest.length);
    initial.set(ia);
    initial.set(rest, ia.length);
    return { infoHash, initial };
  } catch (error) {
    reader.detach();
    throw error instanceof EngineError ? error : new EngineError('PROTOCOL', `encryption handshake failed: ${error instanceof Error ? error.message : String(error)}`, { peer, cause: error });
  }
}
