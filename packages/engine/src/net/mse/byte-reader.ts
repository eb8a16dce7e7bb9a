// Reads exact byte counts from a socket for a handshake written as straight-line code: `read(n)`
// resolves when n bytes are there, `skipPast(pattern)` scans for a marker. Bytes beyond what was
// asked for stay buffered and are handed back by `detach()`, which leaves the socket paused.
import type net from 'node:net';
import { EngineError } from '../../errors.js';

export class ByteReader {
  readonly #socket: net.Socket;
  readonly #peer: string;
  #buffer: Buffer;
  #wake: (() => void) | undefined;
  #failure: EngineError | undefined;
  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    this.#wake?.();
  };
  readonly #onEnd = (): void => this.#fail(new EngineError('SOCKET', 'connection closed during the handshake', { peer: this.#peer }));
  readonly #onAbort: () => void;
  readonly #signal: AbortSignal;

  constructor(socket: net.Socket, initial: Uint8Array, signal: AbortSignal, peer: string) {
    this.#socket = socket;
    this.#peer = peer;
    this.#signal = signal;
    this.#buffer = Buffer.from(initial);
    this.#onAbort = () =>
      this.#fail(signal.reason instanceof EngineError ? signal.reason : new EngineError('HANDSHAKE_TIMEOUT', 'no handshake in time', { peer, cause: signal.reason }));
    socket.on('data', this.#onData);
    socket.on('close', this.#onEnd);
    socket.on('end', this.#onEnd);
    signal.addEventListener('abort', this.#onAbort, { once: true });
    if (signal.aborted) this.#onAbort();
    socket.resume();
  }

  async read(count: number): Promise<Uint8Array> {
    await this.#until(() => this.#buffer.length >= count);
    const out = new Uint8Array(this.#buffer.subarray(0, count));
    this.#buffer = this.#buffer.subarray(count);
    return out;
  }

  /** Consumes bytes up to and including `pattern`, which must start within `maxBefore` bytes. */
  async skipPast(pattern: Uint8Array, maxBefore: number): Promise<void> {
    let at = -1;
    await this.#until(() => {
      at = this.#buffer.indexOf(pattern);
      if (at === -1 && this.#buffer.length >= maxBefore + pattern.length) {
        throw new EngineError('PROTOCOL', 'encryption handshake: synchronisation marker not found', { peer: this.#peer });
      }
      return at !== -1 && at <= maxBefore;
    });
    this.#buffer = this.#buffer.subarray(at + pattern.length);
  }

  /** Stops reading; returns the bytes read but not consumed. The socket stays paused. */
  detach(): Uint8Array {
    this.#socket.pause();
    this.#socket.off('data', this.#onData);
    this.#socket.off('close', this.#onEnd);
    this.#socket.off('end', this.#onEnd);
    this.#signal.removeEventListener('abort', this.#onAbort);
    return new Uint8Array(this.#buffer);
  }

  async #until(ready: () => boolean): Promise<void> {
    for (;;) {
      if (this.#failure !== undefined) throw this.#failure;
      if (ready()) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }

  #fail(error: EngineError): void {
    this.#failure ??= error;
    this.#wake?.();
  }
}
