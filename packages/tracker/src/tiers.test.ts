import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { keepOrder, seededRandom } from './testing/random.js';
import { TierList } from './tiers.js';

const a = 'http://a.example/announce';
const b = 'udp://b.example:1/announce';
const c = 'https://c.example/announce';
const d = 'http://d.example/announce';

describe('TierList (BEP 12)', () => {
  test('tries trackers tier by tier, in order within a tier', () => {
    const list = new TierList([[a, b], [c], [d]], keepOrder);
    expect(list.order()).toEqual([
      { url: a, tier: 0 },
      { url: b, tier: 0 },
      { url: c, tier: 1 },
      { url: d, tier: 2 },
    ]);
  });

  test('a torrent with only `announce` is one tier of one tracker', () => {
    expect(new TierList([[a]]).order()).toEqual([{ url: a, tier: 0 }]);
  });

  test('shuffles within tiers only, never across them', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const list = new TierList([[a, b, c], [d]], seededRandom(seed));
        const tiers = list.tiers();
        expect([...tiers[0]!].sort()).toEqual([a, b, c].sort());
        expect(tiers[1]).toEqual([d]);
      }),
      { numRuns: 200 },
    );
  });

  test('the shuffle depends on the random source (some seeds reorder a tier)', () => {
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => new TierList([[a, b, c]], seededRandom(seed)).tiers()[0]!.join(' ')));
    expect(orders.size).toBeGreaterThan(1);
  });

  test('promote moves an answering tracker to the front of its own tier', () => {
    const list = new TierList([[a, b, c], [d]], keepOrder);
    list.promote(c);
    list.promote(d);
    expect(list.tiers()).toEqual([[c, a, b], [d]]);
  });

  test('order() is a snapshot that a promotion during iteration does not disturb', () => {
    const list = new TierList([[a, b, c]], keepOrder);
    const seen: string[] = [];
    for (const slot of list.order()) {
      seen.push(slot.url);
      list.promote(slot.url);
    }
    expect(seen).toEqual([a, b, c]);
    expect(list.tiers()).toEqual([[c, b, a]]);
  });

  test('drops duplicates and unsupported URLs, and says which were unsupported', () => {
    const list = new TierList([['wss://w.example/announce', a, a], [a, 'nonsense'], [b]], keepOrder);
    expect(list.tiers()).toEqual([[a], [b]]);
    expect(list.unsupported).toEqual(['wss://w.example/announce', 'nonsense']);
    expect(list.size).toBe(2);
  });
});
