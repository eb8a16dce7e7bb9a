// The initiating side of Message Stream Encryption, for tests of the responder (test helper, not
// exported by the package): sends Ya, reads Yb, proves the shared secret and the torrent, offers
// `provide` and sends `ia` (the plaintext BitTorrent handshake) encrypted.
import { createDiffieHellman } from 'node:crypto';
import type net from 'node:net';
import { ByteReader } from '../net/mse/byte-reader.js';
import { KEY_LENGTH, MSE_GENERATOR, MSE_PRIME, VC, padKey, sha1 } from '../net/mse/constants.js';
import { Rc4 } from '../net/mse/rc4.js';

export interface InitiatorResult {
  /** crypto_select from the responder. */
  readonly selected: number;
  /** Bytes read after the responder's reply (plaintext when it selected plaintext). */
  readonly rest: Uint8Array;
}

export async function initiateEncrypted(socket: net.Socket, infoHash: Uint8Array, provide: number, ia: Uint8Array): Promise<InitiatorResult> {
  const dh = createDiffieHellman(MSE_PRIME, MSE_GENERATOR);
  socket.write(Buffer.concat([padKey(new Uint8Array(dh.generateKeys())), new Uint8Array(17)]));
  const reader = new ByteReader(socket, new Uint8Array(0), AbortSignal.timeout(10_000), 'responder');
  const yb = await reader.read(KEY_LENGTH);
  const secret = padKey(new Uint8Array(dh.computeSecret(yb)));
  const encrypt = new Rc4(sha1('keyA', secret, infoHash));
  const decrypt = new Rc4(sha1('keyB', secret, infoHash));
  encrypt.skip(1024);
  decrypt.skip(1024);
  const req2 = sha1('req2', infoHash);
  const req3 = sha1('req3', secret);
  const header = new Uint8Array(VC.length + 4 + 2 + 2);
  const view = new DataView(header.buffer);
  view.setUint32(VC.length, provide);
  view.setUint16(VC.length + 4, 0); // no PadC
  view.setUint16(VC.length + 6, ia.length);
  socket.write(Buffer.concat([sha1('req1', secret), req2.map((byte, i) => byte ^ (req3[i] ?? 0)), encrypt.update(header), encrypt.update(ia)]));
  // The reply starts with the encrypted VC somewhere after PadB: find it by decrypting at each offset.
  const expected = new Rc4(sha1('keyB', secret, infoHash));
  expected.skip(1024);
  const marker = expected.update(VC);
  await reader.skipPast(marker, 512);
  decrypt.update(VC);
  const tail = decrypt.update(await reader.read(6));
  const selected = new DataView(tail.buffer).getUint32(0);
  const padD = new DataView(tail.buffer).getUint16(4);
  decrypt.update(await reader.read(padD));
  return { selected, rest: reader.detach() };
}
