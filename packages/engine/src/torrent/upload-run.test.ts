import { describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE } from '@typetorrent/metainfo';
import { DEFAULT_MAX_READ_LENGTH } from '@typetorrent/storage';
import { contiguousRun, lengthOf, type IncomingRequest } from './upload-run.js';

const block = (piece: number, index: number): IncomingRequest => ({ piece, begin: index * BLOCK_SIZE, length: BLOCK_SIZE });

describe('contiguousRun', () => {
  it('takes the requests at the head that continue one range of one piece', () => {
    const queue = [block(0, 0), block(0, 1), block(0, 2), block(1, 3), block(0, 3)];
    const run = contiguousRun(queue, Number.POSITIVE_INFINITY);
    expect(run.requests).toEqual(queue.slice(0, 3));
    expect(run.length).toBe(3 * BLOCK_SIZE);
    expect(lengthOf(run.requests)).toBe(run.length);
  });

  it('stops at the budget and at one storage read, but always takes the first request', () => {
    const queue = Array.from({ length: 20 }, (_, i) => block(2, i));
    expect(contiguousRun(queue, 2 * BLOCK_SIZE + 1).requests).toHaveLength(2);
    expect(contiguousRun(queue, 0).requests).toHaveLength(1);
    expect(contiguousRun(queue, Number.POSITIVE_INFINITY).length).toBe(DEFAULT_MAX_READ_LENGTH);
    expect(contiguousRun([], 100)).toEqual({ requests: [], length: 0 });
  });
});
