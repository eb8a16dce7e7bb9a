// The session's UDP sockets, on the session's port number (the TCP listener's), shared by uTP
// (BEP 29) and the DHT (BEP 5) as libtorrent shares them: peers and DHT nodes reach both on the port
// we announce. One socket per address family: IPv4, and beside it IPv6 (ipv6Only, the same port
// number) where the host allows, so peers at IPv6 addresses are reached over uTP too. The first byte
// tells uTP and the DHT apart: uTP has version 1 in its low nibble, KRPC messages are bencoded
// dictionaries and start with 'd'. Anything else is dropped.
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { createUtpSocket, type ConnectionOptions, type UtpSocket, type UtpStream } from '@typetorrent/utp';
import { EngineError, describeError } from '../errors.js';
import { udpPeer, type UdpFamily } from '../net/utp-dial.js';

/**
 * Kernel receive and send buffers. The 208 KiB default overflows within milliseconds of a fast
 * loopback uTP transfer (packets dropped, the window halved); @typetorrent/utp uses 4 MiB too.
 */
export const UDP_BUFFER_BYTES = 4 * 1024 * 1024;

/** A datagram for someone sharing the socket; returns false when it was not theirs. */
export type DatagramHandler = (bytes: Uint8Array, from: { readonly address: string; readonly port: number }) => boolean;

/** The sockets as the DHT sees them: send through them, receive what looks like KRPC. */
export interface SharedUdp {
  /** The bound port (0 before). */
  readonly port: number;
  /** The families bound (the DHT keeps a routing table for each, BEP 32). */
  readonly families: readonly UdpFamily[];
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
  /** Accept and make uTP connections on the sockets; undefined: DHT only. */
  readonly utp?: { readonly connection?: ConnectionOptions; readonly accept: (stream: UtpStream) => void };
}

/**
 * The address of each family to bind for the session's `host`: a wildcard or loopback address gets
 * its counterpart in the other family; any other address is bound alone.
 */
export function udpHosts(host: string): ReadonlyMap<UdpFamily, string> {
  if (host === '0.0.0.0' || host === '::') return new Map([[4, '0.0.0.0'], [6, '::']]);
  if (host === '127.0.0.1' || host === '::1') return new Map([[4, '127.0.0.1'], [6, '::1']]);
  return new Map([[isIP(host) === 6 ? 6 : 4, host]]);
}

/** One family's socket and the uTP socket over it. */
interface FamilySocket {
  readonly socket: dgram.Socket;
  readonly utp: UtpSocket | undefined;
}

export class SessionUdp implements SharedUdp {
  readonly #options: SessionUdpOptions;
  readonly #sockets = new Map<UdpFamily, FamilySocket>();
  #krpc: DatagramHandler | undefined;
  #port = 0;
  #closed = false;

  constructor(options: SessionUdpOptions) {
    this.#options = options;
  }

  /** The uTP socket for peers of `family`, once bound; undefined without uTP, before `bind` or when that family could not be bound. */
  utp(family: UdpFamily): UtpSocket | undefined {
    return this.#closed ? undefined : this.#sockets.get(family)?.utp;
  }

  get port(): number {
    return this.#port;
  }

  get families(): readonly UdpFamily[] {
    return [...this.#sockets.keys()];
  }

  /**
   * Binds `port` on `host` and starts accepting uTP; rejects with LISTEN_FAILED when `host`'s own
   * family cannot be bound. The other family (udpHosts) is best effort: its failure comes back as a
   * warning, and that family's peers are reached over TCP only.
   */
  async bind(port: number, host: string): Promise<EngineError[]> {
    const hosts = udpHosts(host);
    const own: UdpFamily = isIP(host) === 6 ? 6 : 4;
    await this.#bindFamily(own, port, hosts.get(own) ?? host);
    const warnings: EngineError[] = [];
    for (const [family, address] of hosts) {
      if (family === own || this.#closed) continue;
      try {
        await this.#bindFamily(family, this.#port, address);
      } catch (error) {
        warnings.push(new EngineError('LISTEN_FAILED', `${describeError(error)}; IPv${family} peers over TCP only`, { cause: error }));
      }
    }
    return warnings;
  }

  send(bytes: Uint8Array, port: number, host: string): void {
    const peer = udpPeer(host);
    if (peer === undefined || this.#closed) return;
    this.#sockets.get(peer.family)?.socket.send(bytes, port, peer.address, () => undefined);
  }

  onKrpc(handler: DatagramHandler): void {
    this.#krpc = handler;
  }

  /** Resets every uTP connection and closes the sockets. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#sockets.values()].map(async ({ socket, utp }) => {
      await utp?.close();
      await closeSocket(socket);
    }));
  }

  async #bindFamily(family: UdpFamily, port: number, host: string): Promise<void> {
    const socket = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', ipv6Only: family === 6, recvBufferSize: UDP_BUFFER_BYTES, sendBufferSize: UDP_BUFFER_BYTES });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        void closeSocket(socket);
        reject(new EngineError('LISTEN_FAILED', `cannot bind UDP ${family === 6 ? `[${host}]` : host}:${port}: ${describeError(error)}`, { cause: error }));
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    if (this.#closed) {
      await closeSocket(socket); // closed while binding
      return;
    }
    socket.on('error', () => undefined); // send errors: a lost datagram (uTP retransmits, the DHT asks another node)
    const utp = this.#options.utp;
    const utpSocket = utp === undefined ? undefined : createUtpSocket({ socket, ...(utp.connection === undefined ? {} : { connection: utp.connection }) });
    if (utp !== undefined && utpSocket !== undefined) {
      utpSocket.on('connection', (stream) => utp.accept(stream));
      utpSocket.on('warning', () => undefined); // a failed send is a lost datagram
    }
    socket.on('message', (bytes, from) => {
      if (utpSocket?.handleDatagram(bytes, from) === true) return;
      this.#krpc?.(bytes, from);
    });
    this.#sockets.set(family, { socket, utp: utpSocket });
    this.#port = socket.address().port;
    await utpSocket?.listen();
  }
}

async function closeSocket(socket: dgram.Socket): Promise<void> {
  await new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed, or never bound
    }
  });
}
