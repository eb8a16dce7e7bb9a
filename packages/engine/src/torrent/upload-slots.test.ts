// The session's upload slots shared by many torrents' choking, on fake hosts and a hand-driven clock:
// rounds share the slots by demand, every torrent with interested peers gets a turn, a torrent with
// none takes none, and between rounds only free slots are claimed.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { fakePeer } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import { Choking, type ChokingHost } from './choking.js';
import type { Peer } from './peer.js';
import { TickGroup } from './tick-group.js';
import { UploadSlots } from './upload-slots.js';

const INTERVAL = 10_000;

class Host implements ChokingHost {
  readonly uploading = true;
  readonly seeding = true;
  readonly slots = 4;
  readonly rechokeIntervalMs = INTERVAL;
  readonly peerMap = new Map<string, Peer>();
  constructor(readonly sessionSlots: UploadSlots) {}
  peers(): Iterable<Peer> {
    return this.peerMap.values();
  }
  peer(key: string): Peer | undefined {
    return this.peerMap.get(key);
  }
  setChoking(peer: Peer, choking: boolean): void {
    peer.setAmChoking(choking);
  }
  snubbed(): boolean {
    return false;
  }
}

let clock: ManualClock;
let ticks: TickGroup;

beforeEach(() => {
  clock = new ManualClock();
  ticks = new TickGroup(clock, 1000);
});

function sessionSlots(limit: number): UploadSlots {
  return new UploadSlots({ limit, perTorrent: 5, intervalMs: INTERVAL, ticks });
}

/** A torrent with `interested` interested peers and `idle` uninterested ones. */
function torrent(slots: UploadSlots, name: string, interested: number, idle = 0): { host: Host; choking: Choking } {
  const host = new Host(slots);
  const choking = new Choking(host);
  for (let i = 0; i < interested + idle; i++) {
    const { peer } = fakePeer(`${name}${i}`, clock);
    if (i < interested) peer.peerSaid('interested');
    host.peerMap.set(peer.key, peer);
  }
  return { host, choking };
}

function unchokedInterested(host: Host): number {
  return [...host.peers()].filter((peer) => !peer.amChoking && peer.peerInterested).length;
}

describe('UploadSlots', () => {
  it('many torrents, few slots: each round keeps within the limit, every torrent with interested peers gets a turn, one with none takes none', () => {
    const slots = sessionSlots(3);
    const torrents = Array.from({ length: 10 }, (_, i) => torrent(slots, `t${i}-`, i === 4 ? 0 : 2, i === 4 ? 3 : 0));
    const turns = torrents.map(() => 0);
    for (let round = 0; round < 8; round++) {
      clock.advance(INTERVAL);
      const unchoked = torrents.map(({ host }) => unchokedInterested(host));
      expect(unchoked.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
      expect(slots.held).toBe(3);
      unchoked.forEach((count, i) => (turns[i] = (turns[i] ?? 0) + count));
    }
    expect(turns.map((t) => t > 0)).toEqual(torrents.map((_, i) => i !== 4));
    expect([...(torrents[4]?.host.peers() ?? [])].every((peer) => peer.amChoking)).toBe(true);
  });

  it('a torrent alone keeps its own 4 + 1 slots under the session limit', () => {
    const slots = sessionSlots(8);
    const { host } = torrent(slots, 'a', 10);
    clock.advance(INTERVAL);
    expect(unchokedInterested(host)).toBe(5);
  });

  it('shares scarce slots evenly between two busy torrents', () => {
    const slots = sessionSlots(8);
    const a = torrent(slots, 'a', 10);
    const b = torrent(slots, 'b', 10);
    clock.advance(INTERVAL);
    expect([unchokedInterested(a.host), unchokedInterested(b.host)]).toEqual([4, 4]);
  });

  it('between rounds an interested peer is unchoked at once while the session has a free slot, not when it is full', () => {
    const slots = sessionSlots(2);
    const torrents = ['a', 'b', 'c'].map((name) => torrent(slots, name, 0, 1));
    for (const { host, choking } of torrents) {
      const [peer] = host.peers();
      if (peer === undefined) throw new Error('no peer');
      peer.peerSaid('interested');
      choking.onInterested(peer);
    }
    expect(torrents.map(({ host }) => unchokedInterested(host))).toEqual([1, 1, 0]);
    // The first torrent stops: its slot goes to the one that waited.
    torrents[0]?.choking.close();
    const c = torrents[2];
    const [waiting] = c?.host.peers() ?? [];
    if (c === undefined || waiting === undefined) throw new Error('no peer');
    c.choking.onInterested(waiting);
    expect(unchokedInterested(c.host)).toBe(1);
  });

  it('with no limit (Infinity) each torrent unchokes its own 4 + 1', () => {
    const slots = sessionSlots(Number.POSITIVE_INFINITY);
    const torrents = ['a', 'b', 'c'].map((name) => torrent(slots, name, 8));
    clock.advance(INTERVAL);
    expect(torrents.map(({ host }) => unchokedInterested(host))).toEqual([5, 5, 5]);
  });

  it('runs on the session tick only while some torrent holds a place', () => {
    const slots = sessionSlots(8);
    const { choking } = torrent(slots, 'a', 1);
    expect(ticks.size).toBe(1);
    choking.close();
    expect(ticks.size).toBe(0);
  });
});
