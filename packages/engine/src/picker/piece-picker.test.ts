import { describe, expect, it } from '@jest/globals';
import { PiecePicker } from './piece-picker.js';
import { renderBlocks, renderPicks, renderStates, scenarioPeer, scenarioPicker } from './test-scenario.js';

const seed = scenarioPeer('s', '*');

describe('block lifecycle', () => {
  it('reports the piece complete when its last block arrives', () => {
    const picker = scenarioPicker({ blocks: 3, availability: '1', partial: { 0: 'R W a' } });
    expect(picker.blockReceived(0, 2, 'a')).toEqual({ accepted: true, cancel: [], pieceComplete: true });
    expect(renderBlocks(picker, 0)).toBe('R W R');
  });

  it('marks a verified piece had and its blocks written', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1', partial: { 0: 'R R' } });
    expect(picker.markHave(0)).toEqual([]);
    expect(renderStates(picker)).toBe('x .');
    expect(renderBlocks(picker, 0)).toBe('W W');
    expect(picker.has(0)).toBe(true);
    expect(picker.haveCount).toBe(1);
  });

  it('hands back the requests still in flight when a piece turns up complete anyway', () => {
    const picker = scenarioPicker({ blocks: 3, availability: '1', partial: { 0: 'R ab c' } });
    expect(picker.markHave(0)).toEqual([
      { block: 1, peer: 'a' },
      { block: 1, peer: 'b' },
      { block: 2, peer: 'c' },
    ]);
    expect(picker.markHave(0)).toEqual([]);
  });

  it('starts over on a piece that fails its hash check', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1', partial: { 0: 'R W' } });
    expect(picker.pieceFailed(0)).toEqual([]);
    expect(renderStates(picker)).toBe('.');
    expect(renderPicks(picker.pickBlocks(seed, 2))).toBe('0.0 0.1');
  });

  it('makes an aborted block pickable again, by the same or another peer', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1', partial: { 0: 'R a' } });
    picker.abortRequest(0, 1, 'a');
    expect(renderBlocks(picker, 0)).toBe('R .');
    expect(renderPicks(picker.pickBlocks(scenarioPeer('b', '*'), 2))).toBe('0.1');
  });

  it('returns an untouched piece to not-started when its last request is aborted', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1', partial: { 0: 'a a' } });
    picker.abortRequest(0, 0, 'a');
    expect(renderStates(picker)).toBe('p');
    picker.abortRequest(0, 1, 'a');
    expect(renderStates(picker)).toBe('.');
  });

  it('ignores an abort from a peer that was not asked', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1', partial: { 0: 'a .' } });
    picker.abortRequest(0, 0, 'z');
    picker.abortRequest(0, 1, 'a');
    expect(renderBlocks(picker, 0)).toBe('a .');
  });

  it('takes a late block nobody is waiting for, and rejects duplicates and skipped pieces', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1 1', have: '. . x', priority: '4 0 4' });
    expect(picker.blockReceived(0, 1, 'a').accepted).toBe(true);
    expect(renderBlocks(picker, 0)).toBe('. R');
    expect(picker.blockReceived(0, 1, 'b').accepted).toBe(false);
    expect(picker.blockReceived(1, 0, 'a').accepted).toBe(false);
    expect(picker.blockReceived(2, 0, 'a').accepted).toBe(false);
    picker.checkInvariants();
  });

  it('writes only received blocks', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1', partial: { 0: 'R a' } });
    expect(picker.blockWritten(0, 0)).toBe(true);
    expect(picker.blockWritten(0, 1)).toBe(false);
    expect(renderBlocks(picker, 0)).toBe('W a');
  });

  it('will not mark a block of a had piece or a received block as requested', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1', have: 'x .', partial: { 1: 'R .' } });
    expect(picker.markRequested(0, 0, 'a')).toBe(false);
    expect(picker.markRequested(1, 0, 'a')).toBe(false);
    expect(picker.markRequested(1, 1, 'a')).toBe(true);
    expect(renderBlocks(picker, 1)).toBe('R a');
  });
});

describe('endgame', () => {
  const endgame = (): PiecePicker =>
    scenarioPicker({ blocks: 3, availability: '2 2 2', have: 'x . .', partial: { 1: 'R a a', 2: 'a b R' } });

  it('starts once every missing block is requested or received', () => {
    const picker = scenarioPicker({ blocks: 2, availability: '1 1', partial: { 0: 'a R' } });
    expect(picker.inEndgame).toBe(false);
    picker.pickBlocks(scenarioPeer('a', '*'), 2);
    expect(picker.inEndgame).toBe(true);
  });

  it('hands out blocks already requested from others, least-requested first', () => {
    const picker = endgame();
    expect(picker.inEndgame).toBe(true);
    expect(renderPicks(picker.pickBlocks(scenarioPeer('c', '*'), 10))).toBe('1.1 1.2 2.0 2.1');
    expect(renderBlocks(picker, 2)).toBe('ac bc R');
  });

  it('never gives a peer a block it was already asked for', () => {
    const picker = endgame();
    expect(renderPicks(picker.pickBlocks(scenarioPeer('a', '*'), 10))).toBe('2.1');
  });

  it('caps the requesters of one block', () => {
    const picker = endgame();
    picker.pickBlocks(scenarioPeer('c', '*'), 10);
    expect(picker.pickBlocks(scenarioPeer('d', '*'), 10)).toEqual([]);
  });

  it('allows more duplicates when configured', () => {
    const picker = scenarioPicker({
      blocks: 1,
      availability: '1',
      partial: { 0: 'a' },
      options: { endgameMaxRequesters: 3 },
    });
    picker.pickBlocks(scenarioPeer('b', '*'), 1);
    picker.pickBlocks(scenarioPeer('c', '*'), 1);
    expect(picker.pickBlocks(scenarioPeer('d', '*'), 1)).toEqual([]);
    expect(picker.requesters(0, 0)).toEqual(['a', 'b', 'c']);
  });

  it('tells which other peers to cancel when the block arrives', () => {
    const picker = endgame();
    picker.pickBlocks(scenarioPeer('c', '*'), 10);
    expect(picker.blockReceived(2, 0, 'c')).toEqual({ accepted: true, cancel: ['a'], pieceComplete: false });
    expect(picker.blockReceived(2, 0, 'a').accepted).toBe(false);
  });

  it('only duplicates blocks of pieces the peer has', () => {
    const picker = endgame();
    expect(renderPicks(picker.pickBlocks(scenarioPeer('c', '. x .'), 10))).toBe('1.1 1.2');
  });

  it('ends when a block goes back to nobody', () => {
    const picker = endgame();
    picker.abortRequest(1, 1, 'a');
    expect(picker.inEndgame).toBe(false);
    expect(renderPicks(picker.pickBlocks(scenarioPeer('c', '*'), 1))).toBe('1.1');
  });
});

describe('availability', () => {
  it('counts bitfields, HAVEs and seeds', () => {
    const picker = new PiecePicker({ pieceCount: 10, blocksInPiece: () => 1 });
    picker.peerBitfield(Uint8Array.of(0b1010_0000, 0b0100_0000));
    picker.peerHasPiece(2);
    picker.peerHasAll();
    const counts = Array.from({ length: 10 }, (_, piece) => picker.availability(piece));
    expect(counts).toEqual([2, 1, 3, 1, 1, 1, 1, 1, 1, 2]);
    picker.peerLeftAll();
    picker.peerLeft(Uint8Array.of(0b1010_0000, 0b0100_0000));
    expect(Array.from({ length: 10 }, (_, piece) => picker.availability(piece))).toEqual([
      0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
    ]);
    picker.checkInvariants();
  });

  it('ignores spare bits past the last piece', () => {
    const picker = new PiecePicker({ pieceCount: 3, blocksInPiece: () => 1 });
    picker.peerBitfield(Uint8Array.of(0xff, 0xff));
    expect([0, 1, 2].map((piece) => picker.availability(piece))).toEqual([1, 1, 1]);
  });

  it('refuses a departure that was never counted, changing nothing', () => {
    const picker = new PiecePicker({ pieceCount: 2, blocksInPiece: () => 1 });
    picker.peerHasPiece(0);
    expect(() => picker.peerLeft(Uint8Array.of(0b1100_0000))).toThrow(RangeError);
    expect(picker.availability(0)).toBe(1);
    expect(() => picker.peerLeftAll()).toThrow(RangeError);
  });
});

describe('progress queries', () => {
  it('is finished when every wanted piece is had, and a seed when every piece is', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 1', have: 'x . x', priority: '4 0 4' });
    expect(picker.isFinished).toBe(true);
    expect(picker.isSeed).toBe(false);
    expect(picker.inEndgame).toBe(false);
    picker.markHave(1);
    expect(picker.isSeed).toBe(true);
  });

  it('knows whether a peer has something we want', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '1 1 1', have: 'x . .', priority: '4 0 4' });
    expect(picker.isInteresting(scenarioPeer('a', 'x x .'))).toBe(false);
    expect(picker.isInteresting(scenarioPeer('a', '. . x'))).toBe(true);
    expect(picker.isInteresting(scenarioPeer('a', '*'))).toBe(true);
    expect([0, 1, 2].map((piece) => picker.wants(piece))).toEqual([false, false, true]);
  });

  it('writes our pieces as a BITFIELD payload', () => {
    const picker = scenarioPicker({ blocks: 1, availability: '0 0 0 0 0 0 0 0 0', have: 'x . . . . . . x x' });
    expect(picker.haveBitfield()).toEqual(Uint8Array.of(0b1000_0001, 0b1000_0000));
  });
});
