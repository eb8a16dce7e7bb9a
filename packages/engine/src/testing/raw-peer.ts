// A raw client for tests (not exported by the package): dials a session, handshakes with the fast
// extension, and collects every message it receives, so a test can script requests and inspect
// the answers.
import net from 'node:net';
import { WireDecoder, createPeerId, encodeHandshake, encodeMessage, encodeReserved, type WireMessage } from '@typetorrent/peer-wire';

export class RawPeer {
  readonly messages: WireMessage[] = [];
  readonly #socket: net.Socket;
  closed = false;

  private constructor(socket: net.Socket, pieceCount: number) {
    this.#socket = socket;
    const decoder = new WireDecoder({ pieceCount });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.messages.push(...decoder.decode(chunk));
      } catch {
        socket.destroy();
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static async connect(port: number, infoHash: Uint8Array, pieceCount: number): Promise<RawPeer> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(encodeHandshake({ reserved: encodeReserved({ fast: true }), infoHash, peerId: createPeerId({ prefix: '-RW0001-' }) }));
    return new RawPeer(socket, pieceCount);
  }

  send(message: WireMessage): void {
    this.#socket.write(encodeMessage(message));
  }

  /** Resolves with the first message (from the start) that `want` accepts. */
  async waitFor<T extends WireMessage>(want: (m: WireMessage) => m is T, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(want);
      if (found !== undefined) return found;
      if (Date.now() > deadline || this.closed) throw new Error(`no such message; got ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.#socket.destroy();
  }
}
