import { describe, expect, it } from '@jest/globals';
import { pickedPieces, renderPicks, renderStates, scenarioPeer, scenarioPicker } from './test-scenario.js';

const seed = scenarioPeer('s', '*');

describe('the priority range (streaming)', () => {
  it('hands out the range first, lowest index first, before higher priority levels and rarer pieces', () => {
    // Piece 1 is the rarest and piece 5 is at priority 7: the range 3..4 still goes first.
    const picker = scenarioPicker({ blocks: 2, availability: '3 1 3 3 3 3', priority: '4 4 4 4 4 7' });
    picker.setPriorityRange(3, 4);
    expect(renderPicks(picker.pickBlocks(seed, 4))).toBe('3.0 3.1 4.0 4.1');
    expect(pickedPieces(picker.pickBlocks(seed, 2))).toEqual([5]);
    picker.checkInvariants();
  });

  it('keeps the order of the range in sequential mode too', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 1 1 1', options: { sequential: true } });
    picker.setPriorityRange(2, 3);
    expect(renderPicks(picker.pickBlocks(seed, 5))).toBe('2.0 3.0 0.0 1.0 4.0');
  });

  it('fills free blocks of partial pieces of the range and skips pieces the peer lacks', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1 1 1', partial: { 1: 'a .' } });
    picker.setPriorityRange(0, 2);
    const peer = scenarioPeer('b', '. x x x');
    expect(renderPicks(picker.pickBlocks(peer, 3))).toBe('1.1 2.0 2.1');
  });

  it('replaces an earlier range and leaves piece priorities as they were', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 1 1 1 1', priority: '4 4 2 4 4 4' });
    picker.setPriorityRange(0, 1);
    picker.setPriorityRange(4, 5);
    expect(picker.priorityRange).toEqual({ first: 4, last: 5 });
    expect(renderPicks(picker.pickBlocks(seed, 2))).toBe('4.0 5.0');
    expect([0, 1, 2, 3, 4, 5].map((piece) => picker.piecePriority(piece))).toEqual([4, 4, 2, 4, 4, 4]);
  });

  it('never picks a skipped (priority 0) piece inside the range', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 1', priority: '4 0 4' });
    picker.setPriorityRange(0, 2);
    expect(renderPicks(picker.pickBlocks(seed, 3))).toBe('0.0 2.0');
    expect(renderStates(picker)).toBe('p - p');
  });

  it('ends by itself once every piece of it is had', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 1 1' });
    picker.setPriorityRange(1, 2);
    for (const { piece, block } of picker.pickBlocks(seed, 2)) {
      picker.blockReceived(piece, block, 's');
      picker.markHave(piece);
    }
    expect(picker.priorityRange).toBeUndefined();
    picker.checkInvariants();
  });

  it('goes back to the ordinary order when cleared', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 1 1', options: { sequential: true } });
    picker.setPriorityRange(2, 3);
    picker.clearPriorityRange();
    expect(picker.priorityRange).toBeUndefined();
    expect(renderPicks(picker.pickBlocks(seed, 4))).toBe('0.0 1.0 2.0 3.0');
  });

  it('takes up again a piece of the range that a recheck found bad', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 1 1', have: '. x . .' });
    picker.setPriorityRange(1, 2);
    expect(renderPicks(picker.pickBlocks(seed, 1))).toBe('2.0');
    picker.pieceFailed(1);
    expect(renderPicks(picker.pickBlocks(seed, 1))).toBe('1.0');
  });

  it('leaves a choked peer to its allowed-fast pieces', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 1' });
    picker.setPriorityRange(0, 1);
    const choked = scenarioPeer('c', '*', { choking: true, allowedFast: new Set([2]) });
    expect(renderPicks(picker.pickBlocks(choked, 3))).toBe('2.0');
  });

  it('rejects a range outside the torrent or backwards', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1' });
    expect(() => picker.setPriorityRange(0, 2)).toThrow(RangeError);
    expect(() => picker.setPriorityRange(1, 0)).toThrow(RangeError);
  });
});
