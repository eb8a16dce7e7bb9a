// The initiating side (A) of Message Stream Encryption:
//
//   1 A->B: Ya, PadA
//   2 B->A: Yb, PadB
//   3 A->B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
//           ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
//   4 B->A: ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload stream)
//
// A cannot know where PadB ends, so it looks for ENCRYPT(VC) (the first 8 bytes of B's keystream)
// within 616 bytes of B's first byte. States: yb -> vc -> select -> pad-d -> done.
import { HASH_LENGTH, KEY_LENGTH, MAX_IA, MAX_PAD, PRIVATE_KEY_LENGTH, VC_LENGTH, VC_SYNC_LIMIT } from './constants.js';
import { looksLikePlaintextHandshake } from './detect.js';
import { publicKeyOf, sharedSecret } from './dh.js';
import { MseError } from './errors.js';
import { type CryptoMethod, type HandshakeTiming, METHOD_BITS, MseHandshake, type MseStep, NOTHING, concatBytes, methodBits } from './handshake.js';
import { obfuscatedInfoHash, rc4Key, req1Hash, xorReq3 } from './keys.js';
import { type RandomBytes, randomBytesFrom, randomPadding } from './random.js';
import { Rc4 } from './rc4.js';

export interface MseInitiatorOptions extends HandshakeTiming {
  /** The torrent to ask for (SKEY), 20 bytes. */
  readonly infoHash: Uint8Array;
  /** Methods offered in crypto_provide. Default both: ['rc4', 'plaintext']. */
  readonly provide?: readonly CryptoMethod[];
  /** IA: plaintext sent encrypted inside message 3, usually our BitTorrent handshake. At most 65535 bytes. */
  readonly initialPayload?: Uint8Array;
  readonly random: RandomBytes;
  /** Upper bound for the random PadA length (0..512, default 512). */
  readonly padLimit?: number;
}

type State =
  | { name: 'yb' }
  | { name: 'vc'; pattern: Uint8Array; encrypt: Rc4; decrypt: Rc4 }
  | { name: 'select'; encrypt: Rc4; decrypt: Rc4 }
  | { name: 'pad-d'; encrypt: Rc4; decrypt: Rc4; method: CryptoMethod; padLength: number };

export class MseInitiator extends MseHandshake {
  readonly #infoHash: Uint8Array;
  readonly #provide: number;
  readonly #initialPayload: Uint8Array;
  readonly #privateKey: Uint8Array;
  readonly #greeting: Uint8Array;
  #state: State = { name: 'yb' };
  #started = false;

  constructor(options: MseInitiatorOptions) {
    super(options);
    if (options.infoHash.length !== HASH_LENGTH) throw new MseError('invalid-argument', 'an info-hash is 20 bytes');
    const ia = options.initialPayload ?? NOTHING;
    if (ia.length > MAX_IA) throw new MseError('invalid-argument', `IA of ${ia.length} bytes; len(IA) is two bytes`);
    this.#infoHash = Uint8Array.from(options.infoHash);
    this.#provide = methodBits(options.provide ?? ['rc4', 'plaintext'], 'provide');
    this.#initialPayload = Uint8Array.from(ia);
    this.#privateKey = randomBytesFrom(options.random, PRIVATE_KEY_LENGTH);
    this.#greeting = concatBytes([publicKeyOf(this.#privateKey), randomPadding(options.random, options.padLimit ?? MAX_PAD)]);
  }

  /** Message 1 (Ya, PadA): write it as soon as the connection opens. */
  start(): Uint8Array {
    return this.guard(() => {
      this.#started = true;
      return this.#greeting;
    });
  }

  protected advance(): MseStep {
    if (!this.#started) throw new MseError('invalid-argument', 'start() must be called (and its bytes sent) before receive()');
    let send: Uint8Array = NOTHING;
    for (;;) {
      const state = this.#state;
      switch (state.name) {
        case 'yb': {
          // A peer that sends its plaintext handshake without waiting for ours does not speak MSE.
          if (looksLikePlaintextHandshake(this.inbox.peek(20)) === 'plaintext') {
            throw new MseError('plaintext-peer', 'the peer answered with a plaintext BitTorrent handshake', { offset: 0 });
          }
          if (this.inbox.length < KEY_LENGTH) return { send, done: undefined };
          const secret = sharedSecret(this.#privateKey, this.inbox.take(KEY_LENGTH), 0);
          const encrypt = Rc4.forMse(rc4Key('A', secret, this.#infoHash));
          send = this.#message3(secret, encrypt);
          const decrypt = Rc4.forMse(rc4Key('B', secret, this.#infoHash));
          // B's VC encrypts 8 zero bytes, so its ciphertext is the next 8 bytes of B's keystream;
          // computing it also moves `decrypt` past the VC.
          const pattern = decrypt.process(new Uint8Array(VC_LENGTH));
          this.#state = { name: 'vc', pattern, encrypt, decrypt };
          secret.fill(0);
          break;
        }
        case 'vc': {
          const window = VC_SYNC_LIMIT - this.inbox.consumed;
          const at = this.inbox.indexOf(state.pattern, window);
          if (at === -1) {
            if (this.inbox.length >= window) throw new MseError('sync-not-found', `no encrypted VC within ${VC_SYNC_LIMIT} bytes: PadB too long or other keys`, { offset: VC_SYNC_LIMIT });
            return { send, done: undefined };
          }
          this.inbox.take(at + VC_LENGTH);
          this.#state = { name: 'select', encrypt: state.encrypt, decrypt: state.decrypt };
          break;
        }
        case 'select': {
          if (this.inbox.length < 6) return { send, done: undefined };
          const offset = this.inbox.consumed;
          const fields = state.decrypt.process(this.inbox.take(6));
          const view = new DataView(fields.buffer);
          const select = view.getUint32(0);
          const method = this.#selected(select, offset);
          const padLength = view.getUint16(4);
          if (padLength > MAX_PAD) throw new MseError('pad-too-long', `PadD of ${padLength} bytes`, { offset: offset + 4 });
          this.#state = { name: 'pad-d', encrypt: state.encrypt, decrypt: state.decrypt, method, padLength };
          break;
        }
        case 'pad-d': {
          if (this.inbox.length < state.padLength) return { send, done: undefined };
          state.decrypt.process(this.inbox.take(state.padLength));
          const received = this.inbox.takeAll();
          const rc4 = state.method === 'rc4';
          if (rc4) state.decrypt.process(received);
          return {
            send,
            done: { method: state.method, infoHash: this.#infoHash, received, encrypt: rc4 ? state.encrypt : undefined, decrypt: rc4 ? state.decrypt : undefined },
          };
        }
      }
    }
  }

  /** Message 3, encrypting with A's cipher (which the payload stream continues). PadC is empty, as libtorrent sends it. */
  #message3(secret: Uint8Array, encrypt: Rc4): Uint8Array {
    const header = new Uint8Array(VC_LENGTH + 4 + 2 + 2);
    const view = new DataView(header.buffer);
    view.setUint32(VC_LENGTH, this.#provide);
    view.setUint16(VC_LENGTH + 4, 0);
    view.setUint16(VC_LENGTH + 6, this.#initialPayload.length);
    const encrypted = encrypt.process(concatBytes([header, this.#initialPayload]));
    return concatBytes([req1Hash(secret), xorReq3(obfuscatedInfoHash(this.#infoHash), secret), encrypted]);
  }

  /** crypto_select must name exactly one method we provided; unknown bits are ignored (spec). */
  #selected(select: number, offset: number): CryptoMethod {
    const known = select & (METHOD_BITS.rc4 | METHOD_BITS.plaintext);
    if (known === METHOD_BITS.rc4 && (this.#provide & known) !== 0) return 'rc4';
    if (known === METHOD_BITS.plaintext && (this.#provide & known) !== 0) return 'plaintext';
    throw new MseError('bad-crypto-select', `crypto_select 0x${select.toString(16)} is not one method of the offered 0x${this.#provide.toString(16)}`, { offset });
  }

  protected wipe(): void {
    this.#privateKey.fill(0);
    this.#state = { name: 'yb' };
  }
}
