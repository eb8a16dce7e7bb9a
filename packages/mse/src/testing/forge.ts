// Test helper: hand-built handshake messages, to play a peer that breaks one rule at a time.
import { KEY_LENGTH, VC_LENGTH } from '../constants.js';
import { publicKeyOf, sharedSecret } from '../dh.js';
import { obfuscatedInfoHash, rc4Key, req1Hash, xorReq3 } from '../keys.js';
import { Rc4 } from '../rc4.js';

export class ForgedPeer {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  #secret: Uint8Array | undefined;

  constructor(seed: number) {
    this.privateKey = new Uint8Array(20).map((_, i) => (seed * 31 + i * 7 + 1) & 0xff);
    this.publicKey = publicKeyOf(this.privateKey);
  }

  /** Learns S from the other side's first 96 bytes. */
  agree(peerBytes: Uint8Array): Uint8Array {
    this.#secret = sharedSecret(this.privateKey, peerBytes.subarray(0, KEY_LENGTH), 0);
    return this.#secret;
  }

  get secret(): Uint8Array {
    if (this.#secret === undefined) throw new Error('agree() first');
    return this.#secret;
  }

  /** Message 3 as an initiator would send it, with any field overridden. */
  message3(infoHash: Uint8Array, fields: { vc?: Uint8Array; provide?: number; padC?: number; padCBytes?: number; ia?: Uint8Array; skey?: Uint8Array } = {}): Uint8Array {
    const secret = this.secret;
    const encrypt = Rc4.forMse(rc4Key('A', secret, fields.skey ?? infoHash));
    const ia = fields.ia ?? new Uint8Array(0);
    const padC = fields.padC ?? 0;
    const body = new Uint8Array(VC_LENGTH + 6 + (fields.padCBytes ?? padC) + 2 + ia.length);
    body.set(fields.vc ?? new Uint8Array(VC_LENGTH));
    const view = new DataView(body.buffer);
    view.setUint32(VC_LENGTH, fields.provide ?? 0x03);
    view.setUint16(VC_LENGTH + 4, padC);
    const afterPad = VC_LENGTH + 6 + (fields.padCBytes ?? padC);
    view.setUint16(afterPad, ia.length);
    body.set(ia, afterPad + 2);
    const head = new Uint8Array(40);
    head.set(req1Hash(secret));
    head.set(xorReq3(obfuscatedInfoHash(infoHash), secret), 20);
    const out = new Uint8Array(40 + body.length);
    out.set(head);
    out.set(encrypt.process(body), 40);
    return out;
  }

  /** Message 4 as a responder would send it. */
  message4(infoHash: Uint8Array, fields: { vc?: Uint8Array; select?: number; padD?: number } = {}): Uint8Array {
    const encrypt = Rc4.forMse(rc4Key('B', this.secret, infoHash));
    const padD = fields.padD ?? 0;
    const body = new Uint8Array(VC_LENGTH + 6 + padD);
    body.set(fields.vc ?? new Uint8Array(VC_LENGTH));
    const view = new DataView(body.buffer);
    view.setUint32(VC_LENGTH, fields.select ?? 0x02);
    view.setUint16(VC_LENGTH + 4, padD);
    return encrypt.process(body);
  }
}
