// The uploader under the session's cap on upload data held in memory (UploadMemory): peers whose
// sockets are not read, many peers sharing the total, draining, leaving, failed reads. Fake
// connections hold their piece writes until the test "reads the socket" (flush); reads from the fake
// store complete at once. No sockets, no disk.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE, PieceGeometry } from '@typetorrent/metainfo';
import { EngineError } from '../errors.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { fakePeer, type FakeConnection } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Peer } from './peer.js';
import { UploadMemory } from './upload-memory.js';
import { MAX_INCOMING_REQUESTS, Uploader, type UploaderHost } from './uploader.js';

const PIECE = 16 * BLOCK_SIZE;
const PIECES = 64;
const geometry = new PieceGeometry(PIECE, PIECES * PIECE, [{ length: PIECES * PIECE }]);
const PER_PEER = 4 * BLOCK_SIZE;
const TOTAL = 10 * BLOCK_SIZE;

class Host implements UploaderHost {
  readonly infoHash = new Uint8Array(20).fill(9);
  readonly geometry = geometry;
  readonly clock = new ManualClock();
  readonly limiter = new RateLimiter({ now: () => this.clock.now() });
  readonly uploading = true;
  readonly closed = false;
  /** Bytes read from the store so far. */
  readBytes = 0;
  failReads = false;
  readonly peerList: Peer[] = [];
  readonly warnings: EngineError[] = [];
  constructor(readonly memory: UploadMemory) {}
  readonly store = {
    has: (): boolean => true,
    readBlock: async (_piece: number, _begin: number, length: number): Promise<Uint8Array> => {
      this.readBytes += length;
      if (this.failReads) throw new Error('EIO');
      return new Uint8Array(length);
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

let memory: UploadMemory;

beforeEach(() => {
  memory = new UploadMemory({ perPeer: PER_PEER, total: TOTAL });
});

function torrent(): { host: Host; uploader: Uploader } {
  const host = new Host(memory);
  return { host, uploader: new Uploader(host) };
}

/** An unchoked BEP 6 peer whose socket nobody reads. */
function stalledPeer(host: Host, uploader: Uploader, key: string): { peer: Peer; conn: FakeConnection } {
  const made = fakePeer(key, host.clock);
  host.peerList.push(made.peer);
  uploader.join(made.peer);
  made.peer.setAmChoking(false);
  made.conn.holdWrites = true;
  made.conn.sent.length = 0;
  return made;
}

/** `count` block requests, walking the torrent's blocks in order. */
function requestBlocks(uploader: Uploader, peer: Peer, count: number): void {
  for (let i = 0; i < count; i++) {
    const block = i % (PIECES * 16);
    uploader.onRequest(peer, { piece: Math.floor(block / 16), begin: (block % 16) * BLOCK_SIZE, length: BLOCK_SIZE });
    uploader.serve(peer); // each as if it came alone in a socket read
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('Uploader: upload data held in memory', () => {
  it('a peer that never reads its socket holds no more than the per-peer cap; the rest stays queued, unread and not refused', async () => {
    const { host, uploader } = torrent();
    const { peer, conn } = stalledPeer(host, uploader, 'a');
    requestBlocks(uploader, peer, 100);
    await settle();
    expect(conn.unflushed).toBe(PER_PEER);
    expect(uploader.held(peer)).toBe(PER_PEER);
    expect(host.readBytes).toBe(PER_PEER);
    expect(uploader.queued(peer)).toBe(100 - PER_PEER / BLOCK_SIZE);
    expect(conn.take('reject-request')).toEqual([]);
  });

  it('draining the socket sends the queued requests, never more than the cap at a time, until all are served', async () => {
    const { host, uploader } = torrent();
    const { peer, conn } = stalledPeer(host, uploader, 'a');
    requestBlocks(uploader, peer, 40);
    await settle();
    let sent = conn.take('piece-sent').length;
    while (sent < 40) {
      conn.flush();
      conn.holdWrites = true;
      await settle();
      expect(uploader.held(peer)).toBeLessThanOrEqual(PER_PEER);
      const now = conn.take('piece-sent').length;
      expect(now).toBeGreaterThan(0);
      sent += now;
    }
    conn.flush();
    await settle();
    expect(sent).toBe(40);
    expect(uploader.queued(peer)).toBe(0);
    expect(uploader.held(peer)).toBe(0);
    expect(memory.used).toBe(0);
  });

  it(`requests past our reqq (${MAX_INCOMING_REQUESTS}) are rejected (BEP 6) while the cap holds the queue back`, async () => {
    const { host, uploader } = torrent();
    const { peer, conn } = stalledPeer(host, uploader, 'a');
    const started = PER_PEER / BLOCK_SIZE;
    requestBlocks(uploader, peer, started + MAX_INCOMING_REQUESTS + 3);
    await settle();
    expect(uploader.queued(peer)).toBe(MAX_INCOMING_REQUESTS);
    expect(conn.take('reject-request')).toHaveLength(3);
    expect(host.readBytes).toBe(PER_PEER);
  });

  it('many stalled peers together hold no more than the session total; the peers held back wait their turn', async () => {
    const { host, uploader } = torrent();
    const peers = ['a', 'b', 'c', 'd', 'e', 'f'].map((key) => stalledPeer(host, uploader, key));
    for (const { peer } of peers) requestBlocks(uploader, peer, 20);
    await settle();
    expect(memory.used).toBeLessThanOrEqual(TOTAL);
    expect(peers.reduce((sum, { conn }) => sum + conn.unflushed, 0)).toBe(memory.used);
    expect(host.readBytes).toBe(memory.used);
    const heldBack = peers.filter(({ peer }) => uploader.held(peer) === 0);
    expect(heldBack.length).toBeGreaterThan(0);
    // Everyone short of its own cap waits for the total (one of them holds a part of a share).
    expect(memory.waiting).toBe(peers.filter(({ peer }) => uploader.held(peer) < PER_PEER).length);
    // The first peer's reader wakes up: what it frees goes to the peers that waited, oldest first.
    const first = peers.find(({ peer }) => uploader.held(peer) > 0);
    first?.conn.flush();
    await settle();
    expect(memory.used).toBeLessThanOrEqual(TOTAL);
    expect(uploader.held(heldBack[0]?.peer as Peer)).toBeGreaterThan(0);
  });

  it('the total is shared by every torrent of the session: a peer leaving one torrent frees room for a peer of another', async () => {
    const one = torrent();
    const two = torrent();
    const hogs = ['a', 'b', 'c'].map((key) => stalledPeer(one.host, one.uploader, key));
    for (const { peer } of hogs) requestBlocks(one.uploader, peer, 20);
    const late = stalledPeer(two.host, two.uploader, 'z');
    requestBlocks(two.uploader, late.peer, 20);
    await settle();
    expect(memory.used).toBe(TOTAL);
    expect(two.uploader.held(late.peer)).toBe(0);
    const gone = hogs[0];
    if (gone === undefined) throw new Error('no peer');
    gone.conn.close(new EngineError('SOCKET', 'gone'));
    one.uploader.leave(gone.peer);
    await settle();
    expect(two.uploader.held(late.peer)).toBeGreaterThan(0);
    expect(memory.used).toBeLessThanOrEqual(TOTAL);
    // Its writes completing later (the socket destroyed) gives nothing back twice.
    gone.conn.flush();
    expect(memory.used).toBe(hogs.slice(1).reduce((sum, { peer }) => sum + one.uploader.held(peer), 0) + two.uploader.held(late.peer));
  });

  it('a failed read gives its bytes back', async () => {
    const { host, uploader } = torrent();
    host.failReads = true;
    const { peer } = stalledPeer(host, uploader, 'a');
    requestBlocks(uploader, peer, 3);
    await settle();
    expect(host.warnings.length).toBeGreaterThan(0);
    expect(uploader.held(peer)).toBe(0);
    expect(memory.used).toBe(0);
  });

  it('close() gives back what every peer held', async () => {
    const { host, uploader } = torrent();
    for (const key of ['a', 'b']) requestBlocks(uploader, stalledPeer(host, uploader, key).peer, 10);
    await settle();
    expect(memory.used).toBe(2 * PER_PEER);
    uploader.close();
    expect(memory.used).toBe(0);
  });
});

describe('UploadMemory', () => {
  it('refuses a per-peer cap under one block and a total under the per-peer cap', () => {
    expect(() => new UploadMemory({ perPeer: BLOCK_SIZE - 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new UploadMemory({ perPeer: 2 * BLOCK_SIZE, total: BLOCK_SIZE })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('wakes the peers that waited, oldest first, while a block fits', () => {
    const used = new UploadMemory({ perPeer: BLOCK_SIZE, total: 2 * BLOCK_SIZE });
    used.take(2 * BLOCK_SIZE);
    const woken: string[] = [];
    for (const key of ['a', 'b', 'c']) used.wait(() => {
      woken.push(key);
      used.take(BLOCK_SIZE);
    });
    used.release(BLOCK_SIZE);
    expect(woken).toEqual(['a']);
    used.release(2 * BLOCK_SIZE);
    expect(woken).toEqual(['a', 'b', 'c']);
    expect(used.waiting).toBe(0);
  });
});
