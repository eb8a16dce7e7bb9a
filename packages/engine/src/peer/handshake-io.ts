// The handshake on a socket (BEP 3): an outgoing connection sends ours and reads theirs; an incoming
// one is read first (the session needs its info-hash to find the torrent), then answered. The
// decoder that read the handshake keeps any bytes that came after it, for the PeerConnection.
import type net from 'node:net';
import { WireDecoder, encodeHandshake, type Handshake } from '@typetorrent/peer-wire';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import { deadline } from '../net/deadline.js';
import { onChunks } from '../net/socket-input.js';
import type { SocketFactory } from '../net/socket-factory.js';

/** libtorrent's handshake_timeout and peer_connect_timeout are 10 s and 15 s. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
export const CONNECT_TIMEOUT_MS = 10_000;

export interface HandshakeFields {
  readonly reserved: Uint8Array;
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
}

export interface Handshaken {
  readonly socket: net.Socket;
  /** Past the handshake; may hold bytes that followed it. */
  readonly decoder: WireDecoder;
  readonly handshake: Handshake;
}

/**
 * Reads the peer's handshake. Resolves with the socket paused (so no later byte is lost before a
 * PeerConnection takes over); rejects with HANDSHAKE_TIMEOUT, PROTOCOL or SOCKET.
 */
export async function readHandshake(socket: net.Socket, decoder: WireDecoder, signal: AbortSignal, peer: string): Promise<Handshake> {
  return await new Promise<Handshake>((resolve, reject) => {
    const reading = { stop: (): void => undefined };
    const finish = (): void => {
      socket.pause();
      reading.stop();
      socket.off('error', onError);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: EngineError): void => {
      finish();
      reject(error);
    };
    const onData = (chunk: Uint8Array): void => {
      let message;
      try {
        // A copy: the decoder keeps the bytes after the handshake, and the chunk may be reused memory.
        decoder.push(new Uint8Array(chunk));
        message = decoder.next();
      } catch (error) {
        fail(new EngineError('PROTOCOL', `bad handshake: ${error instanceof Error ? error.message : String(error)}`, { peer, cause: error }));
        return;
      }
      if (message === null) return;
      finish();
      if (message.type === 'handshake') resolve(message);
      else reject(new EngineError('PROTOCOL', 'expected a handshake', { peer }));
    };
    const onError = (error: Error): void => fail(new EngineError('SOCKET', `socket error during handshake: ${error.message}`, { peer, cause: error }));
    const onClose = (): void => fail(new EngineError('SOCKET', 'connection closed during the handshake', { peer }));
    const onAbort = (): void =>
      fail(signal.reason instanceof EngineError ? signal.reason : new EngineError('HANDSHAKE_TIMEOUT', 'no handshake in time', { peer, cause: signal.reason }));
    if (signal.aborted) {
      onAbort();
      return;
    }
    // The handshake may already be in the decoder (bytes read while telling plaintext from MSE).
    if (decoder.bufferedBytes > 0) {
      let message;
      try {
        message = decoder.next();
      } catch (error) {
        reject(new EngineError('PROTOCOL', `bad handshake: ${error instanceof Error ? error.message : String(error)}`, { peer, cause: error }));
        return;
      }
      if (message !== null) {
        socket.pause();
        if (message.type === 'handshake') resolve(message);
        else reject(new EngineError('PROTOCOL', 'expected a handshake', { peer }));
        return;
      }
    }
    socket.on('error', onError);
    socket.on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    reading.stop = onChunks(socket, onData);
    socket.resume();
  });
}

export interface DialOptions extends HandshakeFields {
  readonly host: string;
  readonly port: number;
  /** "host:port", for errors. */
  readonly key: string;
  readonly socketFactory: SocketFactory;
  readonly clock: Clock;
  readonly connectTimeoutMs?: number;
  readonly handshakeTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Connects, sends our handshake, reads theirs and checks its info-hash. */
export async function dial(options: DialOptions): Promise<Handshaken> {
  const { clock, key } = options;
  const connecting = deadline(clock, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, 'CONNECT_FAILED', `connect to ${key} timed out`, options.signal);
  let socket: net.Socket;
  try {
    socket = await options.socketFactory({ host: options.host, port: options.port, signal: connecting.signal });
  } finally {
    connecting.dispose();
  }
  const reading = deadline(clock, options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS, 'HANDSHAKE_TIMEOUT', `no handshake from ${key} in time`, options.signal);
  try {
    socket.pause();
    socket.write(encodeHandshake(options));
    const decoder = new WireDecoder();
    const handshake = await readHandshake(socket, decoder, reading.signal, key);
    if (!sameBytes(handshake.infoHash, options.infoHash)) {
      throw new EngineError('WRONG_INFO_HASH', 'the peer answered for another torrent', { peer: key });
    }
    return { socket, decoder, handshake };
  } catch (error) {
    socket.destroy();
    throw error;
  } finally {
    reading.dispose();
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
