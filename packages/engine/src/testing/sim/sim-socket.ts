// One end of a simulated TCP connection (test helper, not exported by the package): a Duplex with
// the remote address and the few socket calls the engine makes, whose bytes travel through a
// SimNetwork pipe on the simulated clock. Writes finish when the link has sent them, so 'drain'
// comes at the link's pace and the engine's own backpressure works as over TCP.
import { Duplex } from 'node:stream';

/** What an end needs from its connection: send bytes, and close the other end. */
export interface SimWire {
  send(from: SimSocket, bytes: Uint8Array, sent: (error?: Error | null) => void): void;
  /** This end closed: `graceful` after its bytes (FIN), or at once (RST). */
  closed(from: SimSocket, graceful: boolean): void;
}

/** Bytes a write may queue before `write` returns false: a small socket buffer, as a busy link has. */
const WRITE_BUFFER_BYTES = 64 * 1024;

export class SimSocket extends Duplex {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily = 'IPv4';
  readonly localAddress: string;
  readonly localPort: number;
  #wire: SimWire | undefined;

  constructor(local: { host: string; port: number }, remote: { host: string; port: number }) {
    super({ writableHighWaterMark: WRITE_BUFFER_BYTES, allowHalfOpen: false });
    this.localAddress = local.host;
    this.localPort = local.port;
    this.remoteAddress = remote.host;
    this.remotePort = remote.port;
  }

  /** Joins the end to its connection (once, when both ends exist). */
  attach(wire: SimWire): void {
    this.#wire = wire;
  }

  /** Bytes from the other end arrived. */
  deliver(bytes: Uint8Array): void {
    if (!this.destroyed) this.push(bytes);
  }

  /** The other end closed gracefully: our readable side ends. */
  deliverEnd(): void {
    if (!this.destroyed) this.push(null);
  }

  /** The connection broke (reset, or a node left): both sides go, with `error` when given. */
  breakOff(error?: Error): void {
    if (this.destroyed) return;
    this.#wire = undefined;
    this.destroy(error);
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  override _read(): void {
    // Bytes are pushed as the network delivers them.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#wire === undefined) {
      callback(new Error('not connected'));
      return;
    }
    // A copy: the engine may reuse its buffer once the write is done, and the bytes are still in flight.
    this.#wire.send(this, new Uint8Array(chunk), callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    let length = 0;
    for (const { chunk } of chunks) length += chunk.length;
    const joined = new Uint8Array(length);
    let at = 0;
    for (const { chunk } of chunks) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    if (this.#wire === undefined) callback(new Error('not connected'));
    else this.#wire.send(this, joined, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#wire?.closed(this, true);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const wire = this.#wire;
    this.#wire = undefined;
    wire?.closed(this, false);
    callback(error);
  }
}
