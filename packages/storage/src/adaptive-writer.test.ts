import { describe, expect, test } from '@jest/globals';
import { ASYNC_PERIOD_MS, AdaptiveWriter, SLOW_SLICES_TO_SWITCH, SLOW_SLICE_MS, SYNC_WRITE_CHUNK, SYNC_WRITE_SLICE } from './adaptive-writer.js';
import type { FileHandleLike } from './file-system.js';

/** A file in memory that records every call: which path wrote how many bytes where. */
class RecordingHandle implements FileHandleLike {
  readonly bytes = new Uint8Array(8 * 1024 * 1024);
  readonly calls: { kind: 'sync' | 'async'; length: number; position: number }[] = [];
  /** Runs inside every synchronous write, before it returns (a slow disk advances the clock here). */
  duringSync: () => void = () => undefined;
  /** Bytes a synchronous call moves at most (the OS may write fewer than asked). */
  syncLimit = Infinity;

  writeSync(buffer: Uint8Array, offset: number, length: number, position: number): number {
    const moved = Math.min(length, this.syncLimit);
    this.calls.push({ kind: 'sync', length: moved, position });
    this.bytes.set(buffer.subarray(offset, offset + moved), position);
    this.duringSync();
    return moved;
  }
  async write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }> {
    this.calls.push({ kind: 'async', length, position });
    this.bytes.set(buffer.subarray(offset, offset + length), position);
    return { bytesWritten: length };
  }
  async read(): Promise<{ bytesRead: number }> {
    throw new Error('not used');
  }
  async truncate(): Promise<void> {}
  async sync(): Promise<void> {}
  async close(): Promise<void> {}
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

describe('AdaptiveWriter', () => {
  test('writes synchronously in 16 KiB calls, every byte in place', async () => {
    const handle = new RecordingHandle();
    const data = pattern(100_000, 1);
    await new AdaptiveWriter().write(handle, data, 5000);
    expect(handle.calls.every((call) => call.kind === 'sync' && call.length <= SYNC_WRITE_CHUNK)).toBe(true);
    expect(handle.calls.map((call) => call.position)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => 5000 + i * SYNC_WRITE_CHUNK));
    expect(Buffer.compare(handle.bytes.subarray(5000, 105_000), data)).toBe(0);
  });

  test('short writes by the OS are continued where they stopped', async () => {
    const handle = new RecordingHandle();
    handle.syncLimit = 1000;
    const data = pattern(40_000, 2);
    await new AdaptiveWriter().write(handle, data, 0);
    expect(handle.calls).toHaveLength(40);
    expect(Buffer.compare(handle.bytes.subarray(0, 40_000), data)).toBe(0);
  });

  test('a handle without writeSync is written through the thread pool', async () => {
    const handle = new RecordingHandle();
    const plain: FileHandleLike = { write: handle.write.bind(handle), read: handle.read, truncate: handle.truncate, sync: handle.sync, close: handle.close };
    await new AdaptiveWriter().write(plain, pattern(70_000, 3), 0);
    expect(handle.calls).toEqual([{ kind: 'async', length: 70_000, position: 0 }]);
  });

  test('slow synchronous slices in a row move the rest, and later writes, to the thread pool until the period ends', async () => {
    let clock = 0;
    const writer = new AdaptiveWriter({ now: () => clock });
    const handle = new RecordingHandle();
    // The disk takes 1 ms per 16 KiB call: a 1 MiB slice takes 64 ms, over the limit.
    handle.duringSync = () => (clock += 1);
    const data = pattern((SLOW_SLICES_TO_SWITCH + 2) * SYNC_WRITE_SLICE, 4);
    await writer.write(handle, data, 0);
    expect(Buffer.compare(handle.bytes.subarray(0, data.length), data)).toBe(0);
    const syncBytes = handle.calls.filter((call) => call.kind === 'sync').reduce((sum, call) => sum + call.length, 0);
    expect(syncBytes).toBe(SLOW_SLICES_TO_SWITCH * SYNC_WRITE_SLICE);
    expect(handle.calls.at(-1)).toEqual({ kind: 'async', length: 2 * SYNC_WRITE_SLICE, position: SLOW_SLICES_TO_SWITCH * SYNC_WRITE_SLICE });
    expect(writer.throttled).toBe(true);

    handle.calls.length = 0;
    clock += ASYNC_PERIOD_MS - 100;
    await writer.write(handle, pattern(1000, 5), 0);
    expect(handle.calls).toEqual([{ kind: 'async', length: 1000, position: 0 }]);

    handle.calls.length = 0;
    clock += 200;
    handle.duringSync = () => undefined;
    await writer.write(handle, pattern(1000, 6), 0);
    expect(handle.calls).toEqual([{ kind: 'sync', length: 1000, position: 0 }]);
    expect(writer.throttled).toBe(false);
  });

  test('one slow slice between fast ones (a descheduled CPU) keeps the synchronous path', async () => {
    let clock = 0;
    const writer = new AdaptiveWriter({ now: () => clock });
    const handle = new RecordingHandle();
    let calls = 0;
    // Every other slice stalls once for longer than the limit.
    handle.duringSync = () => {
      calls++;
      if (calls % (2 * (SYNC_WRITE_SLICE / SYNC_WRITE_CHUNK)) === 1) clock += SLOW_SLICE_MS + 1;
    };
    await writer.write(handle, pattern(8 * SYNC_WRITE_SLICE, 9), 0);
    expect(handle.calls.every((call) => call.kind === 'sync')).toBe(true);
    expect(writer.throttled).toBe(false);
  });

  test('a slice within the limit keeps the synchronous path', async () => {
    let clock = 0;
    const writer = new AdaptiveWriter({ now: () => clock });
    const handle = new RecordingHandle();
    handle.duringSync = () => (clock += SLOW_SLICE_MS / 64);
    await writer.write(handle, pattern(2 * SYNC_WRITE_SLICE, 7), 0);
    expect(handle.calls.every((call) => call.kind === 'sync')).toBe(true);
    expect(writer.throttled).toBe(false);
  });

  test('an error from a synchronous write rejects the write', async () => {
    const handle = new RecordingHandle();
    handle.duringSync = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    await expect(new AdaptiveWriter().write(handle, pattern(10, 8), 0)).rejects.toMatchObject({ code: 'ENOSPC' });
  });
});
