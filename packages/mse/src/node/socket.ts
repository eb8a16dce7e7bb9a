// Runs a handshake over a TCP socket: the I/O half the sans-I/O state machines leave to the caller,
// for the engine and for tests. Writes what the handshake returns, feeds it every read, arms one
// timer for its deadline, and on every outcome removes what it installed (listeners, timer, abort
// handler), so nothing outlives the handshake. The socket is left paused on success: bytes after
// the handshake wait in the socket until the caller resumes it (or are in `result.received`).
import type net from 'node:net';
import { MseError } from '../errors.js';
import type { MseHandshake, MseResult } from '../handshake.js';
import { MseInitiator } from '../initiator.js';

/** Starts delivering a connection's reads to `onChunk`; returns a function that stops it. */
export type ReadSubscription = (onChunk: (chunk: Uint8Array) => void) => () => void;

export interface SocketHandshakeOptions {
  /** Bytes already read from the socket (for a responder: those that told it from plaintext). */
  readonly first?: Uint8Array;
  /** Aborts the handshake: session shutdown, or the caller's own deadline. */
  readonly signal?: AbortSignal;
  /** The clock the handshake was created with (its `now`); default Date.now. */
  readonly now?: () => number;
  /**
   * How reads reach the handshake; default the socket's 'data' events, pausing it when done. Sockets
   * that read into a shared buffer (net's `onread`) pass their own; chunks may be reused after the
   * callback returns, which is fine: the handshake copies what it keeps.
   */
  readonly read?: ReadSubscription;
}

function dataEvents(socket: net.Socket): ReadSubscription {
  return (onChunk) => {
    socket.on('data', onChunk);
    socket.resume();
    return () => {
      socket.pause();
      socket.off('data', onChunk);
    };
  };
}

/**
 * Completes `handshake` over `socket` (an initiator's message 1 is written first). Rejects only with
 * MseError: the handshake's own codes, 'timeout' at its deadline, 'aborted' on `signal`, 'closed'
 * when the connection ends first. Does not destroy the socket; the caller decides.
 */
export function handshakeOverSocket(socket: net.Socket, handshake: MseHandshake, options: SocketHandshakeOptions = {}): Promise<MseResult> {
  const now = options.now ?? Date.now;
  return new Promise<MseResult>((resolve, reject) => {
    let received = 0;
    let settled = false;
    let stopReading: (() => void) | undefined;
    const deadline: { timer?: ReturnType<typeof setTimeout> } = {};
    const cleanup = (): void => {
      settled = true;
      stopReading?.();
      if (deadline.timer !== undefined) clearTimeout(deadline.timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('close', onClose);
      socket.off('end', onClose);
      socket.off('error', onError);
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      cleanup();
      handshake.abort();
      reject(error instanceof MseError ? error : new MseError('aborted', String(error), { cause: error }));
    };
    const feed = (chunk: Uint8Array): void => {
      if (settled) return;
      received += chunk.length;
      try {
        const step = handshake.receive(chunk, now());
        if (step.send.length > 0) socket.write(step.send);
        if (step.done !== undefined) {
          cleanup();
          resolve(step.done);
        }
      } catch (error) {
        fail(error);
      }
    };
    const onAbort = (): void => fail(new MseError('aborted', 'the handshake was aborted', { offset: received, cause: options.signal?.reason }));
    const onClose = (): void => fail(new MseError('closed', `the connection ended after ${received} bytes of the handshake`, { offset: received }));
    const onError = (cause: Error): void => fail(new MseError('closed', `the connection failed: ${cause.message}`, { offset: received, cause }));
    if (options.signal?.aborted === true) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('close', onClose);
    socket.once('end', onClose);
    socket.once('error', onError);
    deadline.timer = setTimeout(() => {
      try {
        handshake.expire(now());
      } catch (error) {
        fail(error);
      }
    }, Math.max(0, handshake.deadline - now()));
    try {
      if (handshake instanceof MseInitiator) socket.write(handshake.start());
    } catch (error) {
      return fail(error);
    }
    if (options.first !== undefined && options.first.length > 0) feed(options.first);
    if (!settled) stopReading = (options.read ?? dataEvents(socket))(feed);
  });
}
