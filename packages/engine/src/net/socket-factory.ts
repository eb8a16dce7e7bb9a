// Outgoing connections as a dependency: the session opens every peer connection through a
// SocketFactory, so tests can count, delay or refuse connections without mocking `node:net`.
import type net from 'node:net';
import type { DuplexOptions } from 'node:stream';
import { EngineError } from '../errors.js';
import type { BoundedKeys } from './bounded-keys.js';
import type { EncryptionPolicy } from './encryption.js';
import type { PeerSocket } from './peer-socket.js';
import { createSharedReadSocket } from './socket-input.js';

/**
 * Bytes a socket may buffer for writing before `write` returns false. Node's 16 KiB default is one
 * block: every piece message would then wait for 'drain'. libtorrent's send_buffer_watermark is
 * 500 KiB; 1 MiB keeps a loopback link busy while the disk reads the next blocks.
 */
export const SOCKET_HIGH_WATER_MARK = 1024 * 1024;

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  /** Aborting it destroys the socket and rejects with CONNECT_FAILED. */
  readonly signal?: AbortSignal;
}

/** How a session encrypts its outgoing connections, and what it learnt about peers doing so. */
export interface DialEncryption {
  readonly policy: EncryptionPolicy;
  /** Peers that did not answer MSE: under `prefer` they are dialled in plaintext straight away. */
  readonly plaintextPeers?: BoundedKeys;
  /** Told about a peer refused under `require` (a plaintext-only peer). */
  readonly warn?: (warning: EngineError) => void;
}

/**
 * Opens an outgoing connection (TCP; a session with uTP tries uTP first, see utp-dial.ts). A
 * session's factory also carries the session's `encryption`, so every dial through it follows the
 * session's policy (`dial` takes an explicit one first).
 */
export type SocketFactory = ((options: ConnectOptions) => Promise<PeerSocket>) & { readonly encryption?: DialEncryption };

/** `factory` opening the same sockets, with the session's encryption attached. */
export function withEncryption(factory: SocketFactory, encryption: DialEncryption): SocketFactory {
  const connect = async (options: ConnectOptions): Promise<PeerSocket> => await factory(options);
  return Object.assign(connect, { encryption });
}

/** Connects over TCP; resolves once connected. */
export const tcpSocketFactory: SocketFactory = async ({ host, port, signal }) => {
  const address = `${host}:${port}`;
  if (signal?.aborted === true) throw new EngineError('CONNECT_FAILED', `connect to ${address} aborted`, { peer: address, cause: signal.reason });
  // net.Socket passes stream options on to its Duplex base; the typings only list socket options.
  // Reads go to the shared buffer (socket-input.ts), so the readable high-water mark plays no part.
  const options: net.SocketConstructorOpts & DuplexOptions = { writableHighWaterMark: SOCKET_HIGH_WATER_MARK };
  const socket = createSharedReadSocket(options);
  return await new Promise<net.Socket>((resolve, reject) => {
    const cleanup = (): void => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onConnect = (): void => {
      cleanup();
      socket.setNoDelay(true);
      resolve(socket);
    };
    const onError = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(new EngineError('CONNECT_FAILED', `connect to ${address}: ${error.message}`, { peer: address, cause: error }));
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      reject(new EngineError('CONNECT_FAILED', `connect to ${address} timed out or was aborted`, { peer: address, cause: signal?.reason }));
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.connect({ host, port });
  });
};
