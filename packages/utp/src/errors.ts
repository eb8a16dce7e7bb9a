// The one error class of this package. Malformed packets never become errors (they are counted and
// dropped); a UtpError is what a caller of a connection sees: refused, reset, timed out, closed.

export type UtpErrorCode =
  /** The peer answered our SYN with ST_RESET (nobody listening, or it refused us). */
  | 'ECONNREFUSED'
  /** The peer sent ST_RESET on an established connection. */
  | 'ECONNRESET'
  /** No answer to the SYN, or to a retransmitted packet, after the retry budget (BEP 29 timeouts). */
  | 'ETIMEDOUT'
  /** Too many connections, or too many half-open ones: the local limits in `EndpointLimits`. */
  | 'ELIMIT'
  /** The socket or connection was closed or destroyed before the operation could finish. */
  | 'ECLOSED'
  /** A value handed to the API that cannot be used (a port out of range, a packet size too small). */
  | 'EINVAL';

export interface UtpErrorOptions {
  /** Which option or field was wrong, for EINVAL. */
  field?: string;
  cause?: unknown;
}

export class UtpError extends Error {
  override readonly name = 'UtpError';
  readonly code: UtpErrorCode;
  readonly field: string | undefined;

  constructor(code: UtpErrorCode, message: string, options: UtpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }
}
