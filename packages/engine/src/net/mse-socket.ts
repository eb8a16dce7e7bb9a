// The engine's side of running an MSE handshake (@typetorrent/mse) on one of its sockets: reads
// reach the handshake the way they reach everything else (shared read buffer or 'data' events),
// failures become EngineErrors, and a failed outgoing attempt is classified: did the peer simply
// not speak MSE (then plaintext may follow), or did it break the handshake?
import type net from 'node:net';
import { MseError, handshakeOverSocket, type MseHandshake, type MseResult, type ReadSubscription } from '@typetorrent/mse';
import type { Clock } from '../clock.js';
import { EngineError, type EngineErrorCode } from '../errors.js';
import type { PeerSocket } from './peer-socket.js';
import { onChunks } from './socket-input.js';

/**
 * Runs `handshake` on `socket` on the engine's clock until `signal` (the handshake deadline, tied to
 * the caller's cancellation) fires. Rejects with MseError only; the socket is left paused.
 */
export async function runMseHandshake(socket: PeerSocket, handshake: MseHandshake, signal: AbortSignal, clock: Clock, first?: Uint8Array): Promise<MseResult> {
  // handshakeOverSocket is typed for net.Socket but uses only what every Duplex has (write, events).
  return await handshakeOverSocket(socket as net.Socket, handshake, { signal, now: () => clock.now(), read: readsOf(socket), ...(first === undefined ? {} : { first }) });
}

/** Hands the socket's reads to a handshake, resuming it; the returned stop pauses it again. */
export function readsOf(socket: PeerSocket): ReadSubscription {
  return (onChunk) => {
    const stop = onChunks(socket, onChunk);
    socket.resume();
    return () => {
      socket.pause();
      stop();
    };
  };
}

/**
 * True when an outgoing attempt failed because the peer does not speak MSE: it answered with a
 * plaintext BitTorrent handshake, or closed or stayed silent without sending a byte back (a
 * plaintext-only peer reads our Ya as a bad handshake and hangs up). `cancelled`: the caller gave
 * up (torrent closing), which says nothing about the peer.
 */
export function speaksNoMse(error: unknown, cancelled: boolean): boolean {
  if (cancelled || !(error instanceof MseError)) return false;
  if (error.code === 'plaintext-peer') return true;
  return (error.code === 'closed' || error.code === 'timeout' || error.code === 'aborted') && error.offset === 0;
}

/** An MSE failure as the engine reports it, the MseError kept as the cause. */
export function mseFailure(error: unknown, peer: string, signal: AbortSignal): EngineError {
  if (error instanceof EngineError) return error;
  // The deadline (or the caller) aborted the handshake: report that reason, not 'aborted'.
  if (signal.aborted && signal.reason instanceof EngineError) return signal.reason;
  if (!(error instanceof MseError)) return new EngineError('PROTOCOL', `encryption handshake failed: ${String(error)}`, { peer, cause: error });
  const code: EngineErrorCode =
    error.code === 'timeout'
      ? 'HANDSHAKE_TIMEOUT'
      : error.code === 'closed'
        ? 'SOCKET'
        : error.code === 'unknown-info-hash'
          ? 'WRONG_INFO_HASH'
          : error.code === 'aborted'
            ? 'ABORTED'
            : 'PROTOCOL';
  return new EngineError(code, `encryption handshake (MSE) failed: ${error.message}`, { peer, cause: error });
}
