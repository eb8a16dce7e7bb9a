import { describe, expect, test } from '@jest/globals';
import { PieceSet } from './piece-set.js';
import type { ResumeData } from './resume-data.js';
import { planCheck } from './resume-plan.js';
import type { StorageStamps } from './storage.js';
import { oddLayout } from './test-fixtures.js';

// Odd layout: pieces 0-4; files a(0) zero(1) b(2) c(3) d(4); piece 0 = a,b,c; 1 = c,d; 2-4 = d.
const { torrent } = oddLayout();
const stamp = (mtimeUs: number): { size: number; mtimeUs: number } => ({ size: 10, mtimeUs });
const allStamped: StorageStamps = {
  files: [stamp(1), stamp(2), stamp(3), stamp(4), stamp(5)],
  parts: undefined,
  partsPieces: [0, 1],
};

function pieces(list: number[]): PieceSet {
  const set = new PieceSet(5);
  for (const piece of list) set.add(piece);
  return set;
}

/** A record whose pieces were all fsynced (durable), unless `durable` names fewer. */
function record(verified: number[], stamps: StorageStamps = allStamped, durable = verified, bootId?: string): ResumeData {
  return { infoHash: torrent.infoHash, verified: pieces(verified), durable: pieces(durable), bootId, files: stamps.files, parts: stamps.parts };
}

describe('planCheck', () => {
  test('trusts every recorded piece when no file changed, and checks nothing', () => {
    const plan = planCheck(torrent, allStamped, record([0, 2, 4]));
    expect([...plan.trusted]).toEqual([0, 2, 4]);
    expect(plan.toCheck.count).toBe(0);
  });

  test('a file whose mtime changed gets only its own pieces checked', () => {
    const now: StorageStamps = { ...allStamped, files: [stamp(1), stamp(2), stamp(3), stamp(99), stamp(5)] };
    const plan = planCheck(torrent, now, record([0, 1, 2, 3, 4]));
    expect([...plan.toCheck]).toEqual([0, 1]);
    expect([...plan.trusted]).toEqual([2, 3, 4]);
  });

  test('a file whose size changed, or that vanished, loses trust too', () => {
    const now: StorageStamps = { ...allStamped, files: [undefined, stamp(2), stamp(3), stamp(4), { size: 11, mtimeUs: 5 }] };
    const plan = planCheck(torrent, now, record([0, 1, 2, 3, 4]));
    expect([...plan.trusted]).toEqual([]);
    expect([...plan.toCheck]).toEqual([0, 1, 2, 3, 4]);
  });

  test('a changed side file gets the straddling pieces checked', () => {
    const plan = planCheck(torrent, { ...allStamped, parts: stamp(7) }, record([0, 1, 2]));
    expect([...plan.toCheck]).toEqual([0, 1]);
    expect([...plan.trusted]).toEqual([2]);
  });

  test('without resume data, pieces of files present are checked and none trusted', () => {
    const now: StorageStamps = { files: [undefined, undefined, undefined, undefined, stamp(5)], parts: undefined, partsPieces: [0, 1] };
    const plan = planCheck(torrent, now, undefined);
    expect(plan.trusted.count).toBe(0);
    expect([...plan.toCheck]).toEqual([1, 2, 3, 4]);
  });

  test('a storage without stamps gets everything checked', () => {
    const plan = planCheck(torrent, undefined, record([0, 1]));
    expect(plan.trusted.count).toBe(0);
    expect(plan.toCheck.count).toBe(5);
  });

  test('pieces written but not fsynced are trusted in the boot that wrote the record', () => {
    const plan = planCheck(torrent, allStamped, record([0, 2, 4], allStamped, [2], 'boot-a'), 'boot-a');
    expect([...plan.trusted]).toEqual([0, 2, 4]);
    expect(plan.toCheck.count).toBe(0);
  });

  test('after a reboot only fsynced pieces are trusted, and the others are checked', () => {
    const plan = planCheck(torrent, allStamped, record([0, 2, 4], allStamped, [2], 'boot-a'), 'boot-b');
    expect([...plan.trusted]).toEqual([2]);
    expect([...plan.toCheck]).toEqual([0, 4]);
  });

  test('with no boot identity, now or in the record, only fsynced pieces are trusted', () => {
    expect([...planCheck(torrent, allStamped, record([0, 2, 4], allStamped, [4], 'boot-a')).trusted]).toEqual([4]);
    expect([...planCheck(torrent, allStamped, record([0, 2, 4], allStamped, [4]), 'boot-a').trusted]).toEqual([4]);
  });
});
