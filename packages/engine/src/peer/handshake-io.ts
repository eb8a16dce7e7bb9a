// The handshake on a socket (BEP 3): an outgoing connection sends ours and reads theirs; an incoming
// one is read first (the session needs its info-hash to find the torrent), then answered. The
// decoder that read the handshake keeps any bytes that came after it, for the PeerConnection.
// Outgoing connections may open with Message Stream Encryption first (issue 14): under `prefer` a
// peer that does not answer it is dialled again once in plaintext and remembered, as libtorrent does.
import { MseInitiator, cryptoRandom, type Rc4 } from '@typetorrent/mse';
import { WireDecoder, encodeHandshake, type Handshake } from '@typetorrent/peer-wire';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import { deadline } from '../net/deadline.js';
import { payloadMethods, plaintextRefused, type PeerCipher } from '../net/encryption.js';
import { mseFailure, runMseHandshake, speaksNoMse } from '../net/mse-socket.js';
import type { PeerSocket } from '../net/peer-socket.js';
import { onChunks } from '../net/socket-input.js';
import type { DialEncryption, SocketFactory } from '../net/socket-factory.js';

/** libtorrent's handshake_timeout and peer_connect_timeout are 10 s and 15 s. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
export const CONNECT_TIMEOUT_MS = 10_000;

export interface HandshakeFields {
  readonly reserved: Uint8Array;
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
}

export interface Handshaken {
  /** A TCP socket or a uTP stream. */
  readonly socket: PeerSocket;
  /** Past the handshake; may hold bytes that followed it. */
  readonly decoder: WireDecoder;
  readonly handshake: Handshake;
  /** Set when the connection is RC4-encrypted (MSE): every later byte goes through it, both ways. */
  readonly cipher?: PeerCipher | undefined;
}

/**
 * Bytes about to be written to a handshaken connection, encrypted in place when it is encrypted:
 * pass only a buffer nobody else reads, and write it at once (the keystream is a stream).
 */
export function outgoing(handshaken: Handshaken, bytes: Uint8Array): Uint8Array {
  handshaken.cipher?.encrypt.process(bytes);
  return bytes;
}

/**
 * Reads the peer's handshake. Resolves with the socket paused (so no later byte is lost before a
 * PeerConnection takes over); rejects with HANDSHAKE_TIMEOUT, PROTOCOL or SOCKET. `decrypt`: the
 * connection is encrypted; bytes already in the decoder are plaintext, every byte read here is not.
 */
export async function readHandshake(socket: PeerSocket, decoder: WireDecoder, signal: AbortSignal, peer: string, decrypt?: Rc4): Promise<Handshake> {
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
        const copy = new Uint8Array(chunk);
        decrypt?.process(copy);
        decoder.push(copy);
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
  /**
   * The encryption policy and what the session knows of peers; default the socket factory's (a
   * session's factory carries its policy), else plaintext only.
   */
  readonly encryption?: DialEncryption;
}

/**
 * Connects, sends our handshake, reads theirs and checks its info-hash. Under an encryption policy
 * other than `disable` the handshake travels inside MSE; under `prefer` a peer that does not speak
 * MSE gets one more connection in plaintext (and is dialled in plaintext from then on).
 */
export async function dial(options: DialOptions): Promise<Handshaken> {
  const encryption = options.encryption ?? options.socketFactory.encryption;
  const policy = encryption?.policy ?? 'disable';
  if (policy === 'disable' || (policy === 'prefer' && encryption?.plaintextPeers?.has(options.key) === true)) return await dialOnce(options, undefined);
  try {
    return await dialOnce(options, policy);
  } catch (error) {
    if (!(error instanceof MseAttemptFailed)) throw error;
    if (!speaksNoMse(error.mse, options.signal?.aborted === true)) throw error.reported;
    if (policy === 'require') {
      const refusal = plaintextRefused(options.key, 'out');
      encryption?.warn?.(refusal);
      throw refusal;
    }
    encryption?.plaintextPeers?.add(options.key);
    return await dialOnce(options, undefined);
  }
}

/** An outgoing MSE handshake failed: `mse` is what the handshake said, `reported` the EngineError. */
class MseAttemptFailed extends Error {
  constructor(
    readonly mse: unknown,
    readonly reported: EngineError,
  ) {
    super(reported.message);
  }
}

/** One connection: plaintext when `mse` is undefined, else the MSE handshake under that policy first. */
async function dialOnce(options: DialOptions, mse: 'prefer' | 'require' | undefined): Promise<Handshaken> {
  const { clock, key } = options;
  const connecting = deadline(clock, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, 'CONNECT_FAILED', `connect to ${key} timed out`, options.signal);
  let socket: PeerSocket;
  try {
    socket = await options.socketFactory({ host: options.host, port: options.port, signal: connecting.signal });
  } finally {
    connecting.dispose();
  }
  const timeoutMs = options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  const reading = deadline(clock, timeoutMs, 'HANDSHAKE_TIMEOUT', `no handshake from ${key} in time`, options.signal);
  try {
    socket.pause();
    const decoder = new WireDecoder();
    let cipher: PeerCipher | undefined;
    if (mse === undefined) {
      socket.write(encodeHandshake(options));
    } else {
      // Our BitTorrent handshake rides in the MSE handshake's initial payload (IA).
      const initiator = new MseInitiator({
        infoHash: options.infoHash,
        provide: payloadMethods(mse),
        initialPayload: encodeHandshake(options),
        random: cryptoRandom,
        now: clock.now(),
        timeoutMs,
      });
      let result;
      try {
        result = await runMseHandshake(socket, initiator, reading.signal, clock);
      } catch (error) {
        throw new MseAttemptFailed(error, mseFailure(error, key, reading.signal));
      }
      if (result.encrypt !== undefined && result.decrypt !== undefined) cipher = { encrypt: result.encrypt, decrypt: result.decrypt };
      if (result.received.length > 0) decoder.push(result.received);
    }
    const handshake = await readHandshake(socket, decoder, reading.signal, key, cipher?.decrypt);
    if (!sameBytes(handshake.infoHash, options.infoHash)) {
      throw new EngineError('WRONG_INFO_HASH', 'the peer answered for another torrent', { peer: key });
    }
    return { socket, decoder, handshake, cipher };
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
