import { describe, expect, it } from '@jest/globals';
import { piecePrioritiesFromFiles } from './priorities.js';

describe('piecePrioritiesFromFiles', () => {
  it('gives each piece its file priority', () => {
    const ranges = [
      { first: 0, last: 1 },
      { first: 2, last: 4 },
    ];
    expect([...piecePrioritiesFromFiles(5, ranges, [7, 1])]).toEqual([7, 7, 1, 1, 1]);
  });

  it('lets a wanted file win the piece it shares with a skipped one', () => {
    const ranges = [
      { first: 0, last: 2 },
      { first: 2, last: 3 },
      { first: 3, last: 5 },
    ];
    expect([...piecePrioritiesFromFiles(6, ranges, [0, 4, 0])]).toEqual([0, 0, 4, 4, 0, 0]);
  });

  it('ignores empty files and leaves pieces without a file skipped', () => {
    const ranges = [{ first: 1, last: 0 }, undefined, { first: 1, last: 1 }];
    expect([...piecePrioritiesFromFiles(3, ranges, [7, 7, 2])]).toEqual([0, 2, 0]);
  });

  it('rejects mismatched lists, bad priorities and ranges outside the torrent', () => {
    expect(() => piecePrioritiesFromFiles(2, [{ first: 0, last: 1 }], [])).toThrow(RangeError);
    expect(() => piecePrioritiesFromFiles(2, [{ first: 0, last: 1 }], [9])).toThrow(RangeError);
    expect(() => piecePrioritiesFromFiles(2, [{ first: 0, last: 2 }], [1])).toThrow(RangeError);
  });
});
