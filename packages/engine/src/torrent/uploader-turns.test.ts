// The uploader under the session's budget of blocks started per loop turn (UploadTurns): past it,
// requests stay queued and are served in the next turn, in the order the peers asked; requests that
// queued meanwhile are read as one run; and the requests of one socket read, served once it has been
// handled (a microtask), as one run. Reads from the fake store complete at once; the clock is
// driven by hand (its 1 ms timer is the end of the loop turn).
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

class Host implements UploaderHost {
  readonly infoHash = new Uint8Array(20).fill(3);
  readonly geometry = geometry;
  readonly clock: ManualClock;
  readonly limiter: RateLimiter;
  readonly uploading = true;
  readonly closed = false;
  /** The length of every read, in order. */
  readonly reads: number[] = [];
  readonly peerList: Peer[] = [];
  constructor(
    readonly memory: UploadMemory,
    clock: ManualClock,
  ) {
    this.clock = clock;
    this.limiter = new RateLimiter({ now: () => clock.now() });
  }
  readonly store = {
    has: (): boolean => true,
    readBlock: async (_piece: number, _begin: number, length: number): Promise<Uint8Array> => {
      this.reads.push(length);
      return new Uint8Array(length);
    },
  };
  peers(): Iterable<Peer> {
    return this.peerList;
  }
  countUpload(): void {}
  warn(warning: EngineError): void {
    throw warning;
  }
  internalError(error: unknown): void {
    throw error;
  }
}

function setUp(blocksPerTurn: number): { clock: ManualClock; host: Host; uploader: Uploader; memory: UploadMemory } {
  const clock = new ManualClock();
  const memory = new UploadMemory({}, { clock, blocksPerTurn });
  const host = new Host(memory, clock);
  return { clock, host, memory, uploader: new Uploader(host) };
}

function unchokedPeer(host: Host, uploader: Uploader, key: string): { peer: Peer; conn: FakeConnection } {
  const made = fakePeer(key, host.clock);
  host.peerList.push(made.peer);
  uploader.join(made.peer);
  made.peer.setAmChoking(false);
  made.conn.sent.length = 0;
  return made;
}

/** Blocks `first`, `first + 2`, ... of `piece`: never contiguous, so every read is one block. */
function requestApart(uploader: Uploader, peer: Peer, piece: number, count: number): void {
  for (let i = 0; i < count; i++) uploader.onRequest(peer, { piece, begin: 2 * i * BLOCK_SIZE, length: BLOCK_SIZE });
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('Uploader: blocks started per loop turn', () => {
  it('starts no more blocks in one turn than the budget; the rest are served in the next turns, none lost', async () => {
    const { clock, host, uploader } = setUp(3);
    const a = unchokedPeer(host, uploader, 'a');
    requestApart(uploader, a.peer, 0, 7);
    await settle();
    // Write completions in the same turn serve the peer again: they find the turn used up.
    expect(host.reads).toHaveLength(3);
    expect(uploader.queued(a.peer)).toBe(4);
    clock.advance(1);
    await settle();
    expect(host.reads).toHaveLength(6);
    clock.advance(1);
    await settle();
    expect(host.reads).toHaveLength(7);
    expect(uploader.queued(a.peer)).toBe(0);
    expect(a.conn.take('piece-sent').map((p) => p.begin / BLOCK_SIZE)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    uploader.close();
  });

  it('shares one budget among every peer of the session, serving them in the next turn in the order they waited', async () => {
    const { clock, host, uploader, memory } = setUp(2);
    // A second torrent of the same session: the budget is the session's, not the torrent's.
    const otherHost = new Host(memory, clock);
    const second = new Uploader(otherHost);
    const a = unchokedPeer(host, uploader, 'a');
    const b = unchokedPeer(otherHost, second, 'b');
    requestApart(uploader, a.peer, 0, 2);
    requestApart(second, b.peer, 1, 2);
    await settle();
    expect(host.reads).toHaveLength(2);
    expect(otherHost.reads).toHaveLength(0);
    // b waited first: the next turn is its.
    requestApart(uploader, a.peer, 2, 2);
    clock.advance(1);
    await settle();
    expect(otherHost.reads).toHaveLength(2);
    expect(host.reads).toHaveLength(2);
    clock.advance(1);
    await settle();
    expect(host.reads).toHaveLength(4);
    uploader.close();
    second.close();
  });

  it('reads the contiguous requests that queued while waiting for a turn as one run, cut at what the turn has left', async () => {
    const { clock, host, uploader } = setUp(4);
    const a = unchokedPeer(host, uploader, 'a');
    const b = unchokedPeer(host, uploader, 'b');
    requestApart(uploader, b.peer, 1, 4);
    await settle();
    expect(host.reads).toEqual(Array(4).fill(BLOCK_SIZE));
    // Six blocks in a row, asked one by one while the turn is used up.
    for (let i = 0; i < 6; i++) uploader.onRequest(a.peer, { piece: 0, begin: i * BLOCK_SIZE, length: BLOCK_SIZE });
    clock.advance(1);
    await settle();
    expect(host.reads.slice(4)).toEqual([4 * BLOCK_SIZE]);
    clock.advance(1);
    await settle();
    expect(host.reads.slice(5)).toEqual([2 * BLOCK_SIZE]);
    expect(a.conn.take('piece-sent').map((p) => p.begin / BLOCK_SIZE)).toEqual([0, 1, 2, 3, 4, 5]);
    uploader.close();
  });

  it('forgets a peer that left while waiting for a turn', async () => {
    const { clock, host, uploader } = setUp(1);
    const a = unchokedPeer(host, uploader, 'a');
    const b = unchokedPeer(host, uploader, 'b');
    requestApart(uploader, a.peer, 0, 1);
    requestApart(uploader, b.peer, 1, 1);
    await settle();
    expect(host.memory.turns?.waiting).toBe(1);
    uploader.leave(b.peer);
    expect(host.memory.turns?.waiting).toBe(0);
    clock.advance(1);
    await settle();
    expect(host.reads).toHaveLength(1);
    uploader.close();
  });
});

describe('Uploader: the requests of one socket read', () => {
  it('are served once the read has been handled, as one run: one storage read for the contiguous blocks', async () => {
    const { host, uploader } = setUp(1000);
    const a = unchokedPeer(host, uploader, 'a');
    // The decoder hands them over one by one while it handles the chunk.
    for (let i = 0; i < 4; i++) uploader.onRequest(a.peer, { piece: 0, begin: i * BLOCK_SIZE, length: BLOCK_SIZE });
    expect(host.reads).toEqual([]);
    await settle();
    expect(host.reads).toEqual([4 * BLOCK_SIZE]);
    expect(a.conn.take('piece-sent').map((p) => p.begin / BLOCK_SIZE)).toEqual([0, 1, 2, 3]);
    uploader.close();
  });

  it('reads nothing for a peer that left before the read was handled', async () => {
    const { host, uploader } = setUp(1000);
    const a = unchokedPeer(host, uploader, 'a');
    uploader.onRequest(a.peer, { piece: 0, begin: 0, length: BLOCK_SIZE });
    uploader.leave(a.peer);
    await settle();
    expect(host.reads).toEqual([]);
    uploader.close();
  });
});
