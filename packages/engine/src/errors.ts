// The one error class of this package. Every failure has a string-literal code callers can switch
// on, plus where it happened (torrent, peer) and the lower layer's error as `cause`. Expected
// outcomes of talking to peers (a hash failure, a dropped connection) are warnings or peer events,
// not thrown errors.

export type EngineErrorCode =
  /** A caller passed something unusable: a bad option, a port out of range, a file index. */
  | 'INVALID_ARGUMENT'
  /** The operation is not allowed in the torrent's or session's current state. */
  | 'INVALID_STATE'
  /** The session (or torrent) was closed; nothing more can be done with it. */
  | 'CLOSED'
  /** A torrent with the same info-hash is already in the session. */
  | 'DUPLICATE_TORRENT'
  /** The .torrent bytes could not be parsed (the metainfo error is the cause). */
  | 'BAD_TORRENT'
  /** The listen socket could not be opened. */
  | 'LISTEN_FAILED'
  /** Reading or writing the torrent's data failed (the StorageError is the cause). */
  | 'STORAGE'
  /** A tracker failed or refused (a warning: other trackers and peers may still work). */
  | 'TRACKER'
  /** The DHT could not start, or a lookup failed (a warning: trackers and peers may still work). */
  | 'DHT'
  /** A connection attempt did not complete in time, or was refused. */
  | 'CONNECT_FAILED'
  /** The peer did not complete the handshake in time. */
  | 'HANDSHAKE_TIMEOUT'
  /** The peer's handshake named another torrent, or no torrent we have. */
  | 'WRONG_INFO_HASH'
  /** The peer is us (our own peer id came back). */
  | 'SELF_CONNECTION'
  /** We already talk to this peer over another connection. */
  | 'DUPLICATE_PEER'
  /** The peer is on the ban list. */
  | 'BANNED'
  /** Too many connections (per torrent or per session). */
  | 'TOO_MANY_PEERS'
  /** The peer broke the wire protocol (the WireError, if any, is the cause). */
  | 'PROTOCOL'
  /** The peer sent data that failed its piece hash. */
  | 'CORRUPT_DATA'
  /** The peer sent nothing for too long. */
  | 'INACTIVE'
  /** The connection closed or failed at the socket level. */
  | 'SOCKET'
  /** The caller's AbortSignal fired. */
  | 'ABORTED'
  /** A graceful stop did not finish within its time bound. */
  | 'TIMEOUT'
  /** A bug: an invariant of the engine broke. The torrent stops (state `error`) rather than the process. */
  | 'INTERNAL';

export interface EngineErrorDetails {
  /** Hex info-hash of the torrent concerned. */
  readonly infoHash?: string;
  /** "host:port" of the peer concerned. */
  readonly peer?: string;
  readonly cause?: unknown;
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly infoHash: string | undefined;
  readonly peer: string | undefined;

  constructor(
    readonly code: EngineErrorCode,
    message: string,
    details: EngineErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.infoHash = details.infoHash;
    this.peer = details.peer;
  }
}

/** A short text for any thrown value, for warnings. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
