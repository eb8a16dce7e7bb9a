import { describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE, MAX_REQUEST_QUEUE, MIN_REQUEST_QUEUE, requestQueueDepth } from './queue-depth.js';

describe('requestQueueDepth', () => {
  it('keeps three seconds of transfer in flight', () => {
    // 1 MiB/s for 3 s is 192 blocks of 16 KiB.
    expect(requestQueueDepth(1024 * 1024)).toBe(192);
    expect(requestQueueDepth(100 * BLOCK_SIZE, { queueTimeMs: 1_000 })).toBe(100);
  });

  it('rounds up, so a trickle still gets whole blocks', () => {
    expect(requestQueueDepth(BLOCK_SIZE + 1, { queueTimeMs: 1_000, min: 1 })).toBe(2);
  });

  it('never goes below the minimum, even for an idle or unmeasured peer', () => {
    expect(requestQueueDepth(0)).toBe(MIN_REQUEST_QUEUE);
    expect(requestQueueDepth(Number.NaN)).toBe(MIN_REQUEST_QUEUE);
    expect(requestQueueDepth(-5, { min: 4 })).toBe(4);
  });

  it('stops at the maximum', () => {
    expect(requestQueueDepth(1e9)).toBe(MAX_REQUEST_QUEUE);
    expect(requestQueueDepth(1e9, { max: 500 })).toBe(500);
  });

  it("respects the peer's reqq over both bounds", () => {
    expect(requestQueueDepth(1e9, { peerLimit: 50 })).toBe(50);
    expect(requestQueueDepth(0, { peerLimit: 1 })).toBe(1);
    expect(requestQueueDepth(0, { peerLimit: 0 })).toBe(1);
    expect(requestQueueDepth(1e9, { peerLimit: 1_000 })).toBe(MAX_REQUEST_QUEUE);
  });
});
