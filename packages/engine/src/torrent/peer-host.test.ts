// The PeerHost over real loopback socket pairs: the test plays the remote peer on one end (it reads
// our handshake and messages, and writes its own), the host gets the other end as a handshaken
// incoming connection. Work is either a recording fake or a real Transfer on a fake store. Waits are
// on messages arriving, never on time; a REQUEST answered by REJECT serves as a barrier showing that
// everything the remote sent before it was handled.
import type net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE, PieceGeometry, type Metainfo } from '@typetorrent/metainfo';
import {
  WireDecoder,
  createPeerId,
  decodeExtendedHandshake,
  encodeExtendedHandshake,
  encodeMessage,
  encodeReserved,
  type WireMessage,
} from '@typetorrent/peer-wire';
import type { PieceStore } from '@typetorrent/storage';
import { EngineError } from '../errors.js';
import { ExtensionSet, type Extension } from '../extensions/extension.js';
import { addressKey, peerIdKey } from '../peer/ban-list.js';
import { PiecePicker } from '../picker/piece-picker.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { testServices, type TestServices } from '../testing/services.js';
import { socketPair } from '../testing/socket-pair.js';
import { EVICT_AFTER_MS, PeerHost, type PeerWork } from './peer-host.js';
import type { Peer } from './peer.js';
import { Transfer } from './transfer.js';
import type { PeerEvent } from './types.js';

const infoHash = new Uint8Array(20).fill(0x5a);
const PIECES = 4;
const geometry = new PieceGeometry(2 * BLOCK_SIZE, PIECES * 2 * BLOCK_SIZE, [{ length: PIECES * 2 * BLOCK_SIZE }]);

/** The remote end of a connection: decodes what we send and sends what the test scripts. */
class Remote {
  readonly messages: WireMessage[] = [];
  readonly peerId = createPeerId({ prefix: '-RM0001-' });
  isClosed = false;
  readonly #waiters = new Set<() => void>();

  constructor(readonly socket: net.Socket) {
    const decoder = new WireDecoder();
    socket.on('data', (chunk: Buffer) => {
      this.messages.push(...decoder.decode(new Uint8Array(chunk)));
      this.#wake();
    });
    socket.on('close', () => {
      this.isClosed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  send(...messages: WireMessage[]): void {
    for (const message of messages) this.socket.write(encodeMessage(message));
  }

  /** Resolves with the first message received (from the start) that `want` accepts. */
  async waitFor<T extends WireMessage>(want: (m: WireMessage) => m is T): Promise<T> {
    for (;;) {
      const found = this.messages.find(want);
      if (found !== undefined) return found;
      if (this.isClosed) throw new Error(`closed without such a message; got ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
  }

  async waitClosed(): Promise<void> {
    while (!this.isClosed) await new Promise<void>((resolve) => this.#waiters.add(resolve));
  }

  /** Sends a REQUEST and waits for its REJECT: everything sent before it has been handled. */
  async barrier(piece = 999): Promise<void> {
    this.send({ type: 'request', index: piece, begin: 0, length: BLOCK_SIZE });
    await this.waitFor((m): m is Extract<WireMessage, { type: 'reject-request' }> => m.type === 'reject-request' && m.index === piece);
  }

  types(): string[] {
    return this.messages.map((m) => m.type);
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}

/** Records what reaches it; resolves `next` on each message. */
class RecordingExtension implements Extension {
  readonly name = 'lt_test';
  readonly messages: number[][] = [];
  readonly handshakes: { peer: string; supported: boolean }[] = [];
  readonly left: string[] = [];
  #waiter: (() => void) | undefined;
  offered(): boolean {
    return true;
  }
  onHandshake(peer: Peer, supported: boolean): void {
    this.handshakes.push({ peer: peer.key, supported });
  }
  onMessage(_peer: Peer, payload: Uint8Array): void {
    this.messages.push([...payload]);
    this.#waiter?.();
  }
  leave(peer: Peer): void {
    this.left.push(peer.key);
  }
  async next(): Promise<void> {
    await new Promise<void>((resolve) => (this.#waiter = resolve));
  }
}

/** A PeerWork that records its calls. */
class RecordingWork implements PeerWork {
  readonly calls: string[] = [];
  readonly messages: string[] = [];
  readonly reqq = new Map<string, number | undefined>();
  greet(peer: Peer): void {
    this.calls.push(`greet ${peer.key}`);
    peer.conn.send({ type: 'have-all' });
  }
  join(peer: Peer, early: boolean): void {
    this.calls.push(`join ${peer.key}${early ? ' early' : ''}`);
  }
  leave(peer: Peer, reason: EngineError): void {
    this.calls.push(`leave ${peer.key} ${reason.code}`);
  }
  onMessage(_peer: Peer, message: WireMessage): void {
    this.messages.push(message.type);
  }
  introduced(peer: Peer, reqq: number | undefined): void {
    this.reqq.set(peer.key, reqq);
  }
  onChunk(): void {}
  onDrain(): void {}
  tick(_now: number): void {}
  snubbed(): boolean {
    return false;
  }
}

let services: TestServices;
let extension: RecordingExtension;
let host: PeerHost;
let events: PeerEvent[];
let warnings: EngineError[];
const remotes: Remote[] = [];

function makeHost(maxPeers = 10): PeerHost {
  const extensions = new ExtensionSet();
  extensions.add(extension);
  return new PeerHost({
    infoHash,
    services,
    maxPeers,
    extensions,
    hooks: {
      peer: (event) => events.push(event),
      warn: (warning) => warnings.push(warning),
      handshakeBase: () => ({ v: 'TypeTorrent test', reqq: 500 }),
    },
  });
}

/** A socket pair whose server end is attached to the host as an incoming connection. */
async function connect(key: string, options: { fast?: boolean; peerId?: Uint8Array } = {}): Promise<Remote> {
  const [client, server] = await socketPair();
  const remote = new Remote(client);
  remotes.push(remote);
  services.budget.acquire();
  host.attach(
    {
      socket: server,
      decoder: new WireDecoder({ handshake: false }),
      handshake: { type: 'handshake', reserved: encodeReserved({ fast: options.fast ?? true, extended: true }), infoHash, peerId: options.peerId ?? remote.peerId },
    },
    key,
    'in',
  );
  return remote;
}

function isType<T extends WireMessage['type']>(type: T): (m: WireMessage) => m is Extract<WireMessage, { type: T }> {
  return (m): m is Extract<WireMessage, { type: T }> => m.type === type;
}

/** A running Transfer over a store that holds `own` pieces. */
function transferOver(own: readonly number[]): { transfer: Transfer; picker: PiecePicker } {
  const picker = new PiecePicker(geometry);
  for (const piece of own) picker.markHave(piece);
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
  const transfer = new Transfer({
    metainfo: { infoHash, geometry } as unknown as Metainfo,
    picker,
    store,
    services,
    peers: { peers: () => host.peers(), peer: (key) => host.peer(key), drop: (peer, reason) => host.drop(peer, reason), forget: () => undefined, ban: () => undefined },
    hooks: { warn: (w) => warnings.push(w), piece: () => undefined, finished: () => undefined, failed: () => undefined },
    downloadLimiter: new RateLimiter({ now }),
    uploadLimiter: new RateLimiter({ now }),
  });
  transfer.activate();
  return { transfer, picker };
}

beforeEach(() => {
  services = testServices();
  extension = new RecordingExtension();
  events = [];
  warnings = [];
  host = makeHost();
  host.activate();
});

afterEach(() => {
  host.close('test over');
  for (const remote of remotes.splice(0)) remote.socket.destroy();
});

describe('PeerHost: admission', () => {
  it('answers an incoming handshake with ours and reports the peer', async () => {
    const remote = await connect('10.0.0.1:1');
    const ours = await remote.waitFor(isType('handshake'));
    expect(Buffer.from(ours.infoHash).equals(Buffer.from(infoHash))).toBe(true);
    expect(Buffer.from(ours.peerId).equals(Buffer.from(services.peerId))).toBe(true);
    expect(host.peerCount).toBe(1);
    expect(events.map((e) => `${e.type} ${e.peer.key}`)).toEqual(['connect 10.0.0.1:1']);
    expect(services.budget.used).toBe(1);
  });

  it('refuses connections while inactive, from banned peers and to a peer already connected, releasing their slots', async () => {
    host.deactivate('paused');
    const whilePaused = await connect('10.0.0.1:1');
    await whilePaused.waitClosed();
    host.activate();
    services.bans.ban(['10.0.0.2:1'], 'test');
    const banned = await connect('10.0.0.2:1');
    await banned.waitClosed();
    const first = await connect('10.0.0.3:1');
    await first.waitFor(isType('handshake'));
    const duplicate = await connect('10.0.0.3:1');
    await duplicate.waitClosed();
    expect(host.peerCount).toBe(1);
    expect(services.budget.used).toBe(1);
  });

  it('refuses a peer over the torrent’s connection limit', async () => {
    host.close('replaced');
    host = makeHost(1);
    host.activate();
    await (await connect('10.0.0.1:1')).waitFor(isType('handshake'));
    const second = await connect('10.0.0.2:1');
    await second.waitClosed();
    expect(host.peerCount).toBe(1);
  });

  it('when full, lets a newcomer take the slot of a peer that exchanged no data for 30 s', async () => {
    host.close('replaced');
    host = makeHost(1);
    host.activate();
    const silent = await connect('10.0.0.1:1');
    await silent.waitFor(isType('handshake'));
    // Not yet: a fresh connection gets its chance.
    const early = await connect('10.0.0.2:1');
    await early.waitClosed();
    expect(host.peer('10.0.0.1:1')).toBeDefined();
    services.clock.advance(EVICT_AFTER_MS);
    const late = await connect('10.0.0.3:1');
    await late.waitFor(isType('handshake'));
    await silent.waitClosed();
    expect([...host.peers()].map((p) => p.key)).toEqual(['10.0.0.3:1']);
  });

  it('bans the address of a peer that broke the protocol, so another port and peer id do not get back in', async () => {
    // The sockets are on loopback (never banned by address); this one says it comes from 10.0.0.9.
    const [client, server] = await socketPair();
    Object.defineProperty(server, 'remoteAddress', { value: '10.0.0.9' });
    const liar = new Remote(client);
    remotes.push(liar);
    services.budget.acquire();
    const handshake = { type: 'handshake' as const, reserved: encodeReserved({ fast: true, extended: true }), infoHash, peerId: liar.peerId };
    host.attach({ socket: server, decoder: new WireDecoder({ handshake: false }), handshake }, '10.0.0.9:1', 'in');
    liar.send(handshake);
    await liar.waitClosed();
    expect(services.bans.isBanned(addressKey('10.0.0.9'))).toBe(true);
    // Back from another port with another peer id: refused at admission.
    const [client2, server2] = await socketPair();
    Object.defineProperty(server2, 'remoteAddress', { value: '10.0.0.9' });
    const again = new Remote(client2);
    remotes.push(again);
    services.budget.acquire();
    host.attach({ socket: server2, decoder: new WireDecoder({ handshake: false }), handshake: { ...handshake, peerId: createPeerId() } }, '10.0.0.9:2', 'in');
    await again.waitClosed();
    expect(host.peer('10.0.0.9:2')).toBeUndefined();
  });
});

describe('PeerHost: before there is work', () => {
  it('greets a BEP 6 peer with HAVE NONE, then our extended handshake', async () => {
    const remote = await connect('10.0.0.1:1');
    const greeting = await remote.waitFor(isType('extended'));
    expect(remote.types()).toEqual(['handshake', 'have-none', 'extended']);
    const ours = decodeExtendedHandshake(greeting.payload);
    expect([ours.m.get('lt_test'), ours.v, ours.reqq]).toEqual([1, 'TypeTorrent test', 500]);
  });

  it('greets a peer without BEP 6 with nothing but the extended handshake', async () => {
    const remote = await connect('10.0.0.1:1', { fast: false });
    await remote.waitFor(isType('extended'));
    expect(remote.types()).toEqual(['handshake', 'extended']);
  });

  it('keeps the peer’s flags and piece announcements, rejects its requests', async () => {
    const remote = await connect('10.0.0.1:1');
    remote.send({ type: 'interested' }, { type: 'unchoke' }, { type: 'have', index: 2 });
    await remote.barrier(3);
    const peer = host.peer('10.0.0.1:1');
    expect([peer?.peerInterested, peer?.peerChoking]).toEqual([true, false]);
    expect(peer?.pieces.learnPieceCount(PIECES)).toEqual([{ type: 'have', index: 2 }]);
  });

  it('drops and bans a peer that sends a block before there is anything to ask for', async () => {
    const remote = await connect('10.0.0.1:1');
    remote.send({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(16) });
    await remote.waitClosed();
    expect(services.bans.isBanned('10.0.0.1:1')).toBe(true);
    expect(services.bans.isBanned(undefined, peerIdKey(remote.peerId))).toBe(true);
    expect(warnings).toEqual([expect.objectContaining({ code: 'PROTOCOL', message: expect.stringMatching(/^banned 10\.0\.0\.1:1/) })]);
    const disconnect = events.find((e) => e.type === 'disconnect');
    expect(disconnect?.type === 'disconnect' && disconnect.reason.code).toBe('PROTOCOL');
    expect(services.budget.used).toBe(0);
  });
});

describe('PeerHost: the work starts', () => {
  it('a peer greeted early hears a HAVE for each piece we have once the transfer starts', async () => {
    const remote = await connect('10.0.0.1:1');
    await remote.waitFor(isType('extended'));
    host.learnPieceCount(PIECES);
    host.startWork(transferOver([0, 2]).transfer);
    await remote.waitFor((m): m is Extract<WireMessage, { type: 'have' }> => m.type === 'have' && m.index === 2);
    expect(remote.messages.filter(isType('have')).map((m) => m.index)).toEqual([0, 2]);
    expect(remote.messages.filter(isType('bitfield'))).toEqual([]);
  });

  it('counts what the peer announced before the transfer and becomes interested in it', async () => {
    const remote = await connect('10.0.0.1:1');
    remote.send({ type: 'bitfield', bytes: Uint8Array.of(0b0001_0000) });
    await remote.barrier(0);
    host.learnPieceCount(PIECES);
    const { transfer, picker } = transferOver([0]);
    host.startWork(transfer);
    await remote.waitFor(isType('interested'));
    expect(host.peer('10.0.0.1:1')?.has(3)).toBe(true);
    expect(picker.isInteresting(transfer.downloader.pickView(host.peer('10.0.0.1:1') as Peer))).toBe(true);
  });

  it('a peer whose kept announcements turn out to be lies is dropped and banned when the work starts; the others join', async () => {
    const liar = await connect('10.0.0.1:1');
    const honest = await connect('10.0.0.2:1');
    // Piece 9 of 4: nothing could tell it was a lie before the piece count was known.
    liar.send({ type: 'have', index: 9 });
    honest.send({ type: 'have', index: 3 });
    await liar.barrier(0);
    await honest.barrier(0);
    host.learnPieceCount(PIECES);
    const { transfer } = transferOver([0]);
    expect(() => host.startWork(transfer)).not.toThrow();
    await liar.waitClosed();
    expect(services.bans.isBanned('10.0.0.1:1')).toBe(true);
    await honest.waitFor(isType('interested'));
    expect(host.peer('10.0.0.2:1')?.has(3)).toBe(true);
  });

  it('keeps the pieces a peer allowed us (BEP 6 ALLOWED FAST) before the work, and asks for them while choked once it starts', async () => {
    const remote = await connect('10.0.0.1:1');
    // What libtorrent sends right after its handshake, while we are still fetching the metadata.
    remote.send({ type: 'have', index: 3 }, { type: 'allowed-fast', index: 3 });
    await remote.barrier(0);
    host.learnPieceCount(PIECES);
    const { transfer } = transferOver([0]);
    host.startWork(transfer);
    const peer = host.peer('10.0.0.1:1');
    if (peer === undefined) throw new Error('no peer');
    expect(peer.peerChoking).toBe(true);
    expect([...(transfer.downloader.stateOf(peer)?.allowedFast ?? [])]).toEqual([3]);
    const request = await remote.waitFor(isType('request'));
    expect(request.index).toBe(3);
  });

  it('a peer arriving once the work runs is greeted by it and joins at once', async () => {
    const work = new RecordingWork();
    host.startWork(work);
    const remote = await connect('10.0.0.1:1');
    await remote.waitFor(isType('extended'));
    expect(remote.types()).toEqual(['handshake', 'have-all', 'extended']);
    expect(work.calls).toEqual(['greet 10.0.0.1:1', 'join 10.0.0.1:1']);
  });

  it('peers connected before the work join it as early ones; closed ones do not', async () => {
    const early = await connect('10.0.0.1:1');
    const gone = await connect('10.0.0.2:1');
    await early.waitFor(isType('extended'));
    await gone.waitFor(isType('extended'));
    host.peer('10.0.0.2:1')?.conn.close(new EngineError('SOCKET', 'gone'));
    const work = new RecordingWork();
    host.startWork(work);
    expect(work.calls).toEqual(['join 10.0.0.1:1 early']);
  });

  it('passes every message but the extension protocol to the work, flags already set', async () => {
    const work = new RecordingWork();
    host.startWork(work);
    const remote = await connect('10.0.0.1:1');
    remote.send({ type: 'interested' }, { type: 'have', index: 1 }, { type: 'extended', id: 1, payload: Uint8Array.of(7) });
    await extension.next();
    expect(work.messages).toEqual(['interested', 'have']);
    expect(host.peer('10.0.0.1:1')?.peerInterested).toBe(true);
  });

  it('a peer leaving is taken out of the work and the extensions, without a ban', async () => {
    const work = new RecordingWork();
    host.startWork(work);
    const remote = await connect('10.0.0.1:1');
    await remote.waitFor(isType('extended'));
    const closed = new Promise<void>((resolve) => host.peer('10.0.0.1:1')?.conn.once('close', () => resolve()));
    remote.socket.end();
    await closed;
    expect(work.calls.at(-1)).toBe('leave 10.0.0.1:1 SOCKET');
    expect(extension.left).toEqual(['10.0.0.1:1']);
    expect(services.bans.isBanned('10.0.0.1:1')).toBe(false);
    expect(host.peerCount).toBe(0);
  });
});

describe('PeerHost: the extension protocol', () => {
  it('reads the peer’s extended handshake: client, listen port, reqq, and which extensions it speaks', async () => {
    const work = new RecordingWork();
    host.startWork(work);
    const remote = await connect('10.0.0.1:1');
    remote.send({ type: 'extended', id: 0, payload: encodeExtendedHandshake({ m: { lt_test: 9 }, v: 'Remote 1.0', p: 51413, reqq: 77 }) });
    remote.send({ type: 'extended', id: 1, payload: Uint8Array.of(1) });
    await extension.next();
    const peer = host.peer('10.0.0.1:1');
    expect([peer?.client, peer?.listenPort]).toEqual(['Remote 1.0', 51413]);
    expect(work.reqq.get('10.0.0.1:1')).toBe(77);
    expect(extension.handshakes).toEqual([{ peer: '10.0.0.1:1', supported: true }]);
  });

  it('routes an extension message to the plug-in by the id we gave it, and ignores unknown ids', async () => {
    const remote = await connect('10.0.0.1:1');
    remote.send({ type: 'extended', id: 200, payload: Uint8Array.of(1) }, { type: 'extended', id: 1, payload: Uint8Array.of(2, 3) });
    await extension.next();
    expect(extension.messages).toEqual([[2, 3]]);
    expect(host.peerCount).toBe(1);
  });

  it('sends extension messages with the peer’s id for them', async () => {
    const remote = await connect('10.0.0.1:1');
    remote.send({ type: 'extended', id: 0, payload: encodeExtendedHandshake({ m: { lt_test: 42 } }) }, { type: 'extended', id: 1, payload: Uint8Array.of(0) });
    await extension.next();
    const peer = host.peer('10.0.0.1:1');
    if (peer === undefined) throw new Error('no peer');
    expect(host.extensions.send(peer, 'lt_test', Uint8Array.of(9))).toBe(true);
    const sent = await remote.waitFor((m): m is Extract<WireMessage, { type: 'extended' }> => m.type === 'extended' && m.id === 42);
    expect([...sent.payload]).toEqual([9]);
  });

  it('drops and bans a peer whose extended handshake is malformed', async () => {
    const remote = await connect('10.0.0.1:1');
    remote.send({ type: 'extended', id: 0, payload: Uint8Array.of(0x69) });
    await remote.waitClosed();
    expect(services.bans.isBanned('10.0.0.1:1')).toBe(true);
  });
});

describe('PeerHost: ticks', () => {
  it('sends a keep-alive to a connection we said nothing on for the keep-alive interval', async () => {
    const remote = await connect('10.0.0.1:1');
    await remote.waitFor(isType('extended'));
    services.clock.advance(services.tuning.keepAliveMs);
    host.tick(services.clock.now());
    await remote.waitFor(isType('keep-alive'));
    expect(remote.isClosed).toBe(false);
  });

  it('closes a connection silent for the inactivity time, without a ban', async () => {
    const remote = await connect('10.0.0.1:1');
    await remote.waitFor(isType('extended'));
    services.clock.advance(services.tuning.inactivityMs);
    host.tick(services.clock.now());
    await remote.waitClosed();
    const disconnect = events.find((e) => e.type === 'disconnect');
    expect(disconnect?.type === 'disconnect' && disconnect.reason.code).toBe('INACTIVE');
    expect(services.bans.isBanned('10.0.0.1:1')).toBe(false);
  });

  it('passes the tick to the work only while active', async () => {
    const ticks: number[] = [];
    const work = new RecordingWork();
    work.tick = (now: number) => void ticks.push(now);
    host.startWork(work);
    host.tick(services.clock.now());
    host.deactivate('paused');
    host.tick(services.clock.now());
    expect(ticks).toHaveLength(1);
  });
});

describe('PeerHost: stopping', () => {
  it('stopWork takes every peer out of the work and closes it; messages reach no work after', async () => {
    const work = new RecordingWork();
    host.startWork(work);
    const remote = await connect('10.0.0.1:1');
    await remote.waitFor(isType('extended'));
    host.stopWork('stopped');
    await remote.waitClosed();
    expect(work.calls).toEqual(['greet 10.0.0.1:1', 'join 10.0.0.1:1', 'leave 10.0.0.1:1 CLOSED']);
    expect(host.active).toBe(false);
  });

  it('deactivate closes every connection (CLOSED, no ban) and keeps none', async () => {
    const a = await connect('10.0.0.1:1');
    const b = await connect('10.0.0.2:1');
    await a.waitFor(isType('extended'));
    await b.waitFor(isType('extended'));
    host.deactivate('paused');
    await a.waitClosed();
    await b.waitClosed();
    expect(host.peerCount).toBe(0);
    expect(events.filter((e) => e.type === 'disconnect').map((e) => e.type === 'disconnect' && e.reason.code)).toEqual(['CLOSED', 'CLOSED']);
    expect(services.bans.isBanned('10.0.0.1:1')).toBe(false);
    expect(services.budget.used).toBe(0);
  });
});
