import { describe, expect, it } from '@jest/globals';
import { BlockPool } from './block-pool.js';

const SIZE = 1024;

function pool(limit = 8 * SIZE): BlockPool {
  return new BlockPool({ blockSize: SIZE, limit: () => limit });
}

describe('BlockPool', () => {
  it('hands out buffers of its block size, each with memory of its own', () => {
    const blocks = pool();
    const a = blocks.take();
    const b = blocks.take();
    expect(a).toHaveLength(SIZE);
    expect(b).toHaveLength(SIZE);
    expect(a.buffer).not.toBe(b.buffer);
  });

  it('hands a buffer given back out again instead of a new one', () => {
    const blocks = pool();
    const a = blocks.take();
    blocks.give(a);
    expect(blocks.idleBytes).toBe(SIZE);
    expect(blocks.take()).toBe(a);
    expect(blocks.idleBytes).toBe(0);
  });

  it('never hands out a buffer that is still lent, nor one given back twice, nor one it did not lend', () => {
    const blocks = pool();
    const lent = [blocks.take(), blocks.take(), blocks.take()];
    const first = lent[0]!;
    blocks.give(first);
    blocks.give(first); // a second give of the same buffer is ignored
    blocks.give(new Uint8Array(SIZE)); // not the pool's
    expect(blocks.idleBytes).toBe(SIZE);
    const next = [blocks.take(), blocks.take(), blocks.take()];
    expect(next[0]).toBe(first);
    for (const block of next.slice(1)) expect(lent).not.toContain(block);
    expect(new Set(next).size).toBe(3);
  });

  it('keeps no more idle bytes than its limit allows; the rest go to the GC', () => {
    let limit = 2 * SIZE;
    const blocks = new BlockPool({ blockSize: SIZE, limit: () => limit });
    const taken = [blocks.take(), blocks.take(), blocks.take(), blocks.take()];
    for (const block of taken) blocks.give(block);
    expect(blocks.idleBytes).toBe(2 * SIZE);
    // The limit shrinks (more bytes held elsewhere): nothing more is kept until it grows again.
    limit = SIZE;
    const again = blocks.take();
    expect(blocks.idleBytes).toBe(SIZE);
    blocks.give(again);
    expect(blocks.idleBytes).toBe(SIZE);
    expect(blocks.take()).not.toBe(again);
    expect(blocks.take()).not.toBe(again);
  });

  it('shed drops idle buffers until at least the bytes asked went', () => {
    const blocks = pool();
    const taken = [blocks.take(), blocks.take(), blocks.take()];
    for (const block of taken) blocks.give(block);
    expect(blocks.shed(SIZE + 1)).toBe(2 * SIZE);
    expect(blocks.idleBytes).toBe(SIZE);
    expect(blocks.shed(10 * SIZE)).toBe(SIZE);
    expect(blocks.idleBytes).toBe(0);
  });

  it('trim drops every idle buffer', () => {
    const blocks = pool();
    const a = blocks.take();
    blocks.give(a);
    blocks.trim();
    expect(blocks.idleBytes).toBe(0);
    expect(blocks.take()).not.toBe(a);
  });

  it('sweep drops the buffers no take needed since the last sweep, and keeps those in use', () => {
    const blocks = pool();
    const taken = [blocks.take(), blocks.take(), blocks.take(), blocks.take()];
    for (const block of taken) blocks.give(block);
    // Nothing was idle when the period began: a first sweep drops nothing.
    expect(blocks.sweep()).toBe(0);
    expect(blocks.idleBytes).toBe(4 * SIZE);
    // In the next period one buffer at a time is taken and given back: three were never needed.
    for (let i = 0; i < 5; i++) blocks.give(blocks.take());
    expect(blocks.sweep()).toBe(3 * SIZE);
    expect(blocks.idleBytes).toBe(SIZE);
    // Then nothing is taken for a whole period: the last one goes too.
    expect(blocks.sweep()).toBe(SIZE);
    expect(blocks.idleBytes).toBe(0);
  });

  it('tells its owner each time it keeps a buffer idle', () => {
    let kept = 0;
    const blocks = new BlockPool({ blockSize: SIZE, limit: () => SIZE, kept: () => kept++ });
    const [a, b] = [blocks.take(), blocks.take()];
    blocks.give(a);
    blocks.give(b); // over the limit: dropped, not kept
    expect(kept).toBe(1);
  });
});
