// The downloader on a fake host: real picker, a store that only records, connections that record
// what would be sent. No sockets, no timers but the hand-driven clock.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE, PieceGeometry } from '@typetorrent/metainfo';
import type { BlockResult } from '@typetorrent/storage';
import type { EngineError } from '../errors.js';
import { PiecePicker } from '../picker/piece-picker.js';
import { fakePeer, type FakeConnection } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import { Downloader, type DownloaderHost } from './downloader.js';
import type { Peer } from './peer.js';

const PIECE = 2 * BLOCK_SIZE;
const geometry = new PieceGeometry(PIECE, 2 * PIECE, [{ length: 2 * PIECE }]);

class Host implements DownloaderHost {
  readonly geometry = geometry;
  readonly picker = new PiecePicker(geometry);
  readonly clock = new ManualClock();
  readonly requestOptions = { min: 4, max: 8, requestTimeoutMs: 20_000, snubTimeoutMs: 60_000 };
  downloading = true;
  closed = false;
  readonly peerMap = new Map<string, Peer>();
  readonly verified: number[] = [];
  readonly failed: number[] = [];
  readonly dropped: EngineError[] = [];
  downloaded = 0;
  /** Blocks the store was offered, by piece. */
  readonly offered = new Map<number, number>();
  /** Pieces holding memory, and how many pieces may. */
  readonly reserved = new Set<number>();
  memoryFor = Number.POSITIVE_INFINITY;
  readonly store = {
    canAccept: (piece: number): boolean => this.reserved.has(piece) || this.reserved.size < this.memoryFor,
    reserve: (piece: number): boolean => {
      if (!this.reserved.has(piece) && this.reserved.size >= this.memoryFor) return false;
      this.reserved.add(piece);
      return true;
    },
    unreserve: (piece: number): void => {
      if ((this.offered.get(piece) ?? 0) === 0) this.reserved.delete(piece);
    },
    offerBlock: (piece: number): BlockResult => {
      const count = (this.offered.get(piece) ?? 0) + 1;
      this.offered.set(piece, count);
      return count === 2 ? { kind: 'verified', piece } : { kind: 'stored', piece, missingBlocks: 2 - count };
    },
    waitForMemory: async (): Promise<void> => undefined,
  };
  peers(): Iterable<Peer> {
    return this.peerMap.values();
  }
  peer(key: string): Peer | undefined {
    return this.peerMap.get(key);
  }
  setInterested(peer: Peer, interested: boolean): void {
    peer.setAmInterested(interested);
  }
  countDownload(_peer: Peer, bytes: number): void {
    this.downloaded += bytes;
  }
  observeBlock(): void {}
  pieceVerified(piece: number): void {
    this.verified.push(piece);
    this.picker.markHave(piece);
  }
  pieceFailed(piece: number): void {
    this.failed.push(piece);
  }
  drop(peer: Peer, reason: EngineError): void {
    this.dropped.push(reason);
    peer.conn.close(reason);
  }
  storageFailed(error: unknown): void {
    throw error;
  }
  internalError(error: unknown): void {
    throw error;
  }
}

let host: Host;
let downloader: Downloader;

function seedPeer(key: string, options: { fast?: boolean } = {}): { peer: Peer; conn: FakeConnection } {
  const made = fakePeer(key, host.clock, options);
  host.peerMap.set(key, made.peer);
  downloader.join(made.peer);
  made.peer.pieces.learnPieceCount(geometry.pieceCount);
  made.peer.pieces.markAll();
  host.picker.peerHasAll();
  made.peer.setAmInterested(true);
  made.conn.take('interested');
  return made;
}

beforeEach(() => {
  host = new Host();
  downloader = new Downloader(host);
});

describe('Downloader', () => {
  it('asks nothing of a peer that chokes us, and fills the queue once it unchokes', () => {
    const { peer, conn } = seedPeer('a');
    downloader.fill(peer);
    expect(conn.take('request')).toEqual([]);
    peer.peerSaid('unchoke');
    downloader.fill(peer);
    const requests = conn.take('request');
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((r) => `${r.index}:${r.begin}`)).size).toBe(4);
  });

  it('while choked, asks only for the pieces the peer allowed (BEP 6 allowed fast)', () => {
    const { peer, conn } = seedPeer('a');
    downloader.onAllowedFast(peer, 1);
    downloader.fill(peer);
    const requests = conn.take('request');
    expect(requests.map((r) => r.index)).toEqual([1, 1]);
  });

  it('hands the store each requested block and reports the verified piece', async () => {
    const { peer, conn } = seedPeer('a');
    peer.peerSaid('unchoke');
    downloader.fill(peer);
    const [first] = conn.take('request');
    if (first === undefined) throw new Error('no request');
    const other = first.begin === 0 ? BLOCK_SIZE : 0;
    downloader.onBlock(peer, first.index, first.begin, new Uint8Array(BLOCK_SIZE));
    downloader.onBlock(peer, first.index, other, new Uint8Array(BLOCK_SIZE));
    // The outcome is handled after the current chunk's messages.
    await Promise.resolve();
    expect(host.verified).toEqual([first.index]);
    expect(host.downloaded).toBe(2 * BLOCK_SIZE);
  });

  it('drops (PROTOCOL) a block nobody asked for, and one of the wrong size', () => {
    const { peer, conn } = seedPeer('a');
    expect(() => downloader.onBlock(peer, 0, 0, new Uint8Array(BLOCK_SIZE))).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
    peer.peerSaid('unchoke');
    downloader.fill(peer);
    const [first] = conn.take('request');
    if (first === undefined) throw new Error('no request');
    expect(() => downloader.onBlock(peer, first.index, first.begin, new Uint8Array(10))).toThrow(/asked for 16384 bytes/);
  });

  it('takes a late block of a request it gave up on after the timeout, and asks someone else meanwhile', () => {
    const slow = seedPeer('slow');
    slow.peer.peerSaid('unchoke');
    downloader.fill(slow.peer);
    const asked = slow.conn.take('request');
    host.clock.advance(20_001);
    const fast = seedPeer('fast');
    fast.peer.peerSaid('unchoke');
    downloader.tick();
    // The timed-out blocks went back to the picker and to the other peer.
    const reasked = fast.conn.take('request').map((r) => `${r.index}:${r.begin}`);
    for (const r of asked) expect(reasked).toContain(`${r.index}:${r.begin}`);
    const late = asked[0];
    if (late === undefined) throw new Error('no request');
    expect(() => downloader.onBlock(slow.peer, late.index, late.begin, new Uint8Array(BLOCK_SIZE))).not.toThrow();
  });

  it('without BEP 6, a choke means the peer dropped our requests: they go back to the picker', () => {
    const { peer, conn } = seedPeer('a', { fast: false });
    peer.peerSaid('unchoke');
    downloader.fill(peer);
    expect(conn.take('request')).toHaveLength(4);
    peer.peerSaid('choke');
    downloader.onChoke(peer);
    expect(downloader.stateOf(peer)?.requests.size).toBe(0);
    const other = seedPeer('b');
    other.peer.peerSaid('unchoke');
    downloader.fill(other.peer);
    expect(other.conn.take('request')).toHaveLength(4);
  });

  it('sends CANCEL to the other requester of an endgame block that arrived', () => {
    const a = seedPeer('a');
    a.peer.peerSaid('unchoke');
    downloader.fill(a.peer);
    const [block] = a.conn.take('request');
    if (block === undefined) throw new Error('no request');
    downloader.cancel('a', block.index, block.begin);
    expect(a.conn.take('cancel')).toEqual([{ type: 'cancel', index: block.index, begin: block.begin, length: BLOCK_SIZE }]);
    expect(downloader.stateOf(a.peer)?.requests.has(block.index, block.begin)).toBe(false);
  });

  it('drops a peer that unchoked us and keeps rejecting what it claims to have', () => {
    const { peer, conn } = seedPeer('a');
    peer.peerSaid('unchoke');
    for (let round = 0; round < 300 && host.dropped.length === 0; round++) {
      downloader.fill(peer);
      for (const r of conn.take('request')) downloader.onReject(peer, r.index, r.begin);
    }
    expect(host.dropped[0]?.message).toMatch(/requests rejected while unchoked/);
  });

  it('gives every request of a peer that leaves back to the picker', () => {
    const { peer, conn } = seedPeer('a');
    peer.peerSaid('unchoke');
    downloader.fill(peer);
    expect(conn.take('request')).toHaveLength(4);
    downloader.leave(peer);
    host.peerMap.delete('a');
    const other = seedPeer('b');
    other.peer.peerSaid('unchoke');
    downloader.fill(other.peer);
    expect(other.conn.take('request')).toHaveLength(4);
  });

  it('asks only for pieces it could hold memory for, and gives the memory back when their requests are given up', () => {
    host.memoryFor = 1;
    const { peer, conn } = seedPeer('a');
    peer.peerSaid('unchoke');
    downloader.fill(peer);
    // Four requests fit the queue, but only one piece (two blocks) fits in memory.
    const requests = conn.take('request');
    expect(new Set(requests.map((r) => r.index)).size).toBe(1);
    expect(requests).toHaveLength(2);
    expect(host.reserved.size).toBe(1);
    downloader.leave(peer);
    expect(host.reserved.size).toBe(0);
  });

  it('asks for blocks already asked of another peer (endgame) only once its own queue is (nearly) drained', async () => {
    const a = seedPeer('a');
    const b = seedPeer('b');
    for (const { peer } of [a, b]) {
      downloader.setPeerLimit(peer, 2);
      peer.peerSaid('unchoke');
      downloader.fill(peer);
    }
    const own = b.conn.take('request');
    expect(own).toHaveLength(2);
    expect(a.conn.take('request')).toHaveLength(2);
    const [first, second] = own;
    if (first === undefined || second === undefined) throw new Error('no requests');
    // Nothing is free now. One of its two blocks in: b still waits on the other, so no endgame.
    downloader.onBlock(b.peer, first.index, first.begin, new Uint8Array(BLOCK_SIZE));
    downloader.fill(b.peer);
    expect(b.conn.take('request')).toEqual([]);
    // Both in: b takes a's blocks too.
    downloader.onBlock(b.peer, second.index, second.begin, new Uint8Array(BLOCK_SIZE));
    await Promise.resolve();
    downloader.fill(b.peer);
    const endgame = b.conn.take('request');
    expect(endgame.length).toBeGreaterThan(0);
    expect(endgame.every((request) => request.index !== first.index)).toBe(true);
  });

  it('ranks peers by rate on its tick only while something is wanted (a seed skips it)', () => {
    const { peer } = seedPeer('a');
    let rateReads = 0;
    const rate = peer.downloadMeter.rate.bind(peer.downloadMeter);
    peer.downloadMeter.rate = () => {
      rateReads++;
      return rate();
    };
    host.downloading = false;
    downloader.tick();
    expect(rateReads).toBe(0);
    host.downloading = true;
    downloader.tick();
    expect(rateReads).toBeGreaterThan(0);
  });

  it('picks no piece the store has no room for: nothing is picked only to be given back', () => {
    host.memoryFor = 1;
    // No memory comes back in this test (the fake store would otherwise say so at once, forever).
    host.store.waitForMemory = () => new Promise<void>(() => undefined);
    let givenBack = 0;
    const abortRequest = host.picker.abortRequest.bind(host.picker);
    host.picker.abortRequest = (piece, block, key) => {
      givenBack++;
      abortRequest(piece, block, key);
    };
    const { peer, conn } = seedPeer('a');
    peer.peerSaid('unchoke');
    downloader.fill(peer);
    expect(conn.take('request')).toHaveLength(2);
    expect(givenBack).toBe(0);
    expect([0, 1].map((piece) => host.picker.pieceState(piece)).sort()).toEqual(['not-started', 'partial']);
  });
});
