import { describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE } from '@typetorrent/metainfo';
import { ManualClock } from '../testing/manual-clock.js';
import { blocksOf, UploadTurns } from './upload-turns.js';

describe('UploadTurns', () => {
  it('gives each loop turn its blocks again from a timer, and wakes the waiting peers in the order they asked', () => {
    const clock = new ManualClock();
    const turns = new UploadTurns({ clock, blocksPerTurn: 4 });
    const woken: string[] = [];
    turns.take(3);
    turns.take(1);
    expect(turns.left).toBe(0);
    turns.wait(() => woken.push('a'));
    turns.wait(() => {
      woken.push('b');
      turns.take(2);
    });
    expect(woken).toEqual([]);
    // A timer: the turn ends once the loop has run its other phases (nothing runs synchronously).
    clock.advance(1);
    expect(woken).toEqual(['a', 'b']);
    expect(turns.left).toBe(2);
    expect(turns.waiting).toBe(0);
  });

  it('stops waking once a woken peer used the turn up; the rest keep their place for the next', () => {
    const clock = new ManualClock();
    const turns = new UploadTurns({ clock, blocksPerTurn: 2 });
    const woken: string[] = [];
    turns.take(2);
    for (const name of ['a', 'b', 'c']) {
      turns.wait(() => {
        woken.push(name);
        turns.take(2);
      });
    }
    clock.advance(1);
    expect(woken).toEqual(['a']);
    expect(turns.waiting).toBe(2);
    clock.advance(1);
    expect(woken).toEqual(['a', 'b']);
    clock.advance(1);
    expect(woken).toEqual(['a', 'b', 'c']);
  });

  it('forgets a peer that left', () => {
    const clock = new ManualClock();
    const turns = new UploadTurns({ clock, blocksPerTurn: 1 });
    let woken = false;
    const wake = (): void => {
      woken = true;
    };
    turns.take(1);
    turns.wait(wake);
    turns.cancel(wake);
    clock.advance(1);
    expect(woken).toBe(false);
  });

  it('counts a read by its blocks, a short last block as one', () => {
    expect(blocksOf(BLOCK_SIZE)).toBe(1);
    expect(blocksOf(8 * BLOCK_SIZE)).toBe(8);
    expect(blocksOf(100)).toBe(1);
    expect(blocksOf(2 * BLOCK_SIZE + 1)).toBe(3);
  });

  it('refuses a budget below one block', () => {
    expect(() => new UploadTurns({ clock: new ManualClock(), blocksPerTurn: 0 })).toThrow(/positive integer/);
  });
});
