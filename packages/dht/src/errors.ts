// The package's one error class. Malformed KRPC input, a remote KRPC error, a timeout or a closed node
// all surface as DhtError with a string-literal code and, where it applies, the field that failed.

export type DhtErrorCode =
  /** The datagram is not valid bencode, or breaks a size/depth limit of the decoder. */
  | 'NOT_BENCODE'
  /** The datagram is longer than the configured cap. */
  | 'TOO_LARGE'
  /** Valid bencode, but not a KRPC message: missing or mistyped fields. `field` names which. */
  | 'MALFORMED'
  /** A compact node or peer string whose length is not a multiple of its entry size. */
  | 'BAD_COMPACT'
  /** The caller passed an out-of-range argument (a 19-byte info-hash, port 0, ...). */
  | 'INVALID_ARGUMENT'
  /** The remote node answered with a KRPC error message (`remoteCode` holds its code). */
  | 'REMOTE_ERROR'
  /** No answer within the query timeout. */
  | 'TIMEOUT'
  /** The caller's AbortSignal fired. */
  | 'ABORTED'
  /** The node was closed while the operation was pending. */
  | 'CLOSED'
  /** Too many queries in flight; the query was not sent. */
  | 'BUSY'
  /** Reading or writing the saved routing table failed. */
  | 'STATE_FILE';

export interface DhtErrorOptions {
  /** Dotted path of the field that failed, e.g. `a.info_hash` or `r.nodes`. */
  readonly field?: string;
  /** Byte offset in the datagram where bencode decoding failed. */
  readonly offset?: number;
  /** Transaction id of the message, when it could be read: lets a server answer with KRPC error 203. */
  readonly transactionId?: Uint8Array;
  /** The remote node's KRPC error code (201 generic, 202 server, 203 protocol, 204 method unknown). */
  readonly remoteCode?: number;
  readonly cause?: unknown;
}

export class DhtError extends Error {
  override readonly name = 'DhtError';
  readonly code: DhtErrorCode;
  readonly field: string | undefined;
  readonly offset: number | undefined;
  readonly transactionId: Uint8Array | undefined;
  readonly remoteCode: number | undefined;
  /** The message without the `dht: ` prefix and field suffix. */
  readonly detail: string;

  constructor(code: DhtErrorCode, message: string, options: DhtErrorOptions = {}) {
    const where = options.field === undefined ? '' : ` (field ${options.field})`;
    super(`dht: ${message}${where}`, { cause: options.cause });
    this.code = code;
    this.detail = message;
    this.field = options.field;
    this.offset = options.offset;
    this.transactionId = options.transactionId;
    this.remoteCode = options.remoteCode;
  }

  /** The same error, carrying the transaction id it belongs to. */
  withTransactionId(transactionId: Uint8Array): DhtError {
    return new DhtError(this.code, this.detail, {
      field: this.field, offset: this.offset, remoteCode: this.remoteCode, cause: this.cause, transactionId,
    });
  }
}
