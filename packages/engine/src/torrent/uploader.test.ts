// The uploader on a fake host: a store whose reads the test completes by hand, connections that
// record what would be sent, a hand-driven clock under the rate limiter. No sockets, no disk.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE, PieceGeometry } from '@typetorrent/metainfo';
import { EngineError } from '../errors.js';
import { RateLimiter, type Limiter } from '../rate/rate-limiter.js';
import { fakePeer, type FakeConnection } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Peer } from './peer.js';
import { MAX_INCOMING_REQUESTS, Uploader, type UploaderHost } from './uploader.js';

const PIECE = 2 * BLOCK_SIZE;
const PIECES = 40;
const geometry = new PieceGeometry(PIECE, PIECES * PIECE, [{ length: PIECES * PIECE }]);

interface Read {
  readonly piece: number;
  readonly begin: number;
  readonly length: number;
  resolve(data: Uint8Array): void;
  reject(error: unknown): void;
}

class Host implements UploaderHost {
  readonly infoHash = new Uint8Array(20).fill(7);
  readonly geometry = geometry;
  readonly clock = new ManualClock();
  limiter: Limiter = new RateLimiter({ now: () => this.clock.now() });
  uploading = true;
  closed = false;
  readonly verified = new Set<number>();
  /** Reads started and not yet completed by the test, oldest first. */
  readonly reads: Read[] = [];
  /** Every read ever started, in order. */
  readonly readLog: { piece: number; begin: number; length: number }[] = [];
  /** Complete reads at once with zeros instead of leaving them to the test. */
  instantReads = false;
  readonly peerList: Peer[] = [];
  readonly uploadedBy = new Map<string, number>();
  readonly warnings: EngineError[] = [];
  readonly internal: unknown[] = [];
  readonly store = {
    has: (piece: number): boolean => this.verified.has(piece),
    readBlock: async (piece: number, begin: number, length: number): Promise<Uint8Array> => {
      this.readLog.push({ piece, begin, length });
      if (this.instantReads) return new Uint8Array(length);
      return await new Promise<Uint8Array>((resolve, reject) => this.reads.push({ piece, begin, length, resolve, reject }));
    },
  };
  peers(): Iterable<Peer> {
    return this.peerList;
  }
  countUpload(peer: Peer, bytes: number): void {
    this.uploadedBy.set(peer.key, (this.uploadedBy.get(peer.key) ?? 0) + bytes);
  }
  warn(warning: EngineError): void {
    this.warnings.push(warning);
  }
  internalError(error: unknown): void {
    this.internal.push(error);
  }
}

let host: Host;
let uploader: Uploader;

function joined(key: string, options: { fast?: boolean; unchoked?: boolean } = {}): { peer: Peer; conn: FakeConnection } {
  const made = fakePeer(key, host.clock, options);
  host.peerList.push(made.peer);
  uploader.join(made.peer);
  if (options.unchoked ?? true) made.peer.setAmChoking(false);
  made.conn.sent.length = 0;
  return made;
}

/** A REQUEST as if it came alone in a socket read: the end of that read serves it (see onRequest). */
function request(peer: Peer, piece: number, begin = 0, length = BLOCK_SIZE): void {
  uploader.onRequest(peer, { piece, begin, length });
  uploader.serve(peer);
}

/** Lets promise callbacks (read completions) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Completes the oldest read with zeros. */
async function completeRead(): Promise<Read> {
  const read = host.reads.shift();
  if (read === undefined) throw new Error('no read in flight');
  read.resolve(new Uint8Array(read.length));
  await settle();
  return read;
}

function sentBlocks(conn: FakeConnection): string[] {
  return conn.take('piece-sent').map((m) => `${m.index}:${m.begin}:${m.length}`);
}

beforeEach(() => {
  host = new Host();
  for (let piece = 0; piece < PIECES; piece++) host.verified.add(piece);
  uploader = new Uploader(host);
});

describe('Uploader: what is served', () => {
  it('serves a requested block from a verified piece to an unchoked peer and counts the bytes', async () => {
    const { peer, conn } = joined('a');
    request(peer, 3, BLOCK_SIZE);
    expect(host.readLog).toEqual([{ piece: 3, begin: BLOCK_SIZE, length: BLOCK_SIZE }]);
    await completeRead();
    expect(sentBlocks(conn)).toEqual([`3:${BLOCK_SIZE}:${BLOCK_SIZE}`]);
    expect(host.uploadedBy.get('a')).toBe(BLOCK_SIZE);
  });

  it('never reads a piece that is not verified: a BEP 6 peer gets REJECT', () => {
    host.verified.delete(5);
    const { peer, conn } = joined('a');
    request(peer, 5);
    expect(host.readLog).toEqual([]);
    expect(conn.take('reject-request')).toEqual([{ type: 'reject-request', index: 5, begin: 0, length: BLOCK_SIZE }]);
  });

  it('drops a request for a missing piece silently when the peer lacks BEP 6, which has no REJECT', () => {
    host.verified.delete(5);
    const { peer, conn } = joined('a', { fast: false });
    request(peer, 5);
    expect(host.readLog).toEqual([]);
    expect(conn.sent).toEqual([]);
    expect(uploader.queued(peer)).toBe(0);
  });

  it('rejects requests while paused (not uploading)', () => {
    host.uploading = false;
    const { peer, conn } = joined('a');
    request(peer, 0);
    expect(host.readLog).toEqual([]);
    expect(conn.take('reject-request')).toHaveLength(1);
  });

  it('rejects a request from a peer we choke unless the piece is one of its allowed-fast set', async () => {
    const { peer, conn } = joined('a', { unchoked: false });
    uploader.grantAllowedFast(peer);
    const granted = conn.take('allowed-fast').map((m) => m.index);
    expect(granted).toHaveLength(10);
    const other = [...Array(PIECES).keys()].find((p) => !granted.includes(p));
    if (other === undefined || granted[0] === undefined) throw new Error('no piece outside the set');
    request(peer, other);
    expect(conn.take('reject-request').map((m) => m.index)).toEqual([other]);
    request(peer, granted[0]);
    await completeRead();
    expect(sentBlocks(conn)).toEqual([`${granted[0]}:0:${BLOCK_SIZE}`]);
  });

  it('grants allowed-fast only for pieces we have', () => {
    host.verified.clear();
    host.verified.add(0);
    const { peer, conn } = joined('a', { unchoked: false });
    uploader.grantAllowedFast(peer);
    const granted = conn.take('allowed-fast').map((m) => m.index);
    expect(granted.every((p) => p === 0)).toBe(true);
  });

  it('drops (PROTOCOL) a request that reaches past the end of its piece or names no piece', () => {
    const { peer } = joined('a');
    expect(() => request(peer, 0, BLOCK_SIZE + 1)).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
    expect(() => request(peer, PIECES)).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
    expect(host.readLog).toEqual([]);
  });

  it('serves the blocks of one contiguous run with one read and sends each block apart', async () => {
    const { peer, conn } = joined('a');
    // Eight reads fill the cap; the two halves of piece 20 queue behind them and then go as one run.
    for (let piece = 0; piece < 8; piece++) request(peer, piece);
    request(peer, 20, 0);
    request(peer, 20, BLOCK_SIZE);
    await completeRead();
    expect(host.readLog.slice(8)).toEqual([{ piece: 20, begin: 0, length: PIECE }]);
    for (let i = 0; i < 8; i++) await completeRead();
    expect(sentBlocks(conn).slice(-2)).toEqual([`20:0:${BLOCK_SIZE}`, `20:${BLOCK_SIZE}:${BLOCK_SIZE}`]);
  });
});

describe('Uploader: caps', () => {
  it('has at most 8 reads in flight per peer and starts the next as one completes', async () => {
    const { peer } = joined('a');
    for (let piece = 0; piece < 10; piece++) request(peer, piece);
    expect(host.reads).toHaveLength(8);
    expect(uploader.queued(peer)).toBe(2);
    await completeRead();
    expect(host.reads).toHaveLength(8);
    expect(uploader.queued(peer)).toBe(1);
    expect(host.readLog.map((r) => r.piece)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('one peer at its read cap does not hold up another', () => {
    const a = joined('a');
    const b = joined('b');
    for (let piece = 0; piece < 10; piece++) request(a.peer, piece);
    request(b.peer, 20);
    expect(host.readLog.at(-1)).toEqual({ piece: 20, begin: 0, length: BLOCK_SIZE });
  });

  it(`rejects requests past the ${MAX_INCOMING_REQUESTS} a peer may queue`, () => {
    const { peer, conn } = joined('a');
    // Eight reads are in flight and never complete; the rest wait in the queue.
    for (let i = 0; i < 8 + MAX_INCOMING_REQUESTS; i++) request(peer, i % PIECES);
    expect(conn.take('reject-request')).toEqual([]);
    expect(uploader.queued(peer)).toBe(MAX_INCOMING_REQUESTS);
    request(peer, 0);
    expect(conn.take('reject-request')).toHaveLength(1);
    expect(uploader.queued(peer)).toBe(MAX_INCOMING_REQUESTS);
  });

  it('drops (PROTOCOL) a peer without BEP 6 that keeps asking for what it may not have', () => {
    host.verified.delete(0);
    const { peer } = joined('a', { fast: false });
    for (let i = 0; i < 64; i++) request(peer, 0);
    expect(() => request(peer, 0)).toThrow(expect.objectContaining({ code: 'PROTOCOL', message: expect.stringMatching(/65 requests/) }));
  });

  it('a peer without BEP 6 whose requests cross our CHOKE now and then is not dropped: only refusals in a row count', () => {
    const { peer } = joined('a', { fast: false, unchoked: false });
    // Many rechoke rounds, each with a burst of requests the peer sent before our CHOKE reached it.
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 40; i++) request(peer, 1);
      peer.setAmChoking(false);
      expect(() => request(peer, 2)).not.toThrow();
      peer.setAmChoking(true);
      uploader.onChoke(peer);
    }
  });

  it('never counts refused requests against a BEP 6 peer: it was told no each time', () => {
    host.verified.delete(0);
    const { peer, conn } = joined('a');
    for (let i = 0; i < 200; i++) request(peer, 0);
    expect(conn.take('reject-request')).toHaveLength(200);
  });

  it('stops reading for a peer whose socket is full and goes on when it drains', async () => {
    const { peer, conn } = joined('a');
    conn.writable = false;
    request(peer, 0);
    expect(host.readLog).toEqual([]);
    conn.writable = true;
    uploader.serve(peer);
    expect(host.readLog).toHaveLength(1);
    await completeRead();
    expect(sentBlocks(conn)).toHaveLength(1);
  });
});

describe('Uploader: CANCEL and CHOKE', () => {
  it('CANCEL removes a queued request; a read already in flight is sent anyway', async () => {
    const { peer, conn } = joined('a');
    for (let piece = 0; piece < 10; piece++) request(peer, piece);
    uploader.onCancel(peer, 9, 0, BLOCK_SIZE);
    uploader.onCancel(peer, 0, 0, BLOCK_SIZE);
    expect(uploader.queued(peer)).toBe(1);
    for (let i = 0; i < 9; i++) await completeRead();
    expect(host.reads).toEqual([]);
    const sent = sentBlocks(conn).map((b) => Number(b.split(':')[0]));
    expect(sent.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('CANCEL of something never asked for is ignored', () => {
    const { peer } = joined('a');
    expect(() => uploader.onCancel(peer, 3, 0, BLOCK_SIZE)).not.toThrow();
    expect(uploader.queued(peer)).toBe(0);
  });

  it('choking a BEP 6 peer rejects its queued requests except those for allowed-fast pieces', async () => {
    const { peer, conn } = joined('a');
    uploader.grantAllowedFast(peer);
    const granted = new Set(conn.take('allowed-fast').map((m) => m.index));
    const outside = [...Array(PIECES).keys()].filter((p) => !granted.has(p));
    const inside = [...granted];
    // Eight reads fill the cap, so the next four stay queued.
    for (const piece of outside.slice(0, 8)) request(peer, piece);
    const queued = [outside[8], inside[0], outside[9], inside[1]] as number[];
    for (const piece of queued) request(peer, piece);
    expect(uploader.queued(peer)).toBe(4);
    peer.setAmChoking(true);
    uploader.onChoke(peer);
    expect(conn.take('reject-request').map((m) => m.index)).toEqual([outside[8], outside[9]]);
    expect(uploader.queued(peer)).toBe(2);
    for (let i = 0; i < 10; i++) await completeRead();
    expect(host.readLog.slice(8).map((r) => r.piece)).toEqual([inside[0], inside[1]]);
  });

  it('choking a peer without BEP 6 forgets its queue silently (BEP 3: it knows a choke drops requests)', () => {
    const { peer, conn } = joined('a', { fast: false });
    for (let piece = 0; piece < 10; piece++) request(peer, piece);
    peer.setAmChoking(true);
    conn.sent.length = 0;
    uploader.onChoke(peer);
    expect(conn.sent).toEqual([]);
    expect(uploader.queued(peer)).toBe(0);
  });
});

describe('Uploader: failed reads', () => {
  it('a failed read is a warning, and the BEP 6 peer is told no for every block of the run', async () => {
    const { peer, conn } = joined('a');
    request(peer, 4, 0);
    const read = host.reads.shift();
    read?.reject(new Error('disk on fire'));
    await settle();
    expect(host.warnings).toEqual([expect.objectContaining({ code: 'STORAGE', message: expect.stringMatching(/piece 4.*disk on fire/) })]);
    expect(conn.take('reject-request')).toEqual([{ type: 'reject-request', index: 4, begin: 0, length: BLOCK_SIZE }]);
    expect(host.internal).toEqual([]);
  });

  it('a failed read frees its slot under the read cap, and the queue goes on without another event', async () => {
    const { peer, conn } = joined('a');
    for (let piece = 0; piece < 9; piece++) request(peer, piece);
    expect(host.reads).toHaveLength(8);
    // Every read in flight fails: nothing else (a completion, a drain, a new request) comes to serve the ninth.
    for (const read of host.reads.splice(0)) read.reject(new Error('EIO'));
    await settle();
    expect(host.readLog.map((r) => r.piece)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(uploader.queued(peer)).toBe(0);
    await completeRead();
    expect(sentBlocks(conn)).toEqual([`8:0:${BLOCK_SIZE}`]);
  });

  it('says nothing of a failed read once the torrent closed', async () => {
    const { peer, conn } = joined('a');
    request(peer, 4);
    host.closed = true;
    host.reads.shift()?.reject(new Error('closed'));
    await settle();
    expect(host.warnings).toEqual([]);
    expect(conn.take('reject-request')).toEqual([]);
  });

  it('sends nothing for a read that completes after the peer left', async () => {
    const { peer, conn } = joined('a');
    request(peer, 4);
    conn.close(new EngineError('SOCKET', 'gone'));
    uploader.leave(peer);
    await completeRead();
    expect(sentBlocks(conn)).toEqual([]);
    expect(host.uploadedBy.get('a')).toBeUndefined();
  });
});

describe('Uploader: rate limit', () => {
  beforeEach(() => {
    // One block per second, no more than one block at a time.
    host.limiter = new RateLimiter({ now: () => host.clock.now(), bytesPerSecond: BLOCK_SIZE, burst: BLOCK_SIZE });
    host.instantReads = true;
  });

  it('sends no faster than the limiter allows, and the rest once time has passed', async () => {
    const { peer, conn } = joined('a');
    for (let piece = 0; piece < 3; piece++) request(peer, piece);
    await settle();
    expect(sentBlocks(conn)).toHaveLength(1);
    host.clock.advance(999);
    await settle();
    expect(sentBlocks(conn)).toHaveLength(0);
    host.clock.advance(1);
    await settle();
    expect(sentBlocks(conn)).toHaveLength(1);
    host.clock.advance(1000);
    await settle();
    expect(sentBlocks(conn)).toHaveLength(1);
    expect(uploader.queued(peer)).toBe(0);
  });

  it('peers waiting for the limiter take turns, one block each, instead of the first taking all', async () => {
    const a = joined('a');
    const b = joined('b');
    // a asks for pieces 0..3, b for 10..13.
    for (let i = 0; i < 4; i++) request(a.peer, i);
    for (let i = 0; i < 4; i++) request(b.peer, 10 + i);
    for (let second = 0; second < 8; second++) {
      host.clock.advance(1000);
      await settle();
    }
    const owners = host.readLog.map((r) => (r.piece < 10 ? 'a' : 'b'));
    // a's first block took the full bucket; from then on the two alternate, a block a second.
    expect(owners.join('')).toBe('aabababb');
  });

  it('close() stops the limiter timer: nothing is read after it', async () => {
    const { peer } = joined('a');
    for (let piece = 0; piece < 3; piece++) request(peer, piece);
    await settle();
    expect(host.readLog).toHaveLength(1);
    uploader.close();
    host.clock.advance(10_000);
    await settle();
    expect(host.readLog).toHaveLength(1);
  });
});
