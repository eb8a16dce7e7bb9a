// The session's one UDP socket, on the session's port number (the TCP listener's), shared by uTP
// (BEP 29) and the DHT (BEP 5) as libtorrent shares it: peers and DHT nodes reach both on the port we
// announce. The first byte tells them apart: uTP has version 1 in its low nibble, KRPC messages are
// bencoded dictionaries and start with 'd'. Anything else is dropped.
import dgram from 'node:dgram';
import { createUtpSocket, type ConnectionOptions, type UtpSocket, type UtpStream } from '@typetorrent/utp';
import { EngineError, describeError } from '../errors.js';

/**
 * Kernel receive and send buffers. The 208 KiB default overflows within milliseconds of a fast
 * loopback uTP transfer (packets dropped, the window halved); @typetorrent/utp uses 4 MiB too.
 */
export const UDP_BUFFER_BYTES = 4 * 1024 * 1024;

/** A datagram for someone sharing the socket; returns false when it was not theirs. */
export type DatagramHandler = (bytes: Uint8Array, from: { readonly address: string; readonly port: number }) => boolean;

/** The socket as the DHT sees it: send through it, receive what looks like KRPC. */
export interface SharedUdp {
  /** The bound port (0 before). */
  readonly port: number;
  send(bytes: Uint8Array, port: number, host: string): void;
  onKrpc(handler: DatagramHandler): void;
}

/** `SessionOptions.utp`. */
export interface SessionUtpOptions {
  /**
   * Dial over TCP too (default true): beside uTP once its head start is over, and at once for peers
   * whose uTP did not connect before. False: outgoing connections are uTP only (tests, a uTP-only lab).
   */
  readonly tcp?: boolean;
  /** How long an outgoing uTP connect tries alone before TCP joins in (default 1000 ms). */
  readonly headStartMs?: number;
  /** uTP connection options (packet size, windows); the defaults suit libtorrent peers. */
  readonly connection?: ConnectionOptions;
}

export interface SessionUdpOptions {
  /** Accept and make uTP connections on the socket; undefined: DHT only. */
  readonly utp?: { readonly connection?: ConnectionOptions; readonly accept: (stream: UtpStream) => void };
}

export class SessionUdp implements SharedUdp {
  readonly #socket = dgram.createSocket({ type: 'udp4', recvBufferSize: UDP_BUFFER_BYTES, sendBufferSize: UDP_BUFFER_BYTES });
  readonly #utp: UtpSocket | undefined;
  #krpc: DatagramHandler | undefined;
  #bound = false;
  #closed = false;

  constructor(options: SessionUdpOptions) {
    const utp = options.utp;
    if (utp !== undefined) {
      this.#utp = createUtpSocket({ socket: this.#socket, ...(utp.connection === undefined ? {} : { connection: utp.connection }) });
      this.#utp.on('connection', (stream) => utp.accept(stream));
      // A failed send is a lost datagram: uTP retransmits, the DHT asks another node.
      this.#utp.on('warning', () => undefined);
    }
    this.#socket.on('message', (bytes, from) => {
      if (this.#utp?.handleDatagram(bytes, from) === true) return;
      this.#krpc?.(bytes, from);
    });
    this.#socket.on('error', () => undefined); // send errors (a lost datagram); bind errors reach bind()
  }

  /** The uTP socket, once bound (for dialling); undefined without uTP or before `bind`. */
  get utp(): UtpSocket | undefined {
    return this.#bound && !this.#closed ? this.#utp : undefined;
  }

  get port(): number {
    return this.#bound ? this.#socket.address().port : 0;
  }

  /** Binds `port` on `host` and starts accepting uTP; rejects with LISTEN_FAILED. */
  async bind(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(new EngineError('LISTEN_FAILED', `cannot bind UDP ${host}:${port}: ${describeError(error)}`, { cause: error }));
      this.#socket.once('error', onError);
      this.#socket.bind(port, host, () => {
        this.#socket.off('error', onError);
        resolve();
      });
    });
    this.#bound = true;
    await this.#utp?.listen();
  }

  send(bytes: Uint8Array, port: number, host: string): void {
    if (!this.#bound || this.#closed) return;
    this.#socket.send(bytes, port, host, () => undefined);
  }

  onKrpc(handler: DatagramHandler): void {
    this.#krpc = handler;
  }

  /** Resets every uTP connection and closes the socket. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#utp?.close();
    await new Promise<void>((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}
