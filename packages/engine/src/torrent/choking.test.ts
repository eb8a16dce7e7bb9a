// The choking part on a fake host: when it runs the choker and how it applies the decision. The
// choker's ranking itself has its own tests (choke/choker.test.ts); the cases here are built so the
// random optimistic unchoke never decides the outcome.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { fakePeer, type FakeConnection } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import { Choking, type ChokingHost } from './choking.js';
import type { Peer } from './peer.js';

class Host implements ChokingHost {
  uploading = true;
  seeding = false;
  slots = 2;
  readonly rechokeIntervalMs = 10_000;
  readonly clock = new ManualClock();
  readonly peerMap = new Map<string, Peer>();
  readonly conns = new Map<string, FakeConnection>();
  readonly snubs = new Set<string>();
  /** Every setChoking call, as "key:choke" or "key:unchoke". */
  readonly calls: string[] = [];
  peers(): Iterable<Peer> {
    return this.peerMap.values();
  }
  peer(key: string): Peer | undefined {
    return this.peerMap.get(key);
  }
  setChoking(peer: Peer, choking: boolean): void {
    this.calls.push(`${peer.key}:${choking ? 'choke' : 'unchoke'}`);
    peer.setAmChoking(choking);
  }
  snubbed(peer: Peer): boolean {
    return this.snubs.has(peer.key);
  }
}

let host: Host;
let choking: Choking;

function connect(key: string, options: { interested?: boolean; downloadRate?: number; uploadRate?: number; seed?: boolean } = {}): Peer {
  const { peer, conn } = fakePeer(key, host.clock);
  if (options.interested ?? true) peer.peerSaid('interested');
  if (options.downloadRate !== undefined) peer.downloadMeter.add(options.downloadRate);
  if (options.uploadRate !== undefined) peer.uploadMeter.add(options.uploadRate);
  if (options.seed === true) peer.pieces.markAll();
  host.peerMap.set(key, peer);
  host.conns.set(key, conn);
  return peer;
}

function unchoked(): string[] {
  return [...host.peerMap.values()].filter((p) => !p.amChoking).map((p) => p.key);
}

beforeEach(() => {
  host = new Host();
  choking = new Choking(host);
});

describe('Choking between rounds', () => {
  it('unchokes an interested peer at once while slots (plus the optimistic one) are free', () => {
    const peers = ['a', 'b', 'c', 'd'].map((key) => connect(key));
    for (const peer of peers) choking.onInterested(peer);
    // Two regular slots and one optimistic: the fourth waits for a rechoke round.
    expect(unchoked()).toEqual(['a', 'b', 'c']);
    expect(host.conns.get('a')?.take('unchoke')).toEqual([{ type: 'unchoke' }]);
    expect(host.conns.get('d')?.sent).toEqual([]);
  });

  it('frees a slot when an unchoked peer loses interest', () => {
    const peers = ['a', 'b', 'c', 'd'].map((key) => connect(key));
    for (const peer of peers) choking.onInterested(peer);
    peers[0]?.peerSaid('not-interested');
    const late = peers[3];
    if (late === undefined) throw new Error('no peer');
    choking.onInterested(late);
    expect(unchoked()).toContain('d');
  });

  it('does not unchoke while not uploading, nor a seed, nor a peer already unchoked', () => {
    host.uploading = false;
    choking.onInterested(connect('a'));
    host.uploading = true;
    choking.onInterested(connect('seed', { seed: true }));
    const b = connect('b');
    choking.onInterested(b);
    choking.onInterested(b);
    expect(host.calls).toEqual(['b:unchoke']);
  });
});

describe('Choking rounds', () => {
  it('rechokes on the first tick, then once per interval', () => {
    connect('a');
    choking.tick(host.clock.now());
    expect(host.calls).toEqual(['a:unchoke']);
    host.peer('a')?.peerSaid('not-interested');
    choking.tick(host.clock.now() + 9_999);
    expect(host.calls).toEqual(['a:unchoke']);
    choking.tick(host.clock.now() + 10_000);
    expect(host.calls).toEqual(['a:unchoke', 'a:choke']);
  });

  it('an explicit rechoke restarts the interval', () => {
    connect('a');
    const start = host.clock.now();
    choking.tick(start);
    choking.rechoke(start + 5_000);
    host.peer('a')?.peerSaid('not-interested');
    choking.tick(start + 10_000);
    expect(host.calls).toEqual(['a:unchoke']);
    choking.tick(start + 15_000);
    expect(host.calls).toEqual(['a:unchoke', 'a:choke']);
  });

  it('chokes everyone when not uploading (paused), interested or not', () => {
    for (const key of ['a', 'b', 'c']) choking.onInterested(connect(key));
    connect('idle', { interested: false });
    host.uploading = false;
    choking.rechoke(host.clock.now());
    expect(unchoked()).toEqual([]);
    expect(host.conns.get('a')?.take('choke')).toEqual([{ type: 'choke' }]);
  });

  it('keeps no more than the slots plus one interested peers unchoked after a round', () => {
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) connect(key, { downloadRate: 1000 });
    choking.rechoke(host.clock.now());
    expect(unchoked()).toHaveLength(3);
  });

  it('unchokes interested peers into the regular and optimistic slots, not an uninterested one that sends nothing', () => {
    host.slots = 1;
    connect('slow', { downloadRate: 10_000 });
    connect('fast', { downloadRate: 1_000_000 });
    connect('idle', { interested: false });
    choking.rechoke(host.clock.now());
    // One regular slot and one optimistic: both interested peers; the uninterested one stays choked.
    expect(unchoked().sort()).toEqual(['fast', 'slow']);
  });

  it('ranks by what we send while seeding and by what we receive while downloading', () => {
    host.slots = 1;
    // 'watcher' is not interested: it is unchoked on standby only when its rate beats the slot holder's.
    connect('leech', { downloadRate: 10_000, uploadRate: 10_000 });
    connect('watcher', { interested: false, downloadRate: 1_000_000, uploadRate: 0 });
    choking.rechoke(host.clock.now());
    expect(unchoked().sort()).toEqual(['leech', 'watcher']);
    host.seeding = true;
    choking.rechoke(host.clock.now() + 10_000);
    expect(unchoked()).toEqual(['leech']);
  });

  it('asks the host which peers snub us: a snubbing peer gets no standby unchoke while we download', () => {
    host.slots = 1;
    connect('leech', { downloadRate: 10_000 });
    connect('watcher', { interested: false, downloadRate: 1_000_000 });
    host.snubs.add('watcher');
    choking.rechoke(host.clock.now());
    expect(unchoked()).toEqual(['leech']);
  });

  it('never unchokes a seed in a round', () => {
    connect('seed', { seed: true, downloadRate: 1_000_000 });
    choking.rechoke(host.clock.now());
    expect(unchoked()).toEqual([]);
  });

  it('skips decisions about a peer that left during the round', () => {
    connect('a');
    const leaving = connect('b');
    host.peer = (key: string): Peer | undefined => (key === leaving.key ? undefined : host.peerMap.get(key));
    choking.rechoke(host.clock.now());
    expect(host.calls).toEqual(['a:unchoke']);
  });
});
