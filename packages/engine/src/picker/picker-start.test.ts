// A picker built in its final state (PiecePickerOptions.start) behaves as one built empty and then
// given its priorities and verified pieces, and a seed built that way holds none of the download
// structures until it needs them (issue 17).
import { describe, expect, it } from '@jest/globals';
import { PiecePicker } from './piece-picker.js';
import { seededRandom } from './random.js';
import { renderPicks, renderStates, scenarioPeer } from './test-scenario.js';

const geometry = { pieceCount: 10, blocksInPiece: (piece: number) => (piece === 9 ? 1 : 2) };
const have = new Set([0, 3, 4, 8]);
const priorities = [4, 4, 0, 7, 4, 1, 1, 0, 4, 4];

/** Internals a seed should not have allocated. */
function downloadStructures(picker: PiecePicker): { queues: number; positions: number; availability: number; partialMapIsShared: boolean } {
  const state = picker['state'];
  return {
    queues: state.queues.filter((queue) => queue !== undefined).length,
    positions: state.positions.length,
    availability: state.availability.length,
    partialMapIsShared: state.downloading.size === 0 && Object.getPrototypeOf(state.downloading) !== Map.prototype,
  };
}

describe('PiecePicker built from a start state', () => {
  it('is in the same state, and picks the same blocks (order within a bucket aside), as one given the same facts one by one', () => {
    const started = new PiecePicker(geometry, { random: seededRandom(3), start: { have, priorities } });
    const stepped = new PiecePicker(geometry, { random: seededRandom(3) });
    stepped.setPiecePriorities(priorities);
    for (const piece of have) stepped.markHave(piece);
    started.checkInvariants();
    expect(renderStates(started)).toBe(renderStates(stepped));
    expect([started.haveCount, started.isFinished, started.isSeed]).toEqual([stepped.haveCount, stepped.isFinished, stepped.isSeed]);
    expect(started.haveBitfield()).toEqual(stepped.haveBitfield());
    expect(Array.from({ length: 10 }, (_, piece) => started.piecePriority(piece))).toEqual(priorities);
    const peer = scenarioPeer('a', '*');
    // Pieces of one level and availability sit in the queue in the order they entered it (random offset within).
    const sorted = (picks: string): string => picks.split(' ').sort().join(' ');
    expect(sorted(renderPicks(started.pickBlocks(peer, 6)))).toBe(sorted(renderPicks(stepped.pickBlocks(peer, 6))));
    started.checkInvariants();
  });

  it('refuses priorities of the wrong count or range', () => {
    expect(() => new PiecePicker(geometry, { start: { priorities: [4] } })).toThrow(RangeError);
    expect(() => new PiecePicker(geometry, { start: { priorities: new Array<number>(10).fill(8) } })).toThrow(RangeError);
  });

  it('as a seed holds no queues, positions, availability counts or partial-piece map', () => {
    const seed = new PiecePicker(geometry, { start: { have: { has: () => true } } });
    expect([seed.isSeed, seed.isFinished, seed.haveCount]).toEqual([true, true, 10]);
    expect(seed.haveBitfield()).toEqual(Uint8Array.of(0xff, 0b1100_0000));
    expect(downloadStructures(seed)).toEqual({ queues: 0, positions: 0, availability: 0, partialMapIsShared: true });
    seed.checkInvariants();
  });

  it('a seed counts the pieces of a peer that connects, and downloads again a piece a recheck lost', () => {
    const seed = new PiecePicker(geometry, { random: seededRandom(1), start: { have: { has: () => true } } });
    seed.peerBitfield(Uint8Array.of(0b0010_0000, 0));
    seed.peerHasPiece(2);
    expect(seed.availability(2)).toBe(2);
    expect(seed.pieceFailed(2)).toEqual([]);
    expect([seed.isSeed, seed.isFinished, seed.wants(2)]).toEqual([false, false, true]);
    expect(renderPicks(seed.pickBlocks(scenarioPeer('a', '. . x . . . . . . .'), 4))).toBe('2.0 2.1');
    seed.checkInvariants();
    expect(seed.blockReceived(2, 0, 'a').accepted).toBe(true);
    expect(seed.blockReceived(2, 1, 'a').pieceComplete).toBe(true);
    expect(seed.markHave(2)).toEqual([]);
    expect(seed.isSeed).toBe(true);
    seed.checkInvariants();
  });

  it('a finished torrent with skipped pieces downloads them once their priority is raised', () => {
    const picker = new PiecePicker(geometry, { start: { have: { has: (piece) => piece !== 7 }, priorities: [4, 4, 4, 4, 4, 4, 4, 0, 4, 4] } });
    expect([picker.isFinished, picker.isSeed]).toEqual([true, false]);
    expect(downloadStructures(picker).queues).toBe(0);
    picker.setPiecePriority(7, 4);
    expect(picker.isFinished).toBe(false);
    expect(renderPicks(picker.pickBlocks(scenarioPeer('a', '*'), 4))).toBe('7.0 7.1');
    picker.checkInvariants();
  });
});
