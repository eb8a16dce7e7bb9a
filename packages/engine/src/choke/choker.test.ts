import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { seededRandom } from '../picker/random.js';
import { NEW_PEER_WINDOW_MS, OPTIMISTIC_INTERVAL_MS, choke } from './choker.js';
import type { ChokeInput, ChokePeer } from './choker.js';

const NOW = 1_000_000;

/** A long-connected, interested, choked peer sending us `downloadRate`; override what matters. */
function peer(key: string, downloadRate: number, extra: Partial<ChokePeer> = {}): ChokePeer {
  return {
    key,
    interested: true,
    amChoking: true,
    downloadRate,
    uploadRate: 0,
    snubbed: false,
    connectedAt: NOW - 10 * NEW_PEER_WINDOW_MS,
    ...extra,
  };
}

const round = (input: Partial<ChokeInput> & Pick<ChokeInput, 'peers'>) =>
  choke({ seeding: false, now: NOW, random: seededRandom(1), ...input });

describe('regular slots', () => {
  it('go to the interested peers that send us the most while we download', () => {
    const peers = [peer('a', 10), peer('b', 50), peer('c', 30), peer('d', 20), peer('e', 40), peer('f', 5)];
    expect(round({ peers }).regular).toEqual(['b', 'e', 'c', 'd']);
  });

  it('go to the peers we send the most to while we seed', () => {
    const peers = [peer('a', 99, { uploadRate: 1 }), peer('b', 0, { uploadRate: 7 }), peer('c', 0, { uploadRate: 3 })];
    expect(round({ peers, seeding: true, slots: 2 }).regular).toEqual(['b', 'c']);
  });

  it('skip uninterested peers and seeds', () => {
    const peers = [peer('a', 90, { interested: false }), peer('b', 80, { isSeed: true }), peer('c', 1)];
    expect(round({ peers }).regular).toEqual(['c']);
  });

  it('are not given to snubbed peers while we download, but are while we seed', () => {
    const peers = [peer('a', 90, { snubbed: true, uploadRate: 9 }), peer('b', 10, { uploadRate: 1 })];
    expect(round({ peers, slots: 1 }).regular).toEqual(['b']);
    expect(round({ peers, slots: 1, seeding: true }).regular).toEqual(['a']);
  });

  it('on equal rates, stay with the peers already unchoked, then the older connections', () => {
    const peers = [
      peer('new', 10, { connectedAt: NOW - 1 }),
      peer('old', 10),
      peer('current', 10, { amChoking: false, connectedAt: NOW - 2 }),
    ];
    expect(round({ peers, slots: 2 }).regular).toEqual(['current', 'old']);
  });

  it('can be zero, leaving only the optimistic unchoke', () => {
    const decision = round({ peers: [peer('a', 10), peer('b', 20)], slots: 0 });
    expect(decision.regular).toEqual([]);
    expect(decision.unchoked.size).toBe(1);
    expect(() => round({ peers: [], slots: -1 })).toThrow(RangeError);
  });
});

describe('uninterested peers (BEP 3)', () => {
  it('are unchoked without a slot when they beat the slowest slot holder', () => {
    const peers = [
      peer('a', 50),
      peer('b', 20),
      peer('fast', 30, { interested: false }),
      peer('slow', 10, { interested: false }),
      peer('seed', 99, { interested: false, isSeed: true }),
    ];
    const decision = round({ peers, slots: 2 });
    expect(decision.regular).toEqual(['a', 'b']);
    expect(decision.standby).toEqual(['fast']);
    expect(decision.unchoked.has('slow')).toBe(false);
    expect(decision.unchoked.has('seed')).toBe(false);
  });
});

describe('optimistic unchoke', () => {
  const crowd = () => [peer('a', 50), peer('b', 40), peer('c', 0), peer('d', 0), peer('e', 0)];

  it('is an interested peer outside the regular slots', () => {
    const decision = round({ peers: crowd(), slots: 2 });
    expect(['c', 'd', 'e']).toContain(decision.optimistic?.key);
    expect(decision.optimistic?.since).toBe(NOW);
    expect(decision.unchoked.size).toBe(3);
  });

  it('is kept until its 30 seconds are up, then moves to another peer', () => {
    const optimistic = { key: 'd', since: NOW - OPTIMISTIC_INTERVAL_MS + 1 };
    expect(round({ peers: crowd(), slots: 2, optimistic }).optimistic).toBe(optimistic);
    const expired = { key: 'd', since: NOW - OPTIMISTIC_INTERVAL_MS };
    for (let seed = 0; seed < 20; seed++) {
      const next = round({ peers: crowd(), slots: 2, optimistic: expired, random: seededRandom(seed) }).optimistic;
      expect(['c', 'e']).toContain(next?.key);
    }
  });

  it('is replaced when it leaves, loses interest or earns a regular slot', () => {
    const optimistic = { key: 'c', since: NOW - 1 };
    const gone = crowd().filter((p) => p.key !== 'c');
    expect(round({ peers: gone, slots: 2, optimistic }).optimistic?.key).not.toBe('c');
    const bored = crowd().map((p) => (p.key === 'c' ? { ...p, interested: false } : p));
    expect(round({ peers: bored, slots: 2, optimistic }).optimistic?.key).not.toBe('c');
    const promoted = crowd().map((p) => (p.key === 'c' ? { ...p, downloadRate: 100 } : p));
    const decision = round({ peers: promoted, slots: 2, optimistic });
    expect(decision.regular).toContain('c');
    expect(decision.optimistic?.key).not.toBe('c');
  });

  it('stays with the only candidate when there is no other', () => {
    const optimistic = { key: 'c', since: NOW - OPTIMISTIC_INTERVAL_MS };
    const decision = round({ peers: [peer('a', 9), peer('c', 0)], slots: 1, optimistic });
    expect(decision.optimistic).toEqual({ key: 'c', since: NOW });
  });

  it('is nobody when every interested peer has a regular slot', () => {
    expect(round({ peers: [peer('a', 1), peer('b', 2)] }).optimistic).toBeUndefined();
  });

  it('may go to a snubbed peer, which gets no regular slot', () => {
    const decision = round({ peers: [peer('a', 9), peer('s', 99, { snubbed: true })], slots: 1 });
    expect(decision.regular).toEqual(['a']);
    expect(decision.optimistic?.key).toBe('s');
  });

  it('picks a new peer three times as often as an old one', () => {
    const peers = [peer('old', 0), peer('new', 0, { connectedAt: NOW - 1_000 })];
    // Tickets: old holds 0, new holds 1..3 of four.
    expect(round({ peers, slots: 0, random: () => 0.2 }).optimistic?.key).toBe('old');
    expect(round({ peers, slots: 0, random: () => 0.3 }).optimistic?.key).toBe('new');
    const random = seededRandom(9);
    let newWins = 0;
    for (let draw = 0; draw < 4_000; draw++) {
      if (round({ peers, slots: 0, random }).optimistic?.key === 'new') newWins++;
    }
    expect(newWins / 4_000).toBeGreaterThan(0.72);
    expect(newWins / 4_000).toBeLessThan(0.78);
  });
});

describe('messages to send', () => {
  it('chokes the peers that lost their place and unchokes the new ones, nobody else', () => {
    const peers = [
      peer('keep', 50, { amChoking: false }),
      peer('gain', 40),
      peer('lose', 1, { amChoking: false }),
      peer('still', 0),
    ];
    const decision = round({ peers, slots: 2, optimistic: { key: 'still', since: NOW } });
    expect(decision.choke).toEqual(['lose']);
    expect(decision.unchoke).toEqual(['gain', 'still']);
  });
});

describe('choker properties', () => {
  const arbitraryPeer = fc.record({
    interested: fc.boolean(),
    amChoking: fc.boolean(),
    downloadRate: fc.nat(100),
    uploadRate: fc.nat(100),
    isSeed: fc.boolean(),
    snubbed: fc.boolean(),
    connectedAt: fc.integer({ min: NOW - 200_000, max: NOW }),
  });

  it('never unchokes more than slots + 1 interested peers and keeps its lists consistent', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryPeer, { maxLength: 12 }),
        fc.boolean(),
        fc.nat(5),
        fc.nat(),
        (shapes, seeding, slots, seed) => {
          const peers = shapes.map((shape, index) => ({ key: `p${index}`, ...shape }));
          const decision = choke({ peers, seeding, slots, now: NOW, random: seededRandom(seed) });
          const byKey = new Map(peers.map((p) => [p.key, p]));
          const interestedUnchoked = [...decision.unchoked].filter((key) => byKey.get(key)?.interested === true);
          expect(interestedUnchoked.length).toBeLessThanOrEqual(slots + 1);
          expect(decision.regular.length).toBeLessThanOrEqual(slots);
          for (const key of decision.regular) {
            const p = byKey.get(key);
            expect(p?.interested).toBe(true);
            expect(p?.isSeed).toBe(false);
            if (!seeding) expect(p?.snubbed).toBe(false);
          }
          const optimistic = decision.optimistic?.key;
          if (optimistic !== undefined) {
            expect(byKey.get(optimistic)?.interested).toBe(true);
            expect(decision.regular).not.toContain(optimistic);
          }
          // A message goes exactly to the peers whose state changes.
          for (const p of peers) {
            const willBeUnchoked = decision.unchoked.has(p.key);
            expect(decision.choke.includes(p.key)).toBe(!p.amChoking && !willBeUnchoked);
            expect(decision.unchoke.includes(p.key)).toBe(p.amChoking && willBeUnchoked);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
