import { describe, expect, test } from '@jest/globals';
import { BufferPool, DEFAULT_MEMORY_LIMIT, MIN_DEFAULT_MEMORY_LIMIT, defaultMemoryLimit } from './buffer-pool.js';

describe('BufferPool', () => {
  test('defaults to a cap of eight pieces, no less than 32 MiB and no more than 64 MiB', () => {
    const MiB = 1024 * 1024;
    expect(defaultMemoryLimit(16 * 1024)).toBe(MIN_DEFAULT_MEMORY_LIMIT);
    expect(defaultMemoryLimit(MiB)).toBe(32 * MiB);
    expect(defaultMemoryLimit(6 * MiB)).toBe(48 * MiB);
    expect(defaultMemoryLimit(16 * MiB)).toBe(DEFAULT_MEMORY_LIMIT);
    expect(new BufferPool(2 * MiB).limit).toBe(32 * MiB);
  });

  test('hands out buffers until the cap, then undefined', () => {
    const pool = new BufferPool(1000, 3000);
    const held = [pool.acquire(1000), pool.acquire(1000), pool.acquire(500)];
    expect(held.every((b) => b !== undefined)).toBe(true);
    expect(pool.acquire(1000)).toBeUndefined();
    expect(pool.available).toBe(false);
    expect(pool.bytesInUse).toBe(3000);
  });

  test('reuses the memory of a released buffer instead of allocating', () => {
    const pool = new BufferPool(1000, 1000);
    const first = pool.acquire(1000)!;
    pool.release(first);
    const second = pool.acquire(300)!;
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(300);
    expect(pool.bytesAllocated).toBe(1000);
  });

  test('always allows one buffer, even when a piece is larger than the cap', () => {
    const pool = new BufferPool(4096, 1000);
    expect(pool.acquire(4096)).toBeDefined();
    expect(pool.acquire(4096)).toBeUndefined();
  });

  test('whenAvailable resolves after a release, and rejects ABORTED on abort', async () => {
    const pool = new BufferPool(1000, 1000);
    const held = pool.acquire(1000)!;
    const controller = new AbortController();
    const aborted = pool.whenAvailable(controller.signal);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    const waiting = pool.whenAvailable();
    pool.release(held);
    await expect(waiting).resolves.toBeUndefined();
    expect(pool.available).toBe(true);
  });

  test('shared pools allocate SharedArrayBuffer memory (for worker hashing)', () => {
    expect(new BufferPool(100, 100, true).acquire(100)?.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  test('a buffer whose memory moved away and never came back frees its place under the cap', () => {
    const pool = new BufferPool(100, 100);
    const buffer = pool.acquire(100)!;
    structuredClone(buffer.buffer, { transfer: [buffer.buffer as ArrayBuffer] });
    pool.release(buffer);
    expect(pool.bytesAllocated).toBe(0);
    expect(pool.bytesInUse).toBe(0);
    expect(pool.acquire(100)?.byteLength).toBe(100);
  });

  test('trim drops idle buffers', () => {
    const pool = new BufferPool(100, 1000);
    pool.release(pool.acquire(100)!);
    pool.trim();
    expect(pool.bytesAllocated).toBe(0);
  });
});
