// The one error class of this package. A WireError always says whether the connection should be
// dropped (`fatal`): framing errors leave the byte stream unparseable, so they are always fatal;
// a malformed extension payload can be skipped without losing the stream.

export type WireErrorCode =
  /** The handshake did not start with "\x13BitTorrent protocol" (BEP 3). */
  | 'bad-protocol'
  /** A length prefix above the absolute cap, or above the bound for its message id. */
  | 'message-too-long'
  /** A length prefix that is not the exact size its message id requires. */
  | 'bad-message-length'
  /** A bitfield whose spare bits (past the piece count) are set (BEP 3). */
  | 'bitfield-spare-bits'
  /** A request asking for more bytes than the configured maximum, or for zero bytes (BEP 3). */
  | 'bad-request-length'
  /** A BEP 6 message on a connection where the fast extension was not negotiated. */
  | 'fast-not-negotiated'
  /** A BEP 10 message on a connection where the extension protocol was not negotiated. */
  | 'extended-not-negotiated'
  /** An extended message (BEP 10) whose payload is not what its extension defines. */
  | 'bad-extended-handshake'
  | 'bad-ut-metadata'
  | 'bad-ut-pex'
  /** A value handed to an encoder that cannot be put on the wire (out of range, wrong size). */
  | 'invalid-argument';

export interface WireErrorOptions {
  /** Byte offset: in the stream for decoder errors, in the payload for payload decoders. */
  offset?: number;
  /** Which field was wrong, as a path such as `m.ut_pex` or `request.length`. */
  field?: string;
  /** True when the connection must be closed; false when the message can be ignored. */
  fatal: boolean;
  cause?: unknown;
}

export class WireError extends Error {
  override readonly name = 'WireError';
  readonly code: WireErrorCode;
  readonly offset: number | undefined;
  readonly field: string | undefined;
  readonly fatal: boolean;

  constructor(code: WireErrorCode, message: string, options: WireErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.offset = options.offset;
    this.field = options.field;
    this.fatal = options.fatal;
  }
}

/** For encoders: a caller passed something that cannot be encoded. Not a peer's fault. */
export function invalidArgument(field: string, message: string): WireError {
  return new WireError('invalid-argument', `${field}: ${message}`, { field, fatal: false });
}
