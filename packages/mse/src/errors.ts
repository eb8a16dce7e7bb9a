// The one error class of this package. Every rule a peer can break during the handshake has a code;
// `offset` is the position in the bytes received from the peer (counted from the connection's first
// byte) where the rule failed, so a log line says exactly what the peer sent.

export type MseErrorCode =
  /** Ya or Yb is not a usable Diffie-Hellman public key (0, 1, p-1 or not below p). */
  | 'bad-public-key'
  /** The initiator got a plaintext BitTorrent handshake instead of Yb: reconnect in plaintext. */
  | 'plaintext-peer'
  /** The responder found no HASH('req1', S) within 628 bytes, or the initiator no ENCRYPT(VC) within 616. */
  | 'sync-not-found'
  /** HASH('req2', SKEY) xor HASH('req3', S) names no torrent we have (or the peer knows the wrong SKEY). */
  | 'unknown-info-hash'
  /** The verification constant did not decrypt to 8 zero bytes: the peer has other keys. */
  | 'bad-vc'
  /** PadC or PadD announced longer than 512 bytes. */
  | 'pad-too-long'
  /** IA announced longer than this side accepts. */
  | 'ia-too-long'
  /** crypto_provide offers no method this side accepts. */
  | 'no-common-method'
  /** crypto_select is not exactly one of the methods this side provided. */
  | 'bad-crypto-select'
  /** The handshake did not complete before its deadline. */
  | 'timeout'
  /**
   * The connection ended or failed before the handshake completed (socket adapter only). With no
   * bytes received (offset 0) the peer probably does not speak MSE: retry in plaintext if allowed.
   */
  | 'closed'
  /** The caller aborted the handshake, or used it after it failed or finished. */
  | 'aborted'
  /** A value given by the caller (not the peer) is unusable: wrong key size, bad option. */
  | 'invalid-argument';

export interface MseErrorOptions {
  /** Offset in the bytes received from the peer, counted from the first byte of the connection. */
  offset?: number;
  cause?: unknown;
}

export class MseError extends Error {
  override readonly name = 'MseError';
  readonly code: MseErrorCode;
  readonly offset: number | undefined;

  constructor(code: MseErrorCode, message: string, options: MseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.offset = options.offset;
  }
}
