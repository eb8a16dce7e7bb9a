import { describe, expect, test } from '@jest/globals';
import { ASYNC_PERIOD_MS, AdaptiveWriter, SLOW_WINDOW_MS, SLOW_WRITES_TO_SWITCH, SLOW_WRITE_MS, SYNC_WRITE_CHUNK, SYNC_WRITE_SLICE } from './adaptive-writer.js';
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

/** A slow disk's time per synchronous call: a whole slice then takes twice SLOW_WRITE_MS. */
const SLOW_CALL_MS = (2 * SLOW_WRITE_MS) / (SYNC_WRITE_SLICE / SYNC_WRITE_CHUNK);

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

describe('AdaptiveWriter', () => {
  test('writes synchronously in calls of SYNC_WRITE_CHUNK bytes, every byte in place', async () => {
    const handle = new RecordingHandle();
    const data = pattern(300_000, 1);
    await new AdaptiveWriter().write(handle, data, 5000);
    expect(handle.calls.every((call) => call.kind === 'sync' && call.length <= SYNC_WRITE_CHUNK)).toBe(true);
    const calls = Math.ceil(data.length / SYNC_WRITE_CHUNK);
    expect(handle.calls.map((call) => call.position)).toEqual(Array.from({ length: calls }, (_, i) => 5000 + i * SYNC_WRITE_CHUNK));
    expect(Buffer.compare(handle.bytes.subarray(5000, 305_000), data)).toBe(0);
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

  test('a write that gets slow finishes on the thread pool, within about SLOW_WRITE_MS of stalling', async () => {
    let clock = 0;
    const writer = new AdaptiveWriter({ now: () => clock });
    const handle = new RecordingHandle();
    handle.duringSync = () => (clock += SLOW_CALL_MS);
    const data = pattern(3 * SYNC_WRITE_SLICE, 4);
    await writer.write(handle, data, 0);
    expect(Buffer.compare(handle.bytes.subarray(0, data.length), data)).toBe(0);
    const syncCalls = handle.calls.filter((call) => call.kind === 'sync');
    // Stopped at the first call that took the slice past the limit.
    expect(syncCalls).toHaveLength(Math.floor(SLOW_WRITE_MS / SLOW_CALL_MS) + 1);
    const syncBytes = syncCalls.length * SYNC_WRITE_CHUNK;
    expect(handle.calls.at(-1)).toEqual({ kind: 'async', length: data.length - syncBytes, position: syncBytes });
    // One slow write alone does not move the next ones.
    expect(writer.throttled).toBe(false);
  });

  test('slow writes close together send every write to the thread pool until the period ends', async () => {
    let clock = 0;
    const writer = new AdaptiveWriter({ now: () => clock });
    const handle = new RecordingHandle();
    handle.duringSync = () => (clock += SLOW_CALL_MS);
    for (let i = 0; i < SLOW_WRITES_TO_SWITCH; i++) await writer.write(handle, pattern(SYNC_WRITE_SLICE, i), 0);
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

  test('slow writes further apart than SLOW_WINDOW_MS (a descheduled CPU now and then) keep the synchronous path', async () => {
    let clock = 0;
    const writer = new AdaptiveWriter({ now: () => clock });
    const handle = new RecordingHandle();
    for (let i = 0; i < 2 * SLOW_WRITES_TO_SWITCH; i++) {
      handle.duringSync = () => (clock += SLOW_WRITE_MS + 1);
      await writer.write(handle, pattern(SYNC_WRITE_CHUNK, i), 0);
      clock += SLOW_WINDOW_MS / 2;
    }
    expect(writer.throttled).toBe(false);
    handle.calls.length = 0;
    handle.duringSync = () => undefined;
    await writer.write(handle, pattern(1000, 9), 0);
    expect(handle.calls).toEqual([{ kind: 'sync', length: 1000, position: 0 }]);
  });

  test('a slice within the limit keeps the synchronous path', async () => {
    let clock = 0;
    const writer = new AdaptiveWriter({ now: () => clock });
    const handle = new RecordingHandle();
    handle.duringSync = () => (clock += SLOW_WRITE_MS / 64);
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
