import { describe, expect, it } from '@jest/globals';
import { shareSlots } from './slot-share.js';

describe('shareSlots', () => {
  it('gives every torrent what it wants, up to its own cap, when the session has enough', () => {
    expect(shareSlots([2, 0, 9], 20, 5, 0)).toEqual({ shares: [2, 0, 5], next: 0 });
    expect(shareSlots([3, 3], Number.POSITIVE_INFINITY, 5, 1)).toEqual({ shares: [3, 3], next: 1 });
  });

  it('splits scarce slots evenly among the torrents with demand; one with none gets none', () => {
    const { shares } = shareSlots([10, 0, 10, 1], 8, 5, 0);
    expect(shares).toEqual([4, 0, 3, 1]);
  });

  it('with fewer slots than torrents, deals one each from `start` and says where the next deal starts', () => {
    expect(shareSlots([1, 1, 1, 1, 1], 2, 5, 3)).toEqual({ shares: [0, 0, 0, 1, 1], next: 0 });
    expect(shareSlots([1, 1, 1, 1, 1], 2, 5, 0)).toEqual({ shares: [1, 1, 0, 0, 0], next: 2 });
  });

  it('every torrent with demand gets a turn over successive rounds', () => {
    const demands = [3, 0, 1, 2, 0, 5, 1];
    const turns = demands.map(() => 0);
    let start = 0;
    for (let round = 0; round < 5; round++) {
      const { shares, next } = shareSlots(demands, 2, 5, start);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(2);
      shares.forEach((share, i) => (turns[i] = (turns[i] ?? 0) + share));
      start = next;
    }
    expect(turns.map((t) => t > 0)).toEqual(demands.map((d) => d > 0));
  });

  it('no slots, or nobody wanting any: all shares are 0', () => {
    expect(shareSlots([4, 4], 0, 5, 0).shares).toEqual([0, 0]);
    expect(shareSlots([0, 0], 8, 5, 0).shares).toEqual([0, 0]);
    expect(shareSlots([], 8, 5, 0)).toEqual({ shares: [], next: 0 });
  });
});
