// The session's one TCP port (and the uTP connections accepted on its UDP twin, handed to `accept`:
// they take the same path). An incoming connection is read up to its handshake (BEP 3), whose
// info-hash picks the torrent; the torrent answers with its own handshake or the socket is closed.
// Peers that open with Message Stream Encryption (issue 14) are answered by an MseResponder that
// finds the torrent behind HASH('req2', info-hash) among all of the session's, after a per-address
// budget of attempts (each costs Diffie-Hellman work); the session's policy decides who may stay.
import net from 'node:net';
import { MseResponder, cryptoRandom, type FindInfoHash, type MseRateLimiter } from '@typetorrent/mse';
import { WireDecoder, type Handshake } from '@typetorrent/peer-wire';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import { addressKey, endpointKey } from '../peer/ban-list.js';
import { readHandshake, sameBytes, type Handshaken } from '../peer/handshake-io.js';
import { deadline } from '../net/deadline.js';
import { payloadMethods, plaintextRefused, type EncryptionPolicy, type PeerCipher } from '../net/encryption.js';
import { readFirstBytes } from '../net/first-bytes.js';
import { mseFailure, runMseHandshake } from '../net/mse-socket.js';
import type { PeerSocket } from '../net/peer-socket.js';
import { SOCKET_HIGH_WATER_MARK } from '../net/socket-factory.js';
import { adoptAccepted } from '../net/socket-input.js';
import type { ConnectionBudget } from '../torrent/services.js';

/** Connections still handshaking at once; more are closed (a flood of idle sockets costs memory). */
export const MAX_PENDING_HANDSHAKES = 64;
/**
 * Of those, from one address: one host cannot take every slot and lock real peers out. Loopback is
 * exempt, as in the ban list: every local process shares it (a test swarm is all 127.0.0.1).
 */
export const MAX_PENDING_PER_ADDRESS = 8;

export interface ListenerOptions {
  readonly clock: Clock;
  /** For encrypted handshakes (MSE): the info-hash behind a peer's SHA-1('req2', info-hash). */
  readonly findInfoHash: FindInfoHash;
  readonly encryption: EncryptionPolicy;
  /** MSE attempts per address; over budget, the connection is closed before any key exchange. */
  readonly mseLimiter: MseRateLimiter;
  /** A refusal the user should hear of (a plaintext peer under `require`); `subject`: the address. */
  readonly warn?: (warning: EngineError, subject: string) => void;
  readonly budget: ConnectionBudget;
  readonly handshakeTimeoutMs: number;
  /** A handshake arrived: take the connection (and its budget slot) or close it and release the slot. */
  readonly route: (handshaken: Handshaken, key: string) => void;
}

export class Listener {
  readonly #options: ListenerOptions;
  readonly #server: net.Server;
  readonly #pending = new Set<PeerSocket>();
  /** Pending handshakes per (non-loopback) address. */
  readonly #pendingFrom = new Map<string, number>();
  #port = 0;
  #closed = false;

  constructor(options: ListenerOptions) {
    this.#options = options;
    // Accepted paused, so that nothing is read before the socket moves onto the shared read buffer.
    this.#server = net.createServer({ highWaterMark: SOCKET_HIGH_WATER_MARK, noDelay: true, pauseOnConnect: true }, (socket) =>
      this.accept(adoptAccepted(socket, { writableHighWaterMark: SOCKET_HIGH_WATER_MARK })),
    );
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
    this.#closed = true;
    for (const socket of this.#pending) socket.destroy();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * Reads the peer's handshake: plaintext (it starts with "\x13BitTorrent protocol"), or behind
   * Message Stream Encryption, whose 96-byte key comes first and all but never looks like that.
   */
  async #handshake(socket: PeerSocket, decoder: WireDecoder, signal: AbortSignal, key: string, host: string): Promise<{ handshake: Handshake; cipher?: PeerCipher }> {
    const { encryption, clock } = this.#options;
    const first = await readFirstBytes(socket, signal, key);
    if (first.kind === 'plaintext') {
      if (encryption === 'require') {
        const refusal = plaintextRefused(key, 'in');
        this.#options.warn?.(refusal, `in ${host}`);
        throw refusal;
      }
      decoder.push(first.bytes);
      return { handshake: await readHandshake(socket, decoder, signal, key) };
    }
    if (encryption === 'disable') throw new EngineError('PROTOCOL', 'encrypted handshake refused (encryption disabled)', { peer: key });
    if (!this.#options.mseLimiter.tryAcquire(host, clock.now())) throw new EngineError('PROTOCOL', `too many encrypted handshakes from ${host}`, { peer: key });
    const responder = new MseResponder({
      findInfoHash: this.#options.findInfoHash,
      allow: payloadMethods(encryption),
      random: cryptoRandom,
      now: clock.now(),
      timeoutMs: this.#options.handshakeTimeoutMs,
    });
    let result;
    try {
      result = await runMseHandshake(socket, responder, signal, clock, first.bytes);
    } catch (error) {
      throw mseFailure(error, key, signal);
    }
    const cipher = result.encrypt !== undefined && result.decrypt !== undefined ? { encrypt: result.encrypt, decrypt: result.decrypt } : undefined;
    // The initiator's initial payload (IA) holds its BitTorrent handshake, already decrypted.
    decoder.push(result.received);
    const handshake = await readHandshake(socket, decoder, signal, key, cipher?.decrypt);
    if (!sameBytes(handshake.infoHash, result.infoHash)) throw new EngineError('PROTOCOL', 'the encrypted and the plain handshake name different torrents', { peer: key });
    return cipher === undefined ? { handshake } : { handshake, cipher };
  }

  /** An incoming connection, TCP or uTP: read its handshake (plaintext or MSE) and route it. */
  accept(socket: PeerSocket): void {
    const host = socket.remoteAddress;
    const port = socket.remotePort;
    // Reported through readHandshake or the PeerConnection. A function of its own, not a closure
    // made here: that would keep this call's scope (its deadline, timer, decoder) as long as the socket.
    socket.on('error', ignoreError);
    const address = addressKey(host);
    const fromAddress = address === undefined ? 0 : (this.#pendingFrom.get(address) ?? 0);
    if (this.#closed || host === undefined || port === undefined || this.#pending.size >= MAX_PENDING_HANDSHAKES || fromAddress >= MAX_PENDING_PER_ADDRESS || !this.#options.budget.acquire()) {
      socket.destroy();
      return;
    }
    const key = endpointKey(host, port);
    this.#pending.add(socket);
    if (address !== undefined) this.#pendingFrom.set(address, fromAddress + 1);
    const settled = (): void => {
      this.#pending.delete(socket);
      if (address === undefined) return;
      const left = (this.#pendingFrom.get(address) ?? 1) - 1;
      if (left > 0) this.#pendingFrom.set(address, left);
      else this.#pendingFrom.delete(address);
    };
    const { clock, handshakeTimeoutMs } = this.#options;
    const timer = deadline(clock, handshakeTimeoutMs, 'HANDSHAKE_TIMEOUT', `no handshake from ${key} in time`);
    const decoder = new WireDecoder();
    this.#handshake(socket, decoder, timer.signal, key, host).then(
      ({ handshake, cipher }) => {
        timer.dispose();
        settled();
        this.#options.route({ socket, decoder, handshake, cipher }, key);
      },
      () => {
        timer.dispose();
        settled();
        socket.destroy();
        this.#options.budget.release();
      },
    );
  }
}

function ignoreError(): void {}
