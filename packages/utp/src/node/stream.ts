// One uTP connection as a Duplex stream, shaped like net.Socket: 'connect' for outgoing connections,
// backpressure both ways (the core's receive window only reopens as this stream is read), `end()`
// sends a FIN, `destroy()` before both directions finished sends a RESET.

import { Duplex } from 'node:stream';
import type { Connection } from '../connection.js';
import { checkPacketSize, type Remote } from '../endpoint.js';
import type { UtpError } from '../errors.js';

export interface UtpStreamHost {
  /** Asks the socket to flush acks and re-arm its timer soon (after the current tick). */
  schedule(): void;
}

export class UtpStream extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** True once the connection is established (outgoing: after 'connect'). */
  connected: boolean;
  private wantsData = false;
  private pulling = false;
  private pullAgain = false;
  private eofPushed = false;
  private pendingWrite: (() => void) | undefined;

  constructor(
    readonly connection: Connection,
    remote: Remote,
    private readonly host: UtpStreamHost,
  ) {
    super({ allowHalfOpen: true });
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
    this.connected = connection.state === 'connected';
    connection.events = {
      connect: () => {
        this.connected = true;
        this.emit('connect');
      },
      readable: () => {
        if (this.wantsData) this.pull();
      },
      end: () => {
        if (this.wantsData) this.pull();
      },
      drain: () => {
        const done = this.pendingWrite;
        this.pendingWrite = undefined;
        done?.();
      },
      close: (error: UtpError | undefined) => this.onConnectionClose(error),
    };
  }

  /** Payload bytes per packet from now on (64 to 65000); see `ConnectionOptions.loopbackPacketSize`. */
  setPacketSize(bytes: number): void {
    checkPacketSize(bytes, 'packetSize');
    this.connection.setPacketSize(bytes);
  }

  /** Bytes written and not yet acknowledged by the peer. */
  get bufferedBytes(): number {
    return this.connection.bufferedAmount;
  }

  override _read(): void {
    this.wantsData = true;
    this.pull();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const ok = this.connection.write(chunk);
    this.host.schedule();
    if (ok) callback();
    else this.pendingWrite = () => callback();
  }

  /** Corked writes arrive together: queue them all before packetizing, so small ones share packets. */
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    let open = true;
    for (const { chunk } of chunks) open = this.connection.writeQueued(chunk) && open;
    this.connection.pump();
    const ok = open && this.connection.admitMore();
    this.host.schedule();
    if (ok) callback();
    else this.pendingWrite = () => callback();
  }

  /** For code written against net.Socket: uTP sends at once already (no Nagle). */
  setNoDelay(_noDelay = true): this {
    return this;
  }

  /** For code written against net.Socket: uTP keeps connections alive itself (keepAliveMs). */
  setKeepAlive(_enable = false, _initialDelay = 0): this {
    return this;
  }

  get remoteFamily(): 'IPv4' | 'IPv6' {
    return this.remoteAddress.includes(':') ? 'IPv6' : 'IPv4';
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.connection.end();
    this.host.schedule();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const conn = this.connection;
    if (conn.state !== 'closed') {
      // Both directions done: let the FIN exchange finish in the background. Otherwise abort.
      if (error === null && this.readableEnded && this.writableFinished) conn.end();
      else conn.destroy();
      this.host.schedule();
    }
    const done = this.pendingWrite;
    this.pendingWrite = undefined;
    done?.();
    callback(error);
  }

  private pull(): void {
    // push() can call _read() synchronously: a nested pull would end the stream before the outer
    // one has pushed its chunks, so nested calls only ask the outer loop to go round again.
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = true;
    do {
      this.pullAgain = false;
      const chunks = this.connection.read();
      if (chunks.length > 0) this.host.schedule(); // a window update may be due
      for (const chunk of chunks) {
        if (!this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) this.wantsData = false;
      }
    } while (this.pullAgain);
    this.pulling = false;
    if (this.connection.recv.eofReached && this.connection.readable === 0 && !this.eofPushed) {
      this.eofPushed = true;
      this.push(null);
    }
  }

  private onConnectionClose(error: UtpError | undefined): void {
    if (error !== undefined) {
      // After both directions finished, a late failure (the socket closing under a lingering FIN
      // exchange) is nobody's concern.
      this.destroy(this.readableEnded && this.writableEnded ? undefined : error);
      return;
    }
    if (this.connection.recv.eofReached) this.pull();
  }
}
