// The session's one TCP port. An incoming connection is read up to its handshake (BEP 3), whose
// info-hash picks the torrent; the torrent answers with its own handshake or the socket is closed.
// Peers that open with Message Stream Encryption get through net/mse first (plaintext payload).
import net from 'node:net';
import { PROTOCOL_HEADER, WireDecoder, type Handshake } from '@typetorrent/peer-wire';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import { endpointKey } from '../peer/ban-list.js';
import { readHandshake, sameBytes, type Handshaken } from '../peer/handshake-io.js';
import { ByteReader } from '../net/mse/byte-reader.js';
import { acceptEncrypted, type FindInfoHash } from '../net/mse/responder.js';
import { deadline } from '../net/deadline.js';
import { SOCKET_HIGH_WATER_MARK } from '../net/socket-factory.js';
import type { ConnectionBudget } from '../torrent/services.js';

/** Connections still handshaking at once; more are closed (a flood of idle sockets costs memory). */
const MAX_PENDING_HANDSHAKES = 64;

export interface ListenerOptions {
  readonly clock: Clock;
  /** For encrypted handshakes (MSE): the info-hash behind a peer's SHA-1('req2', info-hash). */
  readonly findInfoHash: FindInfoHash;
  readonly budget: ConnectionBudget;
  readonly handshakeTimeoutMs: number;
  /** A handshake arrived: take the connection (and its budget slot) or close it and release the slot. */
  readonly route: (handshaken: Handshaken, key: string) => void;
}

export class Listener {
  readonly #options: ListenerOptions;
  readonly #server: net.Server;
  readonly #pending = new Set<net.Socket>();
  #port = 0;

  constructor(options: ListenerOptions) {
    this.#options = options;
    this.#server = net.createServer({ highWaterMark: SOCKET_HIGH_WATER_MARK, noDelay: true }, (socket) => this.#onConnection(socket));
  }

  get port(): number {
    return this.#port;
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(new EngineError('LISTEN_FAILED', `cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
      this.#server.once('error', onError);
      this.#server.listen({ port, host }, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    const address = this.#server.address();
    this.#port = address !== null && typeof address === 'object' ? address.port : port;
    return this.#port;
  }

  async close(): Promise<void> {
    for (const socket of this.#pending) socket.destroy();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * Reads the peer's handshake: plaintext (it starts with "\x13BitTorrent protocol"), or behind
   * Message Stream Encryption, whose 96-byte key comes first and all but never looks like that.
   */
  async #handshake(socket: net.Socket, decoder: WireDecoder, signal: AbortSignal, key: string): Promise<Handshake> {
    const reader = new ByteReader(socket, new Uint8Array(0), signal, key);
    let head: Uint8Array;
    try {
      head = await reader.read(PROTOCOL_HEADER.length);
    } catch (error) {
      reader.detach();
      throw error;
    }
    const rest = reader.detach();
    const first = new Uint8Array(head.length + rest.length);
    first.set(head);
    first.set(rest, head.length);
    if (head.every((byte, i) => byte === PROTOCOL_HEADER[i])) {
      decoder.push(first);
      return await readHandshake(socket, decoder, signal, key);
    }
    const encrypted = await acceptEncrypted(socket, first, this.#options.findInfoHash, signal, key);
    decoder.push(encrypted.initial);
    const handshake = await readHandshake(socket, decoder, signal, key);
    if (!sameBytes(handshake.infoHash, encrypted.infoHash)) throw new EngineError('PROTOCOL', 'the encrypted and the plain handshake name different torrents', { peer: key });
    return handshake;
  }

  #onConnection(socket: net.Socket): void {
    const host = socket.remoteAddress;
    const port = socket.remotePort;
    socket.on('error', () => undefined); // reported through readHandshake or the PeerConnection
    if (host === undefined || port === undefined || this.#pending.size >= MAX_PENDING_HANDSHAKES || !this.#options.budget.acquire()) {
      socket.destroy();
      return;
    }
    const key = endpointKey(host, port);
    this.#pending.add(socket);
    const { clock, handshakeTimeoutMs } = this.#options;
    const timer = deadline(clock, handshakeTimeoutMs, 'HANDSHAKE_TIMEOUT', `no handshake from ${key} in time`);
    const decoder = new WireDecoder();
    this.#handshake(socket, decoder, timer.signal, key).then(
      (handshake) => {
        timer.dispose();
        this.#pending.delete(socket);
        this.#options.route({ socket, decoder, handshake }, key);
      },
      () => {
        timer.dispose();
        this.#pending.delete(socket);
        socket.destroy();
        this.#options.budget.release();
      },
    );
  }
}
