import { describe, expect, it } from '@jest/globals';
import { PeerRequests, REQUEST_TIMEOUT_MS, SNUB_TIMEOUT_MS } from './peer-requests.js';
import { BLOCK_SIZE } from './queue-depth.js';

function setup(): { requests: PeerRequests; advance: (ms: number) => void } {
  let time = 7_000;
  const requests = new PeerRequests({ now: () => time });
  return { requests, advance: (ms) => (time += ms) };
}

describe('PeerRequests', () => {
  it('tracks outstanding requests by piece and offset', () => {
    const { requests } = setup();
    expect(requests.add(3, 0, BLOCK_SIZE)).toBe(true);
    expect(requests.add(3, BLOCK_SIZE, BLOCK_SIZE)).toBe(true);
    expect(requests.add(3, 0, BLOCK_SIZE)).toBe(false);
    expect(requests.size).toBe(2);
    expect(requests.has(3, BLOCK_SIZE)).toBe(true);
    expect(requests.received(3, 0)).toMatchObject({ piece: 3, begin: 0, length: BLOCK_SIZE });
    expect(requests.received(3, 0)).toBeUndefined();
    expect(requests.rejected(3, BLOCK_SIZE)?.begin).toBe(BLOCK_SIZE);
    expect(requests.size).toBe(0);
  });

  it('keeps requests apart across the whole 32-bit range of piece and offset', () => {
    const { requests } = setup();
    const edges: [number, number][] = [
      [0, 2 ** 32 - 1],
      [1, 0],
      [2 ** 21 - 1, 2 ** 32 - 1],
      [2 ** 21, 0],
      [2 ** 21, 2 ** 32 - 1],
      [2 ** 32 - 1, 2 ** 32 - 1],
      // Where the small keys (block-aligned, piece under 2^20, offset under 16 MiB) meet the others.
      [2 ** 20 - 1, 1023 * BLOCK_SIZE],
      [2 ** 20, 0],
      [0, 1024 * BLOCK_SIZE],
      [16384, 0],
      [1024, 0],
      [0, BLOCK_SIZE + 1],
      [2 ** 20 - 1, 2 ** 32 - 1],
    ];
    for (const [piece, begin] of edges) expect(requests.add(piece, begin, 1)).toBe(true);
    expect(requests.size).toBe(edges.length);
    for (const [piece, begin] of edges) expect(requests.received(piece, begin)).toMatchObject({ piece, begin });
    expect(requests.size).toBe(0);
  });

  it('lists requests oldest first and clears them all on disconnect', () => {
    const { requests, advance } = setup();
    requests.add(1, 0, 10);
    advance(5);
    requests.add(0, 0, 10);
    expect(requests.list().map((r) => r.piece)).toEqual([1, 0]);
    expect(requests.clear().map((r) => r.piece)).toEqual([1, 0]);
    expect(requests.size).toBe(0);
    expect(requests.cancelled(1, 0)).toBeUndefined();
  });

  it('asks for enough requests to fill the queue the rate calls for', () => {
    const { requests } = setup();
    for (let block = 0; block < 10; block++) requests.add(0, block * BLOCK_SIZE, BLOCK_SIZE);
    // 100 blocks per second for 3 s is 300, capped at 250; 10 are already out.
    expect(requests.wanted(100 * BLOCK_SIZE)).toBe(240);
    requests.setPeerLimit(8);
    expect(requests.depth(100 * BLOCK_SIZE)).toBe(8);
    expect(requests.wanted(100 * BLOCK_SIZE)).toBe(0);
  });

  it('gives up on requests only after the peer has sent nothing for the timeout', () => {
    const { requests, advance } = setup();
    requests.add(0, 0, 10);
    advance(1_000);
    requests.add(0, 10, 10);
    advance(REQUEST_TIMEOUT_MS - 1_000);
    expect(requests.expired().map((r) => r.begin)).toEqual([0]);
    expect(requests.size).toBe(1);
    advance(1_000);
    expect(requests.expired().map((r) => r.begin)).toEqual([10]);
  });

  it('does not time out the tail of the queue of a peer that keeps delivering', () => {
    const { requests, advance } = setup();
    for (let block = 0; block < 4; block++) requests.add(0, block, 1);
    for (let block = 0; block < 3; block++) {
      advance(REQUEST_TIMEOUT_MS - 1);
      requests.received(0, block);
      expect(requests.expired()).toEqual([]);
    }
    advance(REQUEST_TIMEOUT_MS);
    expect(requests.expired().map((r) => r.begin)).toEqual([3]);
  });

  it('calls a peer snubbing after a minute without a block while we wait on it', () => {
    const { requests, advance } = setup();
    expect(requests.snubbed).toBe(false);
    requests.add(0, 0, 10);
    advance(SNUB_TIMEOUT_MS - 1);
    expect(requests.snubbed).toBe(false);
    // Giving up on the request does not forgive the peer: it still owes us the block.
    expect(requests.expired()).toHaveLength(1);
    advance(1);
    expect(requests.snubbed).toBe(true);
    expect(requests.depth(1e9)).toBe(1);
    requests.received(0, 0);
    expect(requests.snubbed).toBe(false);
  });

  it('does not hold an idle peer or a choke against it', () => {
    const { requests, advance } = setup();
    advance(10 * SNUB_TIMEOUT_MS);
    expect(requests.snubbed).toBe(false);
    requests.add(0, 0, 10);
    requests.clear();
    advance(SNUB_TIMEOUT_MS);
    expect(requests.snubbed).toBe(false);
    requests.add(0, 0, 10);
    requests.rejected(0, 0);
    advance(SNUB_TIMEOUT_MS);
    expect(requests.snubbed).toBe(false);
  });

  it('restarts the snub clock at each block while more are owed', () => {
    const { requests, advance } = setup();
    requests.add(0, 0, 10);
    requests.add(0, 10, 10);
    advance(SNUB_TIMEOUT_MS - 1);
    requests.received(0, 0);
    advance(SNUB_TIMEOUT_MS - 1);
    expect(requests.snubbed).toBe(false);
    advance(1);
    expect(requests.snubbed).toBe(true);
  });
});
