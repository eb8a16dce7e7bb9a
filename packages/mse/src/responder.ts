// The responding side (B) of Message Stream Encryption (see initiator.ts for the four messages).
// B answers Ya with Yb and PadB, then finds where PadA ends by looking for HASH('req1', S) within 628
// bytes of the connection start, undoes the req3 xor to learn which torrent A wants (through the
// caller's lookup, so one listener serves every torrent of a session), checks VC, reads PadC and IA,
// and answers with crypto_select. States: ya -> req1 -> skey -> provide -> pad-c -> ia -> done.
import { HASH_LENGTH, KEY_LENGTH, MAX_IA, MAX_PAD, PRIVATE_KEY_LENGTH, REQ1_SYNC_LIMIT, VC_LENGTH } from './constants.js';
import { isValidPublicKey, publicKeyOf, sharedSecret } from './dh.js';
import { MseError } from './errors.js';
import { type CryptoMethod, type HandshakeTiming, METHOD_BITS, MseHandshake, type MseStep, NOTHING, concatBytes, methodBits } from './handshake.js';
import { rc4Key, req1Hash, xorReq3 } from './keys.js';
import { type RandomBytes, checkPadLimit, randomBytesFrom, randomPadding } from './random.js';
import { Rc4 } from './rc4.js';

/**
 * Given HASH('req2', info-hash) from a peer, returns that info-hash when we have the torrent, else
 * undefined. `InfoHashIndex.find` is one.
 */
export type FindInfoHash = (obfuscated: Uint8Array) => Uint8Array | undefined;

export interface MseResponderOptions extends HandshakeTiming {
  readonly findInfoHash: FindInfoHash;
  /** Methods we accept, most preferred first. Default ['rc4', 'plaintext']: RC4 when offered. */
  readonly allow?: readonly CryptoMethod[];
  readonly random: RandomBytes;
  /** Upper bound for the random PadB length (0..512, default 512). */
  readonly padLimit?: number;
  /** Longest IA accepted (default 65535, what len(IA) can say). */
  readonly maxInitialPayload?: number;
}

type Keyed = { secret: Uint8Array };
type Ciphers = { encrypt: Rc4; decrypt: Rc4; infoHash: Uint8Array };
type State =
  | { name: 'ya' }
  | ({ name: 'req1'; pattern: Uint8Array } & Keyed)
  | ({ name: 'skey' } & Keyed)
  | ({ name: 'provide' } & Ciphers)
  | ({ name: 'pad-c'; method: CryptoMethod; padLength: number } & Ciphers)
  | ({ name: 'ia'; method: CryptoMethod; iaLength: number } & Ciphers);

export class MseResponder extends MseHandshake {
  readonly #findInfoHash: FindInfoHash;
  readonly #allow: readonly CryptoMethod[];
  readonly #random: RandomBytes;
  readonly #padLimit: number;
  readonly #maxIa: number;
  #state: State = { name: 'ya' };

  constructor(options: MseResponderOptions) {
    super(options);
    this.#allow = [...(options.allow ?? ['rc4', 'plaintext'])];
    methodBits(this.#allow, 'allow');
    this.#findInfoHash = options.findInfoHash;
    this.#random = options.random;
    this.#padLimit = checkPadLimit(options.padLimit ?? MAX_PAD);
    this.#maxIa = options.maxInitialPayload ?? MAX_IA;
    if (!Number.isInteger(this.#maxIa) || this.#maxIa < 0 || this.#maxIa > MAX_IA) throw new MseError('invalid-argument', `maxInitialPayload ${this.#maxIa}`);
  }

  protected advance(): MseStep {
    let send: Uint8Array = NOTHING;
    for (;;) {
      const state = this.#state;
      switch (state.name) {
        case 'ya': {
          if (this.inbox.length < KEY_LENGTH) return { send, done: undefined };
          const ya = this.inbox.take(KEY_LENGTH);
          // Refuse junk before spending any CPU on it.
          if (!isValidPublicKey(ya)) throw new MseError('bad-public-key', 'Ya is not a usable Diffie-Hellman key', { offset: 0 });
          const privateKey = randomBytesFrom(this.#random, PRIVATE_KEY_LENGTH);
          try {
            send = concatBytes([publicKeyOf(privateKey), randomPadding(this.#random, this.#padLimit)]);
            const secret = sharedSecret(privateKey, ya, 0);
            this.#state = { name: 'req1', pattern: req1Hash(secret), secret };
          } finally {
            privateKey.fill(0);
          }
          break;
        }
        case 'req1': {
          const window = REQ1_SYNC_LIMIT - this.inbox.consumed;
          const at = this.inbox.indexOf(state.pattern, window);
          if (at === -1) {
            if (this.inbox.length >= window) throw new MseError('sync-not-found', `no HASH('req1', S) within ${REQ1_SYNC_LIMIT} bytes: PadA too long or other keys`, { offset: REQ1_SYNC_LIMIT });
            return { send, done: undefined };
          }
          this.inbox.take(at + HASH_LENGTH);
          this.#state = { name: 'skey', secret: state.secret };
          break;
        }
        case 'skey': {
          if (this.inbox.length < HASH_LENGTH) return { send, done: undefined };
          const offset = this.inbox.consumed;
          const found = this.#findInfoHash(xorReq3(this.inbox.take(HASH_LENGTH), state.secret));
          if (found === undefined) throw new MseError('unknown-info-hash', 'the peer asked for a torrent we do not have (or for a wrong SKEY)', { offset });
          if (!(found instanceof Uint8Array) || found.length !== HASH_LENGTH) throw new MseError('invalid-argument', 'findInfoHash must return a 20-byte info-hash');
          const infoHash = Uint8Array.from(found);
          const ciphers = { infoHash, encrypt: Rc4.forMse(rc4Key('B', state.secret, infoHash)), decrypt: Rc4.forMse(rc4Key('A', state.secret, infoHash)) };
          state.secret.fill(0);
          this.#state = { name: 'provide', ...ciphers };
          break;
        }
        case 'provide': {
          if (this.inbox.length < VC_LENGTH + 6) return { send, done: undefined };
          const offset = this.inbox.consumed;
          const fields = state.decrypt.process(this.inbox.take(VC_LENGTH + 6));
          if (fields.subarray(0, VC_LENGTH).some((byte) => byte !== 0)) throw new MseError('bad-vc', 'VC did not decrypt to zeros: the peer has other keys', { offset });
          const view = new DataView(fields.buffer);
          const method = this.#choose(view.getUint32(VC_LENGTH), offset + VC_LENGTH);
          const padLength = view.getUint16(VC_LENGTH + 4);
          if (padLength > MAX_PAD) throw new MseError('pad-too-long', `PadC of ${padLength} bytes`, { offset: offset + VC_LENGTH + 4 });
          this.#state = { ...state, name: 'pad-c', method, padLength };
          break;
        }
        case 'pad-c': {
          if (this.inbox.length < state.padLength + 2) return { send, done: undefined };
          const offset = this.inbox.consumed + state.padLength;
          const fields = state.decrypt.process(this.inbox.take(state.padLength + 2));
          const iaLength = new DataView(fields.buffer).getUint16(state.padLength);
          if (iaLength > this.#maxIa) throw new MseError('ia-too-long', `IA of ${iaLength} bytes (at most ${this.#maxIa})`, { offset });
          this.#state = { name: 'ia', method: state.method, iaLength, encrypt: state.encrypt, decrypt: state.decrypt, infoHash: state.infoHash };
          break;
        }
        case 'ia': {
          if (this.inbox.length < state.iaLength) return { send, done: undefined };
          const ia = state.decrypt.process(this.inbox.take(state.iaLength));
          const rest = this.inbox.takeAll();
          const rc4 = state.method === 'rc4';
          if (rc4) state.decrypt.process(rest);
          const reply = new Uint8Array(VC_LENGTH + 4 + 2); // VC, crypto_select, len(PadD) = 0
          new DataView(reply.buffer).setUint32(VC_LENGTH, METHOD_BITS[state.method]);
          send = concatBytes([send, state.encrypt.process(reply)]);
          const received = rest.length === 0 ? ia : concatBytes([ia, rest]);
          return {
            send,
            done: { method: state.method, infoHash: state.infoHash, received, encrypt: rc4 ? state.encrypt : undefined, decrypt: rc4 ? state.decrypt : undefined },
          };
        }
      }
    }
  }

  /** The first allowed method the peer provides; unknown bits are ignored (spec). */
  #choose(provide: number, offset: number): CryptoMethod {
    const method = this.#allow.find((m) => (provide & METHOD_BITS[m]) !== 0);
    if (method === undefined) throw new MseError('no-common-method', `crypto_provide 0x${provide.toString(16)} offers nothing we accept`, { offset });
    return method;
  }

  protected wipe(): void {
    const state = this.#state;
    if ('secret' in state) state.secret.fill(0);
    this.#state = { name: 'ya' };
  }
}
