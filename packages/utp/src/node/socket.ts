// A uTP socket over one UDP socket, shaped like `net`: `connect()` gives a Duplex, `listen()` makes
// 'connection' events. It either owns its dgram socket, or shares one with the DHT: then the owner
// hands every datagram to `handleDatagram` (uTP has version 1 in the low nibble of byte 0; KRPC
// starts with 'd', 0x64) and this class only sends through it. One ticker per socket (every
// TICK_MS while it has connections) drives every connection's timers: retransmission timeouts are
// 500 ms at least, so 25 ms of lateness is noise, and no per-packet timer bookkeeping is needed.
// Acks go out once per batch of datagrams (one setImmediate after the event loop's poll phase).

import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIP, type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Clock, Random } from '../clock.js';
import { UtpEndpoint, type EndpointLimits, type EndpointStats, type Remote } from '../endpoint.js';
import { UtpError } from '../errors.js';
import type { ConnectionOptions } from '../options.js';
import { UtpStream } from './stream.js';

/** How often the ticker runs connection timers, in ms. */
const TICK_MS = 25;

export interface UtpSocketOptions {
  /** A dgram socket to share (e.g. with the DHT). Its owner binds it and calls `handleDatagram`. */
  socket?: dgram.Socket;
  /** The dgram type when this class creates its own socket. */
  type?: 'udp4' | 'udp6';
  /**
   * Kernel receive and send buffer of an owned socket, in bytes (default 4 MiB; Linux caps it at
   * net.core.rmem_max / wmem_max). The 208 KiB default overflows under a fast loopback transfer.
   */
  udpBufferSize?: number;
  connection?: ConnectionOptions;
  limits?: EndpointLimits;
  /** Injected for tests; defaults to performance.now() and crypto random bytes. */
  clock?: Clock;
  random?: Random;
}

export interface UtpSocketEvents {
  connection: [stream: UtpStream];
  listening: [];
  /** A datagram that is not uTP, on a socket this class owns (route it to the DHT, say). */
  datagram: [bytes: Uint8Array, remote: Remote];
  /** A problem that does not stop the socket (a send that failed). */
  warning: [error: Error];
  close: [];
}

export class UtpSocket extends EventEmitter<UtpSocketEvents> {
  readonly endpoint: UtpEndpoint;
  private readonly udp: dgram.Socket;
  private readonly ownsSocket: boolean;
  private bound = false;
  private closed = false;
  private ticker: NodeJS.Timeout | undefined;
  private flushQueued = false;
  private readonly clock: Clock;

  constructor(options: UtpSocketOptions = {}) {
    super();
    this.clock = options.clock ?? { now: () => performance.now() };
    this.ownsSocket = options.socket === undefined;
    const buffer = options.udpBufferSize ?? 4 * 1024 * 1024;
    this.udp = options.socket ?? dgram.createSocket({ type: options.type ?? 'udp4', recvBufferSize: buffer, sendBufferSize: buffer });
    this.endpoint = new UtpEndpoint({
      clock: this.clock,
      random: options.random ?? cryptoRandom(),
      send: (bytes, remote) => this.udp.send(bytes, remote.port, remote.address),
      onConnection: (connection, remote) => this.emit('connection', new UtpStream(connection, remote, this)),
      ...(options.connection === undefined ? {} : { connection: options.connection }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    });
    if (this.ownsSocket) {
      this.udp.on('message', (msg, rinfo) => {
        if (!this.handleDatagram(msg, rinfo)) this.emit('datagram', msg, { address: rinfo.address, port: rinfo.port });
      });
      this.udp.on('error', (error) => this.emit('warning', error));
    } else {
      this.bound = true; // the owner binds a shared socket
    }
  }

  get stats(): EndpointStats {
    return this.endpoint.stats;
  }

  /** Binds (when owning the socket) and accepts incoming connections. */
  async listen(port = 0, host = '127.0.0.1'): Promise<AddressInfo> {
    if (this.closed) throw new UtpError('ECLOSED', 'socket is closed');
    await this.bind(port, host);
    this.endpoint.accepting = true;
    this.emit('listening');
    return this.address();
  }

  address(): AddressInfo {
    return this.udp.address();
  }

  /**
   * Opens a connection to an IP address (no DNS); the stream emits 'connect' when it is up. Throws
   * UtpError EINVAL (bad port or host), ECLOSED or ELIMIT synchronously. Call `listen()` first to
   * pick the interface: otherwise the OS binds the owned socket to all interfaces on the first send.
   */
  connect(port: number, host: string, options: { signal?: AbortSignal } = {}): UtpStream {
    if (this.closed) throw new UtpError('ECLOSED', 'socket is closed');
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UtpError('EINVAL', `bad port ${port}`, { field: 'port' });
    if (isIP(host) === 0) throw new UtpError('EINVAL', `not an IP address: ${host}`, { field: 'host' });
    const remote = { address: host, port };
    const connection = this.endpoint.connect(remote);
    const stream = new UtpStream(connection, remote, this);
    const signal = options.signal;
    if (signal !== undefined) {
      const abort = (): void => {
        if (!stream.connected) stream.destroy(new UtpError('ECLOSED', 'connect aborted', { cause: signal.reason }));
      };
      if (signal.aborted) process.nextTick(abort);
      else {
        signal.addEventListener('abort', abort, { once: true });
        const forget = (): void => signal.removeEventListener('abort', abort);
        stream.once('connect', forget).once('close', forget);
      }
    }
    if (!this.bound) {
      // The SYN went out through dgram's implicit bind; mark it bound so listen() only flips accepting.
      this.bound = true;
    }
    this.schedule();
    return stream;
  }

  /** `connect`, resolved once the SYN is answered; rejects with the stream's error (and destroys it). */
  async dial(port: number, host: string, options: { signal?: AbortSignal } = {}): Promise<UtpStream> {
    const stream = this.connect(port, host, options);
    await new Promise<void>((resolve, reject) => {
      const onConnect = (): void => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error): void => {
        stream.off('connect', onConnect);
        reject(error);
      };
      stream.once('connect', onConnect).once('error', onError);
    });
    return stream;
  }

  /** Feeds one datagram from a shared socket; false when it is not uTP (for the caller to route). */
  handleDatagram(bytes: Uint8Array, remote: { address: string; port: number }): boolean {
    if (this.closed) return false;
    const routed = this.endpoint.receive(bytes, { address: remote.address, port: remote.port });
    if (routed) this.schedule();
    return routed;
  }

  /** Flushes acks after the current batch of I/O (one setImmediate) and keeps the ticker running. */
  schedule(): void {
    if (this.flushQueued || this.closed) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.endpoint.flush();
      this.startTicker();
    });
  }

  /** Resets every connection and closes the socket (when it owns it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.endpoint.destroyAll(new UtpError('ECLOSED', 'socket closed'));
    if (this.ownsSocket) {
      await new Promise<void>((resolve) => {
        try {
          this.udp.close(() => resolve());
        } catch {
          resolve(); // never bound: nothing to close
        }
      });
    }
    this.emit('close');
  }

  private async bind(port: number, host: string): Promise<void> {
    if (this.bound) return;
    this.bound = true;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.udp.once('error', onError);
      this.udp.bind(port, host, () => {
        this.udp.off('error', onError);
        resolve();
      });
    });
  }

  private startTicker(): void {
    if (this.ticker !== undefined || this.closed || this.endpoint.size === 0) return;
    this.ticker = setInterval(() => {
      this.endpoint.tick();
      this.endpoint.flush();
      if (this.endpoint.size === 0) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }, TICK_MS);
    this.ticker.unref();
  }
}

export function createUtpSocket(options: UtpSocketOptions = {}): UtpSocket {
  return new UtpSocket(options);
}

/** Random numbers from the OS, fetched 1 KiB at a time. */
function cryptoRandom(): Random {
  let pool = randomBytes(1024);
  let at = 0;
  return {
    nextU32(): number {
      if (at + 4 > pool.length) {
        pool = randomBytes(1024);
        at = 0;
      }
      const value = pool.readUInt32BE(at);
      at += 4;
      return value;
    },
  };
}
