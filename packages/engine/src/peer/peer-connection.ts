// One peer connection after the handshake: the socket, the streaming decoder, the encoders, the
// keep-alive and inactivity rules, and back-pressure. It knows nothing of torrents; the torrent
// listens to its typed events and calls its send methods.
import { EventEmitter } from 'node:events';
import {
  KEEP_ALIVE,
  PIECE_HEADER_LENGTH,
  REQUEST_MESSAGE_LENGTH,
  WireError,
  encodeCancelInto,
  encodeHaveInto,
  encodeMessage,
  encodePieceHeaderInto,
  encodeRejectRequestInto,
  encodeRequestInto,
  type WireDecoder,
  type WireMessage,
} from '@typetorrent/peer-wire';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';
import type { PeerCipher } from '../net/encryption.js';
import { transportOf, type PeerSocket, type PeerTransport } from '../net/peer-socket.js';
import { onChunks } from '../net/socket-input.js';

/** BEP 3: "Keepalives are generally sent once every two minutes". */
export const KEEP_ALIVE_MS = 120_000;
/**
 * A peer silent for this long is dropped. Longer than the two-minute keep-alive others send, with
 * a minute of slack for a busy peer (libtorrent waits 120 s for any message; Transmission 180 s).
 */
export const INACTIVITY_MS = 180_000;

/** Piece message headers are cut from slabs of this size: no allocation per block sent. */
const HEADER_SLAB_BYTES = 64 * 1024;

export type PeerDirection = 'in' | 'out';

export interface PeerConnectionEvents {
  /** One decoded message, in wire order. A piece block is valid only while the listener runs: copy it to keep it. */
  message: [message: WireMessage];
  /** Every message of one received chunk of `bytes` bytes has been handled. */
  chunk: [bytes: number];
  /** A write had returned false and the socket's buffer has drained. */
  drain: [];
  /** The connection is gone; emitted once. */
  close: [reason: EngineError];
}

export interface PeerConnectionOptions {
  /** A TCP socket or a uTP stream. */
  readonly socket: PeerSocket;
  /** The connection's decoder, already past the handshake (it may hold bytes read after it). */
  readonly decoder: WireDecoder;
  readonly clock: Clock;
  /** "host:port" of the remote end. */
  readonly key: string;
  readonly direction: PeerDirection;
  readonly peerId: Uint8Array;
  /** BEP 6 negotiated (both ends set the bit). */
  readonly fast: boolean;
  /** BEP 10 negotiated. */
  readonly extended: boolean;
  readonly keepAliveMs?: number;
  readonly inactivityMs?: number;
  /**
   * RC4 streams when the connection is encrypted (MSE), continued from the handshake: every byte
   * read is decrypted in the read buffer before the decoder sees it, every byte written is encrypted
   * in the order it is queued to the socket.
   */
  readonly cipher?: PeerCipher | undefined;
}

export class PeerConnection extends EventEmitter<PeerConnectionEvents> {
  readonly key: string;
  readonly direction: PeerDirection;
  readonly peerId: Uint8Array;
  readonly fast: boolean;
  readonly extended: boolean;
  /** Raw bytes read and written, protocol overhead included. */
  bytesIn = 0;
  bytesOut = 0;
  readonly #socket: PeerSocket;
  readonly #decoder: WireDecoder;
  readonly #cipher: PeerCipher | undefined;
  readonly #clock: Clock;
  readonly #keepAliveMs: number;
  readonly #inactivityMs: number;
  #lastReceivedAt: number;
  #lastSentAt: number;
  #closed: EngineError | undefined;
  #needDrain = false;
  #readPaused = false;
  /** Piece blocks queued to the socket and not yet handed to the kernel. */
  #blocksWaiting = 0;
  /** When a block last left (or, with none waiting before, was queued): a peer that reads nothing stalls it. */
  #blocksMovedAt = 0;
  /** Empty until the first header is sent: most connections of a seeder with many peers send none (64 KiB each). */
  #slab = new Uint8Array(0);
  #slabUsed = 0;

  constructor(options: PeerConnectionOptions) {
    super();
    this.key = options.key;
    this.direction = options.direction;
    this.peerId = options.peerId;
    this.fast = options.fast;
    this.extended = options.extended;
    this.#socket = options.socket;
    this.#decoder = options.decoder;
    this.#cipher = options.cipher;
    this.#clock = options.clock;
    this.#keepAliveMs = options.keepAliveMs ?? KEEP_ALIVE_MS;
    this.#inactivityMs = options.inactivityMs ?? INACTIVITY_MS;
    this.#lastReceivedAt = this.#lastSentAt = options.clock.now();
    this.#decoder.setNegotiated({ fast: options.fast, extended: options.extended });
  }

  /**
   * Starts reading: call it once the 'message' and 'close' listeners are attached. Messages that
   * arrived with the handshake are delivered first.
   */
  start(): void {
    const socket = this.#socket;
    onChunks(socket, (chunk) => this.#onData(chunk));
    socket.on('drain', () => {
      this.#needDrain = false;
      this.emit('drain');
    });
    socket.on('error', (error) => this.close(new EngineError('SOCKET', `socket error: ${error.message}`, { peer: this.key, cause: error })));
    socket.on('end', () => this.close(new EngineError('SOCKET', 'the peer closed the connection', { peer: this.key })));
    socket.on('close', () => this.close(new EngineError('SOCKET', 'connection closed', { peer: this.key })));
    this.#drainDecoder(0);
    if (!this.#readPaused) socket.resume();
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** False from a write that filled the socket's buffer until 'drain': stop sending blocks. */
  get writable(): boolean {
    return !this.#needDrain && this.#closed === undefined;
  }

  /** What the connection runs over: TCP, or uTP (BEP 29). */
  get transport(): PeerTransport {
    return transportOf(this.#socket);
  }

  /** True when the payload is RC4-encrypted (MSE). */
  get encrypted(): boolean {
    return this.#cipher !== undefined;
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  /** The torrent's piece count became known (a magnet's metadata arrived): bitfields are checked against it. */
  setPieceCount(pieceCount: number): void {
    this.#decoder.setPieceCount(pieceCount);
  }

  /** Stops reading from the socket (download rate limit); TCP then slows the sender down. */
  pauseReading(): void {
    if (this.#readPaused) return;
    this.#readPaused = true;
    this.#socket.pause();
  }

  resumeReading(): void {
    if (!this.#readPaused) return;
    this.#readPaused = false;
    if (this.#closed === undefined) this.#socket.resume();
  }

  /** Any message, encoded into a new buffer: for the rare ones (choke, bitfield, extended). */
  send(message: WireMessage): boolean {
    return this.#write(encodeMessage(message));
  }

  /** REQUEST messages for several blocks in one buffer and one write. */
  sendRequests(requests: readonly { readonly piece: number; readonly begin: number; readonly length: number }[]): boolean {
    if (requests.length === 0) return this.writable;
    const buffer = new Uint8Array(requests.length * REQUEST_MESSAGE_LENGTH);
    let at = 0;
    for (const r of requests) at += encodeRequestInto(buffer, at, r.piece, r.begin, r.length);
    return this.#write(buffer);
  }

  sendCancel(piece: number, begin: number, length: number): boolean {
    const buffer = this.#take(REQUEST_MESSAGE_LENGTH);
    encodeCancelInto(buffer, 0, piece, begin, length);
    return this.#write(buffer);
  }

  /** BEP 6 */
  sendReject(piece: number, begin: number, length: number): boolean {
    const buffer = this.#take(REQUEST_MESSAGE_LENGTH);
    encodeRejectRequestInto(buffer, 0, piece, begin, length);
    return this.#write(buffer);
  }

  sendHave(piece: number): boolean {
    const buffer = this.#take(9);
    encodeHaveInto(buffer, 0, piece);
    return this.#write(buffer);
  }

  /**
   * A PIECE message: the 13-byte header, then the block itself, corked into one writev so the block
   * is never copied into a message buffer. Encrypted, the block is copied once, beside its header, and
   * the copy encrypted: the block itself may be a storage cache's memory that others still read.
   * `written` is called once the block has left the socket's buffer (handed to the kernel), or the
   * socket was destroyed first; never when this returns false because the connection is closed.
   */
  sendPiece(piece: number, begin: number, block: Uint8Array, written?: () => void): boolean {
    if (this.#closed !== undefined) return false;
    if (this.#blocksWaiting++ === 0) this.#blocksMovedAt = this.#clock.now();
    const moved = (): void => {
      this.#blocksWaiting--;
      this.#blocksMovedAt = this.#clock.now();
      written?.();
    };
    if (this.#cipher !== undefined) {
      const message = new Uint8Array(PIECE_HEADER_LENGTH + block.length);
      encodePieceHeaderInto(message, 0, piece, begin, block.length);
      message.set(block, PIECE_HEADER_LENGTH);
      return this.#write(message, moved);
    }
    const header = this.#take(PIECE_HEADER_LENGTH);
    encodePieceHeaderInto(header, 0, piece, begin, block.length);
    const socket = this.#socket;
    socket.cork();
    socket.write(header);
    const ok = socket.write(block, moved);
    socket.uncork();
    this.bytesOut += PIECE_HEADER_LENGTH + block.length;
    this.#lastSentAt = this.#clock.now();
    if (!ok) this.#needDrain = true;
    return ok;
  }

  /** Runs `write` with the socket corked, so the messages it sends leave in one writev. */
  corked(write: () => void): void {
    if (this.#closed !== undefined) return;
    this.#socket.cork();
    try {
      write();
    } finally {
      this.#socket.uncork();
    }
  }

  /** Keep-alive and inactivity rules (nothing received, or no block taken); call it from a periodic tick. */
  tick(now: number): void {
    if (this.#closed !== undefined) return;
    if (now - this.#lastReceivedAt >= this.#inactivityMs) {
      this.close(new EngineError('INACTIVE', `nothing received for ${Math.round((now - this.#lastReceivedAt) / 1000)} s`, { peer: this.key }));
      return;
    }
    // A peer that asks for blocks and then reads none of them holds our upload memory (and, with the
    // session's cap, everyone's turn at it) for as long as it sends keep-alives: drop it too.
    if (this.#blocksWaiting > 0 && now - this.#blocksMovedAt >= this.#inactivityMs) {
      this.close(new EngineError('INACTIVE', `read none of the blocks we sent for ${Math.round((now - this.#blocksMovedAt) / 1000)} s`, { peer: this.key }));
      return;
    }
    if (now - this.#lastSentAt >= this.#keepAliveMs) this.send(KEEP_ALIVE);
  }

  /** Closes the connection (idempotent) and emits 'close' with the reason. */
  close(reason: EngineError): void {
    if (this.#closed !== undefined) return;
    this.#closed = reason;
    this.#socket.destroy();
    this.emit('close', reason);
  }

  /** `chunk` may be reused memory: every message in it is decoded and handled before this returns. */
  #onData(chunk: Uint8Array): void {
    if (this.#closed !== undefined) return;
    // In place: the chunk is this connection's read (shared buffer or its own 'data' Buffer).
    this.#cipher?.decrypt.process(chunk);
    this.#lastReceivedAt = this.#clock.now();
    this.bytesIn += chunk.length;
    try {
      this.#decoder.push(chunk);
    } catch (error) {
      this.close(toEngineError(error, this.key));
      return;
    }
    this.#drainDecoder(chunk.length);
  }

  #drainDecoder(bytes: number): void {
    try {
      for (let message = this.#decoder.next(); message !== null; message = this.#decoder.next()) {
        this.emit('message', ownBytes(message));
        if (this.#closed !== undefined) return;
      }
    } catch (error) {
      this.close(toEngineError(error, this.key));
      return;
    }
    if (bytes > 0) this.emit('chunk', bytes);
  }

  /** `bytes` must be this connection's own buffer: it is encrypted in place when the connection is. */
  #write(bytes: Uint8Array, written?: () => void): boolean {
    if (this.#closed !== undefined) return false;
    this.#cipher?.encrypt.process(bytes);
    const ok = this.#socket.write(bytes, written);
    this.bytesOut += bytes.length;
    this.#lastSentAt = this.#clock.now();
    if (!ok) this.#needDrain = true;
    return ok;
  }

  /** A small buffer cut from the current slab; the socket holds it until written, so slabs are never reused. */
  #take(length: number): Uint8Array {
    if (this.#slabUsed + length > this.#slab.length) {
      this.#slab = new Uint8Array(HEADER_SLAB_BYTES);
      this.#slabUsed = 0;
    }
    const out = this.#slab.subarray(this.#slabUsed, this.#slabUsed + length);
    this.#slabUsed += length;
    return out;
  }
}

/**
 * Bitfield and extended payloads may be views of a reused read buffer, and their handlers keep
 * them (or views into them): they get their own copy. Piece blocks do not (listeners copy them
 * before returning), which saves a copy of every downloaded byte.
 */
function ownBytes(message: WireMessage): WireMessage {
  switch (message.type) {
    case 'bitfield':
      return { type: 'bitfield', bytes: new Uint8Array(message.bytes) };
    case 'extended':
      return { type: 'extended', id: message.id, payload: new Uint8Array(message.payload) };
    default:
      return message;
  }
}

/** The close reason for an error thrown while decoding or handling a message. */
export function toEngineError(error: unknown, peer: string): EngineError {
  if (error instanceof EngineError) return error;
  if (error instanceof WireError) return new EngineError('PROTOCOL', `protocol error: ${error.message}`, { peer, cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError('PROTOCOL', `failed to handle a message: ${message}`, { peer, cause: error });
}
