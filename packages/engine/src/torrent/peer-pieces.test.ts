import { describe, expect, it } from '@jest/globals';
import { Bitfield } from '@typetorrent/peer-wire';
import { MAX_EARLY_ANNOUNCEMENTS, PeerPieces } from './peer-pieces.js';

describe('PeerPieces', () => {
  it('knows no pieces and has none until the piece count is known', () => {
    const pieces = new PeerPieces();
    expect([pieces.known, pieces.has(0), pieces.isSeed, pieces.count()]).toEqual([false, false, false, 0]);
    pieces.learnPieceCount(8);
    expect([pieces.known, pieces.bits?.pieceCount, pieces.count()]).toEqual([true, 8, 0]);
  });

  it('hands back what was kept early, in the order it came, once', () => {
    const pieces = new PeerPieces();
    expect(pieces.keep({ type: 'have-none' })).toBe(true);
    expect(pieces.keep({ type: 'have', index: 3 })).toBe(true);
    expect(pieces.learnPieceCount(8)).toEqual([{ type: 'have-none' }, { type: 'have', index: 3 }]);
    expect(pieces.learnPieceCount(8)).toEqual([]);
  });

  it('keeps nothing once the piece count is known (announcements are applied instead)', () => {
    const pieces = new PeerPieces();
    pieces.learnPieceCount(8);
    expect(pieces.keep({ type: 'have', index: 1 })).toBe(true);
    expect(pieces.has(1)).toBe(false);
    expect(pieces.learnPieceCount(8)).toEqual([]);
  });

  it(`refuses the announcement past ${MAX_EARLY_ANNOUNCEMENTS} and keeps the ones before it`, () => {
    const pieces = new PeerPieces();
    for (let i = 0; i < MAX_EARLY_ANNOUNCEMENTS; i++) expect(pieces.keep({ type: 'have', index: i })).toBe(true);
    expect(pieces.keep({ type: 'have', index: 0 })).toBe(false);
    expect(pieces.learnPieceCount(MAX_EARLY_ANNOUNCEMENTS)).toHaveLength(MAX_EARLY_ANNOUNCEMENTS);
  });

  it('is a seed by HAVE ALL even before the piece count is known, or by a full bitfield', () => {
    const early = new PeerPieces();
    early.markAll();
    expect([early.isSeed, early.has(12345)]).toEqual([true, true]);
    const full = new PeerPieces();
    full.learnPieceCount(3);
    full.replaceBits(Bitfield.full(3));
    expect([full.isSeed, full.hasAll, full.count()]).toEqual([true, false, 3]);
  });

  it('answers has() from its bitfield', () => {
    const pieces = new PeerPieces();
    pieces.learnPieceCount(16);
    pieces.bits?.set(9);
    expect([pieces.has(9), pieces.has(8), pieces.isSeed, pieces.count()]).toEqual([true, false, false, 1]);
  });
});
