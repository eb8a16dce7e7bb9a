// A scripted peer for tests (not exported by the package): a raw TCP listener that speaks the wire
// protocol through @typetorrent/peer-wire and does whatever the test says: lie, corrupt, flood.
import net from 'node:net';
import {
  WireDecoder,
  encodeHandshake,
  encodeMessage,
  encodeReserved,
  createPeerId,
  type WireMessage,
} from '@typetorrent/peer-wire';
import type { Metainfo } from '@typetorrent/metainfo';

export class FakeConnection {
  readonly socket: net.Socket;
  closed = false;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('close', () => (this.closed = true));
  }

  send(message: WireMessage): void {
    this.raw(encodeMessage(message));
  }

  raw(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }
}

export interface FakeBehaviour {
  /** Sent right after our handshake reply. */
  onConnect?(connection: FakeConnection, metainfo: Metainfo): void;
  onMessage?(connection: FakeConnection, message: WireMessage, metainfo: Metainfo): void;
}

export class FakePeer {
  readonly peerId = createPeerId({ prefix: '-FK0001-' });
  /** Connections accepted (after a valid handshake). */
  connections = 0;
  /** Connections that ended. */
  closedConnections = 0;
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();

  private constructor(
    readonly metainfo: Metainfo,
    behaviour: FakeBehaviour,
    options: { fast: boolean; extended: boolean },
  ) {
    this.#server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      const connection = new FakeConnection(socket);
      const decoder = new WireDecoder({ pieceCount: metainfo.pieceCount });
      let handshaken = false;
      socket.on('close', () => {
        this.#sockets.delete(socket);
        if (handshaken) this.closedConnections++;
      });
      socket.on('data', (chunk: Buffer) => {
        try {
          for (const message of decoder.decode(chunk)) {
            if (message.type === 'handshake') {
              handshaken = true;
              this.connections++;
              socket.write(encodeHandshake({ reserved: encodeReserved({ fast: options.fast, extended: options.extended }), infoHash: metainfo.infoHash, peerId: this.peerId }));
              behaviour.onConnect?.(connection, metainfo);
            } else {
              behaviour.onMessage?.(connection, message, metainfo);
            }
          }
        } catch {
          socket.destroy();
        }
      });
    });
  }

  static async listen(metainfo: Metainfo, behaviour: FakeBehaviour, options: { fast?: boolean; extended?: boolean } = {}): Promise<FakePeer> {
    const peer = new FakePeer(metainfo, behaviour, { fast: options.fast ?? true, extended: options.extended ?? false });
    await new Promise<void>((resolve) => peer.#server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get port(): number {
    const address = this.#server.address();
    return address !== null && typeof address === 'object' ? address.port : 0;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A full bitfield for `pieceCount` pieces (spare bits clear). */
export function fullBitfield(pieceCount: number): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(pieceCount / 8)).fill(0xff);
  const used = pieceCount & 7;
  if (used !== 0) bytes[bytes.length - 1] = (0xff << (8 - used)) & 0xff;
  return bytes;
}
