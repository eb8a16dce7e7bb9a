import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BucketQueue } from './bucket-queue.js';

function setup(size: number): { keys: Uint32Array; positions: Int32Array; queue: BucketQueue } {
  const keys = new Uint32Array(size);
  const positions = new Int32Array(size).fill(-1);
  return { keys, positions, queue: new BucketQueue(keys, positions) };
}

/** The queue's contents as "key:piece" runs, checking along the way that each bucket holds its key. */
function bucketsOf(queue: BucketQueue, keys: Uint32Array): number[][] {
  const out: number[][] = [];
  for (let bucket = 0; bucket < queue.bucketCount; bucket++) {
    const [start, end] = queue.bucketRange(bucket);
    const pieces: number[] = [];
    for (let index = start; index < end; index++) {
      const piece = queue.at(index);
      expect(keys[piece]).toBe(bucket);
      expect(queue.has(piece)).toBe(true);
      pieces.push(piece);
    }
    out.push(pieces.sort((a, b) => a - b));
  }
  return out;
}

describe('BucketQueue', () => {
  it('keeps pieces grouped by key as keys go up and down', () => {
    const { keys, queue } = setup(4);
    for (let piece = 0; piece < 4; piece++) queue.insert(piece);
    keys[2] = 1;
    queue.incremented(2);
    keys[2] = 2;
    queue.incremented(2);
    keys[0] = 1;
    queue.incremented(0);
    expect(bucketsOf(queue, keys)).toEqual([[1, 3], [0], [2]]);
    keys[2] = 1;
    queue.decremented(2);
    expect(bucketsOf(queue, keys)).toEqual([[1, 3], [0, 2]]);
  });

  it('inserts under the current key and removes from the middle', () => {
    const { keys, queue } = setup(5);
    keys.set([0, 3, 1, 3, 2]);
    for (let piece = 0; piece < 5; piece++) queue.insert(piece);
    expect(bucketsOf(queue, keys)).toEqual([[0], [2], [4], [1, 3]]);
    queue.remove(2);
    queue.remove(3);
    expect(queue.has(2)).toBe(false);
    expect(bucketsOf(queue, keys)).toEqual([[0], [], [4], [1]]);
    queue.remove(1);
    // Empty buckets at the top are dropped so later inserts and removes stay cheap.
    expect(queue.bucketCount).toBe(3);
  });

  it('matches a sorted model under any sequence of operations', () => {
    const size = 8;
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), piece: fc.nat(size - 1) }),
      fc.record({ kind: fc.constant('remove' as const), piece: fc.nat(size - 1) }),
      fc.record({ kind: fc.constant('up' as const), piece: fc.nat(size - 1) }),
      fc.record({ kind: fc.constant('down' as const), piece: fc.nat(size - 1) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const { keys, positions, queue } = setup(size);
        const members = new Set<number>();
        for (const { kind, piece } of ops) {
          const inQueue = members.has(piece);
          if (kind === 'insert' && !inQueue) {
            queue.insert(piece);
            members.add(piece);
          } else if (kind === 'remove' && inQueue) {
            queue.remove(piece);
            members.delete(piece);
          } else if (kind === 'up') {
            keys[piece] = (keys[piece] ?? 0) + 1;
            if (inQueue) queue.incremented(piece);
          } else if (kind === 'down' && (keys[piece] ?? 0) > 0) {
            keys[piece] = (keys[piece] ?? 0) - 1;
            if (inQueue) queue.decremented(piece);
          }
        }
        const listed = bucketsOf(queue, keys).flat();
        expect(listed.sort((a, b) => a - b)).toEqual([...members].sort((a, b) => a - b));
        expect(queue.size).toBe(members.size);
        for (let piece = 0; piece < size; piece++) {
          expect(positions[piece] !== -1).toBe(members.has(piece));
        }
      }),
      { numRuns: 200 },
    );
  });
});
