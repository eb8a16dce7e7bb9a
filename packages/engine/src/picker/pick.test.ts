import { describe, expect, it } from '@jest/globals';
import { PiecePicker } from './piece-picker.js';
import { seededRandom } from './random.js';
import {
  pickedPieces,
  renderBlocks,
  renderPicks,
  renderStates,
  scenarioPeer,
  scenarioPicker,
} from './test-scenario.js';

const seed = scenarioPeer('s', '*');

describe('rarest first', () => {
  it('starts the piece the fewest peers have', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '3 1 2 4' });
    expect(renderPicks(picker.pickBlocks(seed, 2))).toBe('1.0 1.1');
    expect(renderStates(picker)).toBe('. p . .');
  });

  it('moves on to the next rarest pieces once the rarest is handed out', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '3 1 2 4' });
    expect(pickedPieces(picker.pickBlocks(seed, 6))).toEqual([1, 2, 0]);
  });

  it('sees availability change with HAVE messages and departures', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 2 2' });
    picker.peerHasPiece(0);
    picker.peerHasPiece(0);
    const leaving = Uint8Array.of(0b0100_0000);
    picker.peerLeft(leaving);
    expect(picker.availability(1)).toBe(1);
    expect(renderPicks(picker.pickBlocks(seed, 1))).toBe('1.0');
  });

  it('counts seeds apart: pieces only seeds have go to seeds, first', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '0 2 1', seeds: 1 });
    expect(picker.availability(0)).toBe(1);
    expect(renderPicks(picker.pickBlocks(scenarioPeer('p', '. x x'), 1))).toBe('2.0');
    expect(renderPicks(picker.pickBlocks(seed, 1))).toBe('0.0');
  });

  it('breaks ties at random, reproducibly for a given seed', () => {
    const firstPick = (seedValue: number): number => {
      const picker = scenarioPicker({ blocks: 1, availability: '1 1 1 1 1 1 1 1', seed: seedValue });
      return picker.pickBlocks(seed, 1)[0]?.piece ?? -1;
    };
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    expect(new Set(seeds.map(firstPick)).size).toBeGreaterThan(1);
    expect(seeds.map(firstPick)).toEqual(seeds.map(firstPick));
  });

  it('continues from the last piece it started while the next one is just as rare (extent affinity)', () => {
    for (const seedValue of [1, 2, 3, 4, 5]) {
      const picker = scenarioPicker({ blocks: 1, availability: '1 1 1 1 1 1 1 1 1 1 1 1', seed: seedValue });
      const order = Array.from({ length: 12 }, () => picker.pickBlocks(seed, 1)[0]?.piece ?? -1);
      expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      // From a random start to the last piece in order; only the wrap-around starts a new run.
      const start = order[0] ?? 0;
      expect(order.slice(0, 12 - start)).toEqual(Array.from({ length: 12 - start }, (_, i) => start + i));
    }
  });

  it('breaks a run where the next piece is rarer or more common', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 2 1', seed: 1 });
    const first = picker.pickBlocks(seed, 1)[0]?.piece;
    const picks = [first, ...Array.from({ length: 3 }, () => picker.pickBlocks(seed, 1)[0]?.piece)];
    // Piece 2 (held by two peers) comes last, after every piece held by one.
    expect(picks.at(-1)).toBe(2);
  });

  it('never picks a piece the peer lacks, one we have, or a skipped one', () => {
    const picker = scenarioPicker({
      blocks: 2,
      availability: '1 1 1 1 1',
      have: '. x . . .',
      priority: '4 4 0 4 4',
    });
    const peer = scenarioPeer('a', 'x x x . x');
    expect(pickedPieces(picker.pickBlocks(peer, 10)).sort()).toEqual([0, 4]);
    expect(picker.pickBlocks(peer, 10)).toEqual([]);
  });

  it('returns nothing when asked for nothing', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1' });
    expect(picker.pickBlocks(seed, 0)).toEqual([]);
    expect(renderStates(picker)).toBe('. .');
  });
});

describe('partial pieces first', () => {
  it('finishes a started piece before starting a rarer one', () => {
    const picker = scenarioPicker({
      blocks: 4,
      availability: '5 1 2',
      partial: { 0: 'R b . .' },
    });
    expect(renderPicks(picker.pickBlocks(scenarioPeer('a', '*'), 3))).toBe('0.2 0.3 1.0');
    expect(renderBlocks(picker, 0)).toBe('R b a a');
  });

  it('takes partial pieces oldest first', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1 1' });
    picker.markRequested(2, 0, 'b');
    picker.markRequested(0, 0, 'b');
    expect(renderPicks(picker.pickBlocks(seed, 2))).toBe('2.1 0.1');
  });

  it('skips partial pieces the peer does not have', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1', partial: { 0: 'b .' } });
    expect(renderPicks(picker.pickBlocks(scenarioPeer('a', '. x'), 4))).toBe('1.0 1.1');
  });
});

describe('pieces the caller has room for (canStart)', () => {
  it('asks before starting each piece; after the first no it starts none, but still takes partial pieces', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 2 3 4', partial: { 3: 'b .' } });
    const asked: number[] = [];
    const roomFor = (pieces: number) => (piece: number): boolean => {
      asked.push(piece);
      return asked.length <= pieces;
    };
    expect(renderPicks(picker.pickBlocks(seed, 8, { canStart: roomFor(1) }))).toBe('3.1 0.0 0.1');
    expect(asked).toEqual([0, 1]);
    expect(renderStates(picker)).toBe('p . . p');
    picker.checkInvariants();
  });

  it('is asked in sequential mode and for allowed-fast pieces too', () => {
    const sequential = scenarioPicker({ blocks: 1, availability: '1 1 1', options: { sequential: true } });
    expect(renderPicks(sequential.pickBlocks(seed, 3, { canStart: (piece) => piece < 1 }))).toBe('0.0');
    const fast = scenarioPicker({ blocks: 1, availability: '1 1 1' });
    const choking = scenarioPeer('a', '*', { choking: true, allowedFast: new Set([1, 2]) });
    expect(fast.pickBlocks(choking, 2, { canStart: () => false })).toEqual([]);
    expect(renderStates(fast)).toBe('. . .');
  });
});

describe('endgame', () => {
  it('hands out blocks already asked of another peer once nothing is free, unless the pick says no endgame', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1' });
    expect(renderPicks(picker.pickBlocks(scenarioPeer('a', '*'), 2))).toBe('0.0 0.1');
    expect(picker.pickBlocks(scenarioPeer('b', '*'), 2, { endgame: false })).toEqual([]);
    expect(renderPicks(picker.pickBlocks(scenarioPeer('b', '*'), 2))).toBe('0.0 0.1');
  });
});

describe('priorities', () => {
  it('serves a higher priority level first, whatever the availability', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '0 9 0', priority: '1 7 4' });
    expect(renderPicks(picker.pickBlocks(seed, 3))).toBe('1.0 2.0 0.0');
  });

  it('ranks a partial piece below the new pieces of a higher level', () => {
    const picker = scenarioPicker({
      blocks: 2,
      availability: '1 1',
      partial: { 0: 'b .' },
      priority: '2 6',
    });
    expect(renderPicks(picker.pickBlocks(seed, 3))).toBe('1.0 1.1 0.1');
  });

  it('keeps a partial piece when it is skipped, but picks no more of it', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1', partial: { 0: 'R .' } });
    picker.setPiecePriority(0, 0);
    expect(renderStates(picker)).toBe('p .');
    expect(pickedPieces(picker.pickBlocks(seed, 4))).toEqual([1]);
    picker.setPiecePriority(0, 4);
    expect(renderPicks(picker.pickBlocks(seed, 4))).toBe('0.1');
    picker.checkInvariants();
  });

  it('moves a skipped piece in and out of the wanted set', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1', priority: '0 4' });
    expect(renderStates(picker)).toBe('- .');
    expect(picker.wants(0)).toBe(false);
    picker.setPiecePriority(0, 7);
    expect(renderStates(picker)).toBe('. .');
    expect(renderPicks(picker.pickBlocks(seed, 1))).toBe('0.0');
  });

  it('rejects priorities outside 0..7', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1' });
    expect(() => picker.setPiecePriority(0, 8 as never)).toThrow(RangeError);
    expect(() => picker.setPiecePriorities([1, 2])).toThrow(RangeError);
  });
});

describe('sequential mode', () => {
  it('picks the lowest missing index first, ignoring availability', () => {
    const picker = scenarioPicker({
      blocks: 2,
      availability: '1 9 9 1',
      have: 'x . . .',
      options: { sequential: true },
    });
    expect(renderPicks(picker.pickBlocks(seed, 3))).toBe('1.0 1.1 2.0');
  });

  it('still honours priorities and skips', () => {
    const picker = scenarioPicker({
      blocks: 1,
      availability: '1 1 1 1',
      priority: '0 4 4 7',
      options: { sequential: true },
    });
    expect(renderPicks(picker.pickBlocks(seed, 4))).toBe('3.0 1.0 2.0');
  });

  it('can be switched on for a running picker', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '3 2 1' });
    picker.sequential = true;
    expect(renderPicks(picker.pickBlocks(seed, 1))).toBe('0.0');
  });

  it('goes back to a piece that failed after the cursor passed it', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1', options: { sequential: true } });
    picker.markHave(0);
    expect(renderPicks(picker.pickBlocks(seed, 1))).toBe('1.0');
    picker.pieceFailed(0);
    expect(renderPicks(picker.pickBlocks(seed, 1))).toBe('0.0');
    picker.checkInvariants();
  });
});

describe('allowed fast (BEP 6)', () => {
  it('only picks allowed-fast pieces while the peer chokes us', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1 1 1' });
    const choking = scenarioPeer('a', 'x x x .', { choking: true, allowedFast: new Set([2, 3, 99]) });
    expect(renderPicks(picker.pickBlocks(choking, 4))).toBe('2.0 2.1');
  });

  it('picks nothing from a choking peer that allows nothing', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1' });
    expect(picker.pickBlocks(scenarioPeer('a', '*', { choking: true }), 4)).toEqual([]);
  });

  it('prefers a partial allowed-fast piece, then the rarer one', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 3 2', partial: { 1: 'b .' } });
    const choking = scenarioPeer('a', '*', { choking: true, allowedFast: new Set([0, 1, 2]) });
    expect(renderPicks(picker.pickBlocks(choking, 3))).toBe('1.1 0.0 0.1');
  });
});

describe('geometry', () => {
  it('accepts the metainfo spelling and a short last piece', () => {
    const picker = new PiecePicker(
      { pieceCount: 3, blockCount: (piece) => (piece === 2 ? 1 : 4) },
      { random: seededRandom(3), sequential: true },
    );
    expect(picker.blockCount(2)).toBe(1);
    expect(picker.pickBlocks(seed, 9).filter(({ piece }) => piece === 2)).toEqual([{ piece: 2, block: 0 }]);
  });

  it('rejects pieces without blocks and out-of-range indices', () => {
    expect(() => new PiecePicker({ pieceCount: 2, blocksInPiece: () => 0 })).toThrow(RangeError);
    const picker = new PiecePicker({ pieceCount: 2, blocksInPiece: () => 2 });
    expect(() => picker.peerHasPiece(2)).toThrow(RangeError);
    expect(() => picker.blockReceived(0, 2, 'a')).toThrow(RangeError);
  });
});
