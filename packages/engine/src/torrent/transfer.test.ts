// The running phase on fakes: a real picker, a store that verifies nothing by itself (the test
// reports verified and failed pieces as the store would), recording connections in place of the
// PeerHost's. What is checked is how the Transfer joins its parts: greetings, HAVEs, convictions,
// seeds, interest and slots.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE, PieceGeometry, type Metainfo } from '@typetorrent/metainfo';
import { StorageError, type PieceStore } from '@typetorrent/storage';
import { EngineError } from '../errors.js';
import { PiecePicker } from '../picker/piece-picker.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { fakePeer, type FakeConnection } from '../testing/fake-connection.js';
import { testServices, type TestServices } from '../testing/services.js';
import type { EngineTuning } from '../tuning.js';
import type { Peer } from './peer.js';
import { Transfer, type TransferHooks, type TransferPeers } from './transfer.js';
import { NO_TRAFFIC } from './transfer-parts.js';

const PIECE = 2 * BLOCK_SIZE;
const PIECES = 4;
const geometry = new PieceGeometry(PIECE, PIECES * PIECE, [{ length: PIECES * PIECE }]);
// The Transfer reads only these two fields of its metainfo.
const metainfo = { infoHash: new Uint8Array(20).fill(3), geometry } as unknown as Metainfo;

class Peers implements TransferPeers {
  readonly map = new Map<string, Peer>();
  readonly dropped: { key: string; reason: EngineError }[] = [];
  readonly forgotten: string[] = [];
  readonly banned: { keys: readonly string[]; reason: string }[] = [];
  peers(): Iterable<Peer> {
    return this.map.values();
  }
  peer(key: string): Peer | undefined {
    return this.map.get(key);
  }
  drop(peer: Peer, reason: EngineError): void {
    this.dropped.push({ key: peer.key, reason });
    peer.conn.close(reason);
    this.map.delete(peer.key);
  }
  forget(key: string): void {
    this.forgotten.push(key);
  }
  ban(keys: readonly string[], reason: string): void {
    this.banned.push({ keys, reason });
  }
}

class Hooks implements TransferHooks {
  readonly warnings: EngineError[] = [];
  readonly pieces: number[] = [];
  finishedCount = 0;
  readonly failures: EngineError[] = [];
  warn(warning: EngineError): void {
    this.warnings.push(warning);
  }
  piece(index: number): void {
    this.pieces.push(index);
  }
  finished(): void {
    this.finishedCount++;
  }
  failed(error: EngineError): void {
    this.failures.push(error);
  }
}

let services: TestServices;
let picker: PiecePicker;
let peers: Peers;
let hooks: Hooks;
let transfer: Transfer;

function start(tuning: Partial<EngineTuning> = {}): void {
  services = testServices({ tuning });
  picker = new PiecePicker(geometry);
  peers = new Peers();
  hooks = new Hooks();
  const now = (): number => services.clock.now();
  const store = {
    has: (piece: number) => picker.has(piece),
    readBlock: async (_piece: number, _begin: number, length: number) => new Uint8Array(length),
    canAccept: () => true,
    reserve: () => true,
    unreserve: () => undefined,
    offerBlock: (piece: number) => ({ kind: 'stored', piece, missingBlocks: 1 }),
    waitForMemory: async () => undefined,
  } as unknown as PieceStore;
  transfer = new Transfer({
    metainfo,
    picker,
    store,
    services,
    peers,
    hooks,
    downloadLimiter: new RateLimiter({ now }),
    uploadLimiter: new RateLimiter({ now }),
  });
  transfer.activate();
}

/** Marks pieces as ours, as a check or earlier downloads would have. */
function own(...pieces: number[]): void {
  for (const piece of pieces) picker.markHave(piece);
}

/** A connected peer that joined the transfer; its greeting and anything sent at join are cleared. */
function connect(key: string, options: { fast?: boolean; early?: boolean; before?: (peer: Peer) => void } = {}): { peer: Peer; conn: FakeConnection } {
  const made = fakePeer(key, services.clock, { fast: options.fast ?? true });
  peers.map.set(key, made.peer);
  options.before?.(made.peer);
  transfer.join(made.peer, options.early ?? false);
  return made;
}

/** A peer with every piece that unchoked us. */
function seed(key: string): { peer: Peer; conn: FakeConnection } {
  const made = connect(key);
  transfer.onMessage(made.peer, { type: 'have-all' });
  made.peer.peerSaid('unchoke');
  transfer.onMessage(made.peer, { type: 'unchoke' });
  return made;
}

function blocksAsked(conn: FakeConnection): string[] {
  return conn.take('request').map((r) => `${r.index}:${r.begin}`);
}

beforeEach(() => start());

describe('Transfer: greeting a new connection', () => {
  function greeting(fast: boolean): FakeConnection['sent'] {
    const { peer, conn } = fakePeer('x', services.clock, { fast });
    transfer.greet(peer);
    return conn.sent;
  }

  it('tells a BEP 6 peer HAVE NONE when we have nothing and HAVE ALL when we have everything', () => {
    expect(greeting(true)).toEqual([{ type: 'have-none' }]);
    own(0, 1, 2, 3);
    expect(greeting(true)).toEqual([{ type: 'have-all' }]);
  });

  it('sends a BITFIELD of what we have in between', () => {
    own(1);
    const [message] = greeting(true);
    expect(message?.type === 'bitfield' && [...message.bytes]).toEqual([0b0100_0000]);
  });

  it('tells a peer without BEP 6 nothing when we have nothing, and a full BITFIELD when we have everything', () => {
    expect(greeting(false)).toEqual([]);
    own(0, 1, 2, 3);
    const [message] = greeting(false);
    expect(message?.type === 'bitfield' && [...message.bytes]).toEqual([0b1111_0000]);
  });
});

describe('Transfer: a peer joins', () => {
  it('a peer greeted before we knew our pieces hears a HAVE for each piece we have', () => {
    own(0, 2);
    const early = connect('early', { early: true });
    expect(early.conn.take('have').map((m) => m.index)).toEqual([0, 2]);
    const late = connect('late');
    expect(late.conn.take('have')).toEqual([]);
  });

  it('grants a BEP 6 peer allowed-fast pieces among those we have, and a peer without BEP 6 none', () => {
    own(1);
    const fast = connect('fast');
    expect(fast.conn.take('allowed-fast')).toEqual([{ type: 'allowed-fast', index: 1 }]);
    const plain = connect('plain', { fast: false });
    expect(plain.conn.take('allowed-fast')).toEqual([]);
  });

  it('counts what the peer announced before it joined, and becomes interested in it', () => {
    const { peer, conn } = connect('a', { before: (p) => void p.pieces.keep({ type: 'have', index: 2 }) });
    expect(peer.has(2)).toBe(true);
    expect(conn.take('interested')).toEqual([{ type: 'interested' }]);
    peer.peerSaid('unchoke');
    transfer.onMessage(peer, { type: 'unchoke' });
    expect(blocksAsked(conn)).toEqual(['2:0', `2:${BLOCK_SIZE}`]);
  });

  it('unchokes a peer that was interested before it joined, while slots are free', () => {
    const { peer, conn } = connect('a', { before: (p) => p.peerSaid('interested') });
    expect(peer.amChoking).toBe(false);
    expect(conn.take('unchoke')).toEqual([{ type: 'unchoke' }]);
  });
});

describe('Transfer: a piece is verified', () => {
  it('sends HAVE to the peers that lack the piece and reports it', () => {
    const lacking = connect('lacking');
    const having = connect('having');
    transfer.onMessage(having.peer, { type: 'have', index: 1 });
    lacking.conn.sent.length = 0;
    having.conn.sent.length = 0;
    own(1);
    transfer.pieceVerified(1);
    expect(lacking.conn.take('have')).toEqual([{ type: 'have', index: 1 }]);
    expect(having.conn.take('have')).toEqual([]);
    expect(hooks.pieces).toEqual([1]);
  });

  it('cancels the endgame duplicates still asked of other peers', () => {
    own(0, 1, 2);
    const a = seed('a');
    expect(blocksAsked(a.conn)).toEqual(['3:0', `3:${BLOCK_SIZE}`]);
    // Every block is asked for: the second seed is asked for the same ones (endgame).
    const b = seed('b');
    expect(blocksAsked(b.conn)).toEqual(['3:0', `3:${BLOCK_SIZE}`]);
    transfer.pieceVerified(3);
    expect(a.conn.take('cancel').map((m) => `${m.index}:${m.begin}`)).toEqual(['3:0', `3:${BLOCK_SIZE}`]);
    expect(b.conn.take('cancel').map((m) => `${m.index}:${m.begin}`)).toEqual(['3:0', `3:${BLOCK_SIZE}`]);
  });

  it('once the last wanted piece is verified, loses interest in every peer and reports finished', () => {
    own(0, 1, 2);
    const leech = connect('leech');
    transfer.onMessage(leech.peer, { type: 'have', index: 3 });
    expect(leech.peer.amInterested).toBe(true);
    transfer.pieceVerified(3);
    expect(leech.peer.amInterested).toBe(false);
    expect(leech.conn.take('not-interested')).toHaveLength(1);
    expect(hooks.finishedCount).toBe(1);
  });
});

describe('Transfer: a piece fails its hash check', () => {
  it('drops the only sender with CORRUPT_DATA and warns', () => {
    const bad = connect('bad');
    transfer.pieceFailed(2, ['bad', 'bad']);
    expect(peers.dropped).toEqual([{ key: 'bad', reason: expect.objectContaining({ code: 'CORRUPT_DATA' }) }]);
    expect(bad.conn.closedBy?.code).toBe('CORRUPT_DATA');
    expect(hooks.warnings).toEqual([expect.objectContaining({ code: 'CORRUPT_DATA', message: expect.stringMatching(/piece 2/) })]);
  });

  it('bans the only sender when it has left already', () => {
    transfer.pieceFailed(2, ['gone']);
    expect(peers.dropped).toEqual([]);
    expect(peers.banned).toEqual([{ keys: ['gone'], reason: expect.stringMatching(/corrupt data for piece 2/) }]);
  });

  it('with several senders convicts nobody at once, then whoever sent a block that differs from the good copy', () => {
    connect('a');
    connect('b');
    connect('c');
    const good = new Uint8Array(BLOCK_SIZE).fill(1);
    const bad = new Uint8Array(BLOCK_SIZE).fill(9);
    // The first failure only starts the recording of block digests.
    transfer.pieceFailed(0, ['a', 'b']);
    transfer.observeBlock(0, 0, 'a', good);
    transfer.observeBlock(0, 1, 'b', bad);
    transfer.pieceFailed(0, ['a', 'b']);
    expect(peers.dropped).toEqual([]);
    transfer.observeBlock(0, 0, 'c', good);
    transfer.observeBlock(0, 1, 'c', good);
    own(0);
    transfer.pieceVerified(0);
    expect(peers.dropped.map((d) => d.key)).toEqual(['b']);
  });

  it('asks for the failed piece again', () => {
    own(0, 1, 2);
    const a = seed('a');
    expect(blocksAsked(a.conn)).toEqual(['3:0', `3:${BLOCK_SIZE}`]);
    // The blocks came (the requests are answered), and the piece failed.
    transfer.onMessage(a.peer, { type: 'piece', index: 3, begin: 0, block: new Uint8Array(BLOCK_SIZE) });
    transfer.onMessage(a.peer, { type: 'piece', index: 3, begin: BLOCK_SIZE, block: new Uint8Array(BLOCK_SIZE) });
    expect(blocksAsked(a.conn)).toEqual([]);
    // Two senders: nobody is convicted yet, and the blocks are free to ask for again.
    transfer.pieceFailed(3, ['a', 'other']);
    expect(peers.dropped).toEqual([]);
    expect(blocksAsked(a.conn)).toEqual(['3:0', `3:${BLOCK_SIZE}`]);
  });
});

describe('Transfer: seeds', () => {
  it('keeps a seed while downloading and is interested in it', () => {
    const { peer } = seed('s');
    expect(peers.dropped).toEqual([]);
    expect(peer.amInterested).toBe(true);
  });

  it('once we are a seed, forgets and drops a peer that says it is one too', () => {
    own(0, 1, 2, 3);
    const { peer } = connect('s');
    transfer.onMessage(peer, { type: 'have-all' });
    expect(peers.forgotten).toEqual(['s']);
    expect(peers.dropped).toEqual([{ key: 's', reason: expect.objectContaining({ code: 'CLOSED', message: 'both ends are seeds' }) }]);
  });

  it('a peer completing its last piece while we seed is dropped at that HAVE', () => {
    own(0, 1, 2, 3);
    const { peer } = connect('s');
    transfer.onMessage(peer, { type: 'bitfield', bytes: Uint8Array.of(0b1110_0000) });
    expect(peers.dropped).toEqual([]);
    transfer.onMessage(peer, { type: 'have', index: 3 });
    expect(peers.dropped.map((d) => d.key)).toEqual(['s']);
  });

  it('dropSeeds lets every seed go and keeps the others', () => {
    seed('s1');
    seed('s2');
    const leech = connect('leech');
    transfer.onMessage(leech.peer, { type: 'have', index: 0 });
    own(0, 1, 2, 3);
    transfer.dropSeeds();
    expect(peers.dropped.map((d) => d.key).sort()).toEqual(['s1', 's2']);
    expect(peers.forgotten.sort()).toEqual(['s1', 's2']);
  });
});

describe('Transfer: messages and slots', () => {
  it('serves a REQUEST from an unchoked peer', async () => {
    own(1);
    const { peer, conn } = connect('a', { before: (p) => p.peerSaid('interested') });
    transfer.onMessage(peer, { type: 'request', index: 1, begin: 0, length: BLOCK_SIZE });
    await Promise.resolve();
    await Promise.resolve();
    expect(conn.take('piece-sent')).toEqual([{ type: 'piece-sent', index: 1, begin: 0, length: BLOCK_SIZE }]);
    expect(transfer.uploaded).toBe(BLOCK_SIZE);
  });

  it('a second handshake is PROTOCOL', () => {
    const { peer } = connect('a');
    expect(() => transfer.onMessage(peer, { type: 'handshake', reserved: new Uint8Array(8), infoHash: new Uint8Array(20), peerId: new Uint8Array(20) })).toThrow(
      expect.objectContaining({ code: 'PROTOCOL' }),
    );
  });

  it('ignores ALLOWED FAST past the last piece; one it can use makes us interested and asks for it while choked', () => {
    const { peer, conn } = connect('a');
    transfer.onMessage(peer, { type: 'have', index: 2 });
    conn.sent.length = 0;
    transfer.onMessage(peer, { type: 'allowed-fast', index: PIECES });
    transfer.onMessage(peer, { type: 'allowed-fast', index: 2 });
    expect(peer.peerChoking).toBe(true);
    expect(blocksAsked(conn)).toEqual(['2:0', `2:${BLOCK_SIZE}`]);
  });

  it('hands the slot of an unchoked peer that leaves to a waiting one', () => {
    start({ uploadSlots: 1 });
    const interested = (p: Peer): void => p.peerSaid('interested');
    const a = connect('a', { before: interested });
    connect('b', { before: interested });
    const c = connect('c', { before: interested });
    // One regular slot and the optimistic one.
    expect(c.peer.amChoking).toBe(true);
    peers.map.delete('a');
    transfer.leave(a.peer, new EngineError('SOCKET', 'gone'));
    expect(c.peer.amChoking).toBe(false);
  });

  it('hands the slot of a peer that lost interest to a waiting one', () => {
    start({ uploadSlots: 1 });
    const interested = (p: Peer): void => p.peerSaid('interested');
    const a = connect('a', { before: interested });
    connect('b', { before: interested });
    const c = connect('c', { before: interested });
    a.peer.peerSaid('not-interested');
    transfer.onMessage(a.peer, { type: 'not-interested' });
    expect([a.peer.amChoking, c.peer.amChoking]).toEqual([true, false]);
  });

  it('a leaving peer’s requests are asked of the others', () => {
    own(0, 1, 2);
    const a = seed('a');
    expect(blocksAsked(a.conn)).toHaveLength(2);
    const b = connect('b');
    transfer.onMessage(b.peer, { type: 'have', index: 3 });
    b.peer.peerSaid('unchoke');
    b.conn.sent.length = 0;
    peers.map.delete('a');
    transfer.leave(a.peer, new EngineError('SOCKET', 'gone'));
    expect(blocksAsked(b.conn)).toEqual(['3:0', `3:${BLOCK_SIZE}`]);
  });
});

describe('Transfer: a seed no peer joined yet (its peer parts are made by the first)', () => {
  it('has no meters of its own, and ticks, reports a verified piece and closes without them', () => {
    own(0, 1, 2);
    transfer.tick(services.clock.now());
    transfer.pieceVerified(3);
    expect(hooks.pieces).toEqual([3]);
    expect(hooks.finishedCount).toBe(1);
    expect([transfer.downloadMeter, transfer.uploadMeter]).toEqual([NO_TRAFFIC, NO_TRAFFIC]);
    expect(transfer.uploadMeter.rate()).toBe(0);
    transfer.close();
    expect(transfer.closed).toBe(true);
  });

  it('serves the first peer to come after many ticks, and counts what it uploads', async () => {
    own(0, 1, 2, 3);
    for (let tick = 0; tick < 20; tick++) {
      services.clock.advance(services.tuning.tickMs);
      transfer.tick(services.clock.now());
    }
    const { peer, conn } = connect('late', { before: (p) => p.peerSaid('interested') });
    expect(peer.amChoking).toBe(false);
    transfer.onMessage(peer, { type: 'request', index: 2, begin: 0, length: BLOCK_SIZE });
    await Promise.resolve();
    await Promise.resolve();
    expect(conn.take('piece-sent')).toEqual([{ type: 'piece-sent', index: 2, begin: 0, length: BLOCK_SIZE }]);
    expect(transfer.uploadMeter).not.toBe(NO_TRAFFIC);
    expect(transfer.uploadMeter.total).toBe(BLOCK_SIZE);
    expect(transfer.uploadMeter.rate()).toBeGreaterThan(0);
  });
});

describe('Transfer: ticks', () => {
  it('asks again for timed-out requests on the tick, but not while paused', () => {
    own(0, 1, 2);
    const a = seed('a');
    expect(blocksAsked(a.conn)).toHaveLength(2);
    services.clock.advance(services.tuning.requestTimeoutMs + 1);
    transfer.deactivate();
    transfer.tick(services.clock.now());
    expect(blocksAsked(a.conn)).toEqual([]);
    transfer.activate();
    transfer.tick(services.clock.now());
    expect(blocksAsked(a.conn)).toEqual(['3:0', `3:${BLOCK_SIZE}`]);
  });

  it('a paused transfer neither downloads nor uploads', () => {
    own(1);
    transfer.deactivate();
    const { peer, conn } = connect('a', { before: (p) => p.peerSaid('interested') });
    expect(peer.amChoking).toBe(true);
    transfer.onMessage(peer, { type: 'request', index: 1, begin: 0, length: BLOCK_SIZE });
    expect(conn.take('reject-request')).toHaveLength(1);
    expect([transfer.downloading, transfer.uploading]).toEqual([false, false]);
  });
});

describe('Transfer: failures', () => {
  it('a storage write error fails the torrent; aborted or closed storage does not', () => {
    transfer.storageFailed(new StorageError('ABORTED', 'aborted'));
    transfer.storageFailed(new StorageError('CLOSED', 'closed'));
    expect(hooks.failures).toEqual([]);
    transfer.storageFailed(new Error('ENOSPC'));
    expect(hooks.failures).toEqual([expect.objectContaining({ code: 'STORAGE', message: expect.stringMatching(/ENOSPC/) })]);
  });

  it('an internal error fails the torrent, but not once it is closed', () => {
    transfer.internalError(new TypeError('oops'));
    expect(hooks.failures.map((f) => f.code)).toEqual(['INTERNAL']);
    transfer.close();
    transfer.internalError(new TypeError('oops'));
    transfer.storageFailed(new Error('ENOSPC'));
    expect(hooks.failures).toHaveLength(1);
    expect([transfer.active, transfer.downloading, transfer.uploading]).toEqual([false, false, false]);
  });
});
