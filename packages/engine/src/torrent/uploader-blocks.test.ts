// The uploader reading one-block requests into the session's pool of block buffers (UploadMemory's
// BlockPool): a buffer is used again only after the write that sent it completed, never for a uTP
// stream (which keeps the bytes until they are acknowledged) unless the connection copied them to
// encrypt, and idle buffers plus the upload data held stay within the session's cap. Fake
// connections hold their writes until the test flushes them; the fake store reads into the buffer
// it is given. No sockets, no disk.
import { describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE, PieceGeometry } from '@typetorrent/metainfo';
import type { EngineError } from '../errors.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { fakePeer, type FakeConnection } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Peer } from './peer.js';
import { UploadMemory } from './upload-memory.js';
import { Uploader, type UploaderHost } from './uploader.js';

const PIECE = 16 * BLOCK_SIZE;
const PIECES = 8;
const geometry = new PieceGeometry(PIECE, PIECES * PIECE, [{ length: PIECES * PIECE }]);

/** The byte every position of a block holds in the fake torrent: which block it is. */
function blockByte(piece: number, begin: number): number {
  return (piece * 16 + begin / BLOCK_SIZE + 1) % 256;
}

class Host implements UploaderHost {
  readonly infoHash = new Uint8Array(20).fill(9);
  readonly geometry = geometry;
  readonly clock = new ManualClock();
  readonly limiter = new RateLimiter({ now: () => this.clock.now() });
  readonly uploading = true;
  readonly closed = false;
  readonly peerList: Peer[] = [];
  readonly warnings: EngineError[] = [];
  /** The buffer each read went into, in order. */
  readonly readInto: Uint8Array[] = [];
  constructor(readonly memory: UploadMemory) {}
  readonly store = {
    has: (): boolean => true,
    readBlock: async (piece: number, begin: number, length: number, options: { into?: Uint8Array } = {}): Promise<Uint8Array> => {
      const into = options.into ?? new Uint8Array(length);
      this.readInto.push(into);
      for (let at = 0; at < length; at += BLOCK_SIZE) into.fill(blockByte(piece, begin + at), at, at + BLOCK_SIZE);
      return into;
    },
  };
  peers(): Iterable<Peer> {
    return this.peerList;
  }
  countUpload(): void {}
  warn(warning: EngineError): void {
    this.warnings.push(warning);
  }
  internalError(error: unknown): void {
    throw error;
  }
}

interface Written {
  readonly piece: number;
  readonly begin: number;
  readonly block: Uint8Array;
  /** Its bytes were still the ones read for it when its write completed (undefined: not completed). */
  intactWhenWritten?: boolean;
}

/** An unchoked peer whose writes are held until flushed; records the block of every PIECE it sends. */
function heldPeer(host: Host, uploader: Uploader, key: string, transport: 'tcp' | 'utp' = 'tcp', encrypted = false): { peer: Peer; conn: FakeConnection; written: Written[] } {
  const made = fakePeer(key, host.clock);
  made.conn.transport = transport;
  made.conn.encrypted = encrypted;
  const written: Written[] = [];
  const send = made.conn.sendPiece.bind(made.conn);
  made.conn.sendPiece = (piece, begin, block, done) => {
    const sent: Written = { piece, begin, block };
    written.push(sent);
    return send(piece, begin, block, () => {
      sent.intactWhenWritten = intact(sent);
      done?.();
    });
  };
  host.peerList.push(made.peer);
  uploader.join(made.peer);
  made.peer.setAmChoking(false);
  made.conn.holdWrites = true;
  return { ...made, written };
}

function request(uploader: Uploader, peer: Peer, piece: number, block: number): void {
  uploader.onRequest(peer, { piece, begin: block * BLOCK_SIZE, length: BLOCK_SIZE });
  uploader.serve(peer); // as if it came alone in a socket read
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** True when every byte of a sent block is still what was read for it. */
function intact(sent: Written): boolean {
  return sent.block.every((byte) => byte === blockByte(sent.piece, sent.begin));
}

describe('Uploader: pooled block buffers', () => {
  it('does not read into a buffer again before the write that sent it completed, then does', async () => {
    const memory = new UploadMemory();
    const host = new Host(memory);
    const uploader = new Uploader(host);
    const a = heldPeer(host, uploader, 'a');
    const b = heldPeer(host, uploader, 'b');
    request(uploader, a.peer, 0, 0);
    await settle();
    const first = host.readInto[0]!;
    // While a's write is held, every other read gets another buffer and a's bytes stay as sent.
    for (let i = 0; i < 6; i++) request(uploader, b.peer, 1, i);
    await settle();
    expect(host.readInto).toHaveLength(7);
    expect(host.readInto.slice(1)).not.toContain(first);
    expect(a.written.every(intact)).toBe(true);
    // a's write completes: its buffer is read into next.
    a.conn.flush();
    request(uploader, b.peer, 2, 0);
    await settle();
    expect(host.readInto[7]).toBe(first);
    expect(a.written.map((w) => w.intactWhenWritten)).toEqual([true]);
    b.conn.flush();
    expect(b.written.map((w) => w.intactWhenWritten)).toEqual(Array(7).fill(true));
    uploader.close();
  });

  it('hands the buffers of a uTP stream back to no one, unless the connection copied them to encrypt', async () => {
    for (const encrypted of [false, true]) {
      const memory = new UploadMemory();
      const host = new Host(memory);
      const uploader = new Uploader(host);
      const utp = heldPeer(host, uploader, 'utp', 'utp', encrypted);
      request(uploader, utp.peer, 0, 0);
      await settle();
      utp.conn.flush();
      await settle();
      expect(memory.idleBuffers).toBe(encrypted ? BLOCK_SIZE : 0);
      utp.conn.holdWrites = true;
      request(uploader, utp.peer, 0, 1);
      await settle();
      expect(host.readInto[1] === host.readInto[0]).toBe(encrypted);
      utp.conn.flush();
      expect(utp.written.map((w) => w.intactWhenWritten)).toEqual([true, true]);
      uploader.close();
    }
  });

  it('reads a run of contiguous requests into a pooled buffer of its size, used again once written', async () => {
    const memory = new UploadMemory();
    const host = new Host(memory);
    const uploader = new Uploader(host);
    const a = heldPeer(host, uploader, 'a');
    // Queued while the socket is full, served as one run of two blocks when it drains.
    a.conn.writable = false;
    request(uploader, a.peer, 0, 0);
    request(uploader, a.peer, 0, 1);
    a.conn.writable = true;
    uploader.serve(a.peer);
    await settle();
    const run = host.readInto[0]!;
    expect(run).toHaveLength(2 * BLOCK_SIZE);
    a.conn.writable = false;
    request(uploader, a.peer, 3, 0);
    request(uploader, a.peer, 3, 1);
    a.conn.writable = true;
    a.conn.flush();
    await settle();
    expect(host.readInto[1]).toBe(run);
    a.conn.flush();
    expect(a.written.map((w) => w.intactWhenWritten)).toEqual([true, true, true, true]);
    uploader.close();
  });

  it('keeps idle buffers of every size and held bytes within the total: a new buffer makes idle ones of other sizes give way', () => {
    const total = 8 * BLOCK_SIZE;
    const memory = new UploadMemory({ perPeer: 4 * BLOCK_SIZE, total });
    // Reads of 4, 2, 1 and 1 blocks fill the cap; their buffers go back while still held, then their bytes.
    const reads = [4, 2, 1, 1].map((blocks) => {
      const buffer = memory.buffersFor(blocks * BLOCK_SIZE)!.take();
      memory.take(buffer.length);
      return buffer;
    });
    for (const buffer of reads) {
      memory.buffersFor(buffer.length)!.give(buffer);
      memory.release(buffer.length);
      expect(memory.idleBuffers + memory.used).toBeLessThanOrEqual(total);
    }
    expect(memory.idleBuffers).toBe(total);
    // A read of 8 blocks finds no idle buffer of its size: the others give way to the new one.
    const big = memory.buffersFor(8 * BLOCK_SIZE)!.take();
    memory.take(big.length);
    expect(memory.idleBuffers).toBe(0);
    // A read of a length not pooled (the torrent's short last block) counts the same way.
    memory.buffersFor(big.length)!.give(big);
    memory.release(big.length);
    expect(memory.buffersFor(BLOCK_SIZE - 1)).toBeUndefined();
    memory.take(BLOCK_SIZE - 1);
    expect(memory.idleBuffers + memory.used).toBeLessThanOrEqual(total);
  });

  it('keeps idle buffers and held upload data together within the session cap', async () => {
    const total = 6 * BLOCK_SIZE;
    const memory = new UploadMemory({ perPeer: 2 * BLOCK_SIZE, total });
    const host = new Host(memory);
    const uploader = new Uploader(host);
    const peers = ['a', 'b', 'c', 'd'].map((key) => heldPeer(host, uploader, key));
    // Requests for blocks far apart: one-block reads only, never runs.
    peers.forEach(({ peer }, p) => {
      for (let i = 0; i < 6; i++) request(uploader, peer, i, p * 2);
    });
    await settle();
    expect(memory.used).toBe(total);
    for (let round = 0; round < 8; round++) {
      for (const { conn } of peers) {
        conn.flush();
        conn.holdWrites = true;
        await settle();
        expect(memory.idleBuffers + memory.used).toBeLessThanOrEqual(total);
      }
    }
    for (const { written } of peers) {
      expect(written.map((w) => w.intactWhenWritten)).toEqual(Array(6).fill(true));
    }
    // Everything sent and written: the buffers wait idle, no more of them than the cap.
    expect(memory.used).toBe(0);
    expect(memory.idleBuffers).toBeGreaterThan(0);
    expect(memory.idleBuffers).toBeLessThanOrEqual(total);
    uploader.close();
  });
});
