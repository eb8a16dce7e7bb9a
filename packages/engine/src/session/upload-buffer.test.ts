// The session's cap on upload data held in memory, over real loopback sockets: a seeding session
// dials three raw leechers that ask for 1,000 blocks each and then stop reading their sockets. Once
// the kernel's buffers are full, the seeder's own (each socket's write buffer, and reads in flight)
// stay under the per-peer and total caps and the rest of the requests wait unread; when the leechers
// read again every block arrives, correct, and nothing was refused.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { BLOCK_SIZE } from '@typetorrent/metainfo';
import { WireDecoder, createPeerId, encodeHandshake, encodeMessage, encodeReserved, type WireMessage } from '@typetorrent/peer-wire';
import { removeTempDir } from '@typetorrent/testkit';
import { tcpSocketFactory, type SocketFactory } from '../net/socket-factory.js';
import { makeFixture, type Fixture } from '../testing/fixtures.js';
import { waitUntil } from '../testing/swarm-helpers.js';
import { Session } from './session.js';

const PER_PEER = 256 * 1024;
const TOTAL = 512 * 1024;
const REQUESTS = 1000;
/** A PIECE message's header per block, on top of the block in the socket's buffer. */
const HEADERS = (PER_PEER / BLOCK_SIZE) * 13;

let fixture: Fixture;
const BLOCKS = 256;

beforeAll(async () => {
  fixture = await makeFixture({ name: 'held', seed: 31, pieceLength: 256 * 1024, files: [{ path: ['data.bin'], length: BLOCKS * BLOCK_SIZE }] });
});

afterAll(async () => {
  await removeTempDir(fixture.dir);
});

/** A leecher the seeder dials: it handshakes, asks for REQUESTS blocks once unchoked, and stops reading. */
class StalledLeecher {
  readonly server = net.createServer((socket) => this.#accept(socket));
  socket: net.Socket | undefined;
  requested = false;
  readonly pieces: Extract<WireMessage, { type: 'piece' }>[] = [];
  rejects = 0;

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return address !== null && typeof address === 'object' ? address.port : 0;
  }

  #accept(socket: net.Socket): void {
    this.socket = socket;
    socket.on('error', () => undefined);
    const decoder = new WireDecoder({ pieceCount: fixture.metainfo.pieceCount });
    decoder.setNegotiated({ fast: true });
    socket.on('data', (chunk: Buffer) => {
      for (const message of decoder.decode(chunk)) this.#onMessage(socket, message);
    });
  }

  #onMessage(socket: net.Socket, message: WireMessage): void {
    if (message.type === 'handshake') {
      socket.write(encodeHandshake({ reserved: encodeReserved({ fast: true }), infoHash: fixture.metainfo.infoHash, peerId: createPeerId({ prefix: '-ST0001-' }) }));
      socket.write(encodeMessage({ type: 'interested' }));
    }
    if (message.type === 'piece') this.pieces.push({ ...message, block: new Uint8Array(message.block) });
    if (message.type === 'reject-request') this.rejects++;
    if (message.type !== 'unchoke' || this.requested) return;
    this.requested = true;
    const requests: Uint8Array[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const block = i % BLOCKS;
      requests.push(encodeMessage({ type: 'request', index: Math.floor(block / 16), begin: (block % 16) * BLOCK_SIZE, length: BLOCK_SIZE }));
    }
    socket.write(Buffer.concat(requests));
    socket.pause();
  }

  close(): void {
    this.socket?.destroy();
    this.server.close();
  }
}

it('a seeder whose leechers stop reading holds no more than the caps, and sends everything once they read again', async () => {
  const sockets: net.Socket[] = [];
  const recording: SocketFactory = async (options) => {
    const socket = await tcpSocketFactory(options);
    sockets.push(socket as net.Socket);
    return socket;
  };
  const leechers = [new StalledLeecher(), new StalledLeecher(), new StalledLeecher()];
  const ports = await Promise.all(leechers.map(async (leecher) => await leecher.listen()));
  const seeder = new Session({ port: 0, host: '127.0.0.1', encryption: 'disable', socketFactory: recording, uploadBuffer: { perPeer: PER_PEER, total: TOTAL } });
  let most = { held: 0, buffered: 0, socket: 0 };
  const sample = setInterval(() => {
    const lengths = sockets.map((socket) => socket.writableLength);
    most = {
      held: Math.max(most.held, seeder.uploadBuffered),
      buffered: Math.max(most.buffered, lengths.reduce((a, b) => a + b, 0)),
      socket: Math.max(most.socket, ...lengths),
    };
  }, 2);
  try {
    await seeder.add(fixture.torrent, { savePath: fixture.dir, peers: ports.map((port) => ({ host: '127.0.0.1', port })) });
    // Stalled: every leecher has asked, and the session's total is (all but a block) taken.
    await waitUntil(() => leechers.every((l) => l.requested) && seeder.uploadBuffered > TOTAL - BLOCK_SIZE, 20_000, () => `never stalled: ${seeder.uploadBuffered} bytes held, ${leechers.map((l) => l.requested).join()}`);
    expect(seeder.uploadBuffered).toBeLessThanOrEqual(TOTAL);
    for (const socket of sockets) expect(socket.writableLength).toBeLessThanOrEqual(PER_PEER + HEADERS);
    expect(sockets.reduce((sum, socket) => sum + socket.writableLength, 0)).toBeLessThanOrEqual(TOTAL + 2 * HEADERS);

    for (const leecher of leechers) leecher.socket?.resume();
    await waitUntil(() => leechers.every((l) => l.pieces.length === REQUESTS), 30_000, () => `pieces: ${leechers.map((l) => l.pieces.length).join()}`);
    await waitUntil(() => seeder.uploadBuffered === 0, 5000, () => `${seeder.uploadBuffered} bytes still held`);
    expect(most.held).toBeLessThanOrEqual(TOTAL);
    expect(most.socket).toBeLessThanOrEqual(PER_PEER + HEADERS);
    expect(most.buffered).toBeLessThanOrEqual(TOTAL + 2 * HEADERS);
    expect(leechers.map((l) => l.rejects)).toEqual([0, 0, 0]);
    const data = fixture.data.get('data.bin');
    for (const leecher of leechers) {
      for (const piece of [leecher.pieces[0], leecher.pieces[REQUESTS - 1]]) {
        if (piece === undefined || data === undefined) throw new Error('no piece');
        const at = piece.index * 256 * 1024 + piece.begin;
        expect(Buffer.from(piece.block).equals(Buffer.from(data.subarray(at, at + BLOCK_SIZE)))).toBe(true);
      }
    }
  } finally {
    clearInterval(sample);
    for (const leecher of leechers) leecher.close();
    await seeder.close();
  }
}, 60_000);
