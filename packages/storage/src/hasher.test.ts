import { afterAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { deterministicBytes } from '@typetorrent/testkit';
import { InlineHasher, inlineHasher } from './hasher.js';
import { MemoryStorage } from './memory-storage.js';
import { PieceStore } from './piece-store.js';
import { oddLayout } from './test-fixtures.js';
import { WorkerHasher } from './worker-hasher.js';

const workers = new WorkerHasher({ threads: 2 });
afterAll(async () => {
  await workers.close();
});

function reference(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest());
}

describe('hashers', () => {
  test('inline and worker hashers give the SHA-1 of the bytes, as a plain Uint8Array', async () => {
    const data = deterministicBytes(100_000, 3).subarray(17, 90_017);
    for (const digest of [await inlineHasher.sha1(data), await workers.sha1(data)]) {
      expect(digest).toEqual(reference(data));
      expect(Buffer.isBuffer(digest)).toBe(false);
    }
  });

  test('sha1Moving moves the buffer to a worker and back: detached meanwhile, same bytes after, no copy kept', async () => {
    const data = new Uint8Array(65536);
    data.set(deterministicBytes(65536, 9));
    const expected = reference(data);
    const moving = workers.sha1Moving(data);
    expect(data.byteLength).toBe(0); // detached while the worker holds it
    const back = await moving;
    expect(back.digest).toEqual(expected);
    expect(back.data.byteLength).toBe(65536);
    expect(reference(back.data)).toEqual(expected);
  });

  test('sha1Moving of a view inside a larger buffer copies instead, and leaves the caller its data', async () => {
    const whole = deterministicBytes(8192, 10);
    const view = whole.subarray(100, 4100);
    const back = await workers.sha1Moving(view);
    expect(back.digest).toEqual(reference(view));
    expect(back.data).toBe(view);
    expect(whole.byteLength).toBe(8192);
  });

  test('the worker hasher reads shared memory in place and leaves other data usable', async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(4096));
    shared.set(deterministicBytes(4096, 5));
    const plain = deterministicBytes(4096, 6);
    const digests = await Promise.all([workers.sha1(shared), workers.sha1(plain), workers.sha1(shared.subarray(100, 200))]);
    expect(digests).toEqual([reference(shared), reference(plain), reference(shared.subarray(100, 200))]);
    expect(plain.byteLength).toBe(4096); // copied, not transferred away from the caller
  });

  test('with its turn budget spent, the inline hasher leaves queued pieces to the next event-loop turn', async () => {
    const hasher = new InlineHasher({ turnBudgetMs: 0 }); // spent after the first piece of each turn
    const done: number[] = [];
    const all = [0, 1, 2].map((i) => hasher.sha1(new Uint8Array(1000).fill(i)).then(() => done.push(i)));
    const turn = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve));
    await turn();
    expect(done).toEqual([0]);
    await turn();
    expect(done).toEqual([0, 1]);
    await Promise.all(all);
    expect(done).toEqual([0, 1, 2]);
  });

  test('within its turn budget, the inline hasher hashes every queued piece in one turn', async () => {
    const hasher = new InlineHasher({ turnBudgetMs: 60_000 });
    const done: number[] = [];
    const all = [0, 1, 2].map((i) => hasher.sha1(new Uint8Array(1000).fill(i)).then(() => done.push(i)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toEqual([0, 1, 2]);
    await Promise.all(all);
  });

  test('an aborted signal rejects with ABORTED', async () => {
    await expect(workers.sha1(new Uint8Array(10), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(inlineHasher.sha1(new Uint8Array(10), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  test('a PieceStore hashing on workers downloads a torrent', async () => {
    const fixture = oddLayout();
    const store = await PieceStore.open(fixture.torrent, { storage: new MemoryStorage(fixture.torrent), hasher: workers });
    for (let piece = 0; piece < fixture.torrent.geometry.pieceCount; piece++) {
      for (const { begin, data } of fixture.blocks(piece)) await store.addBlock(piece, begin, data, 'p');
    }
    expect(store.complete).toBe(true);
    await store.close();
  });

  test('closing a worker hasher settles the hashes still running (CLOSED), so no caller waits for ever', async () => {
    const closing = new WorkerHasher({ threads: 1 });
    // Large enough that the worker is still busy with it when close() terminates the thread.
    const running = closing.sha1(new Uint8Array(64 * 1024 * 1024));
    const outcome = running.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await closing.close();
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still pending'), 2000).unref());
    expect(await Promise.race([outcome, timeout])).toMatchObject({ code: 'CLOSED' });
  });

  test('a closed worker hasher refuses work', async () => {
    const closing = new WorkerHasher({ threads: 1 });
    await closing.close();
    await expect(closing.sha1(new Uint8Array(1))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  test('a worker that exits in the middle of a job fails that job (IO) instead of leaving it pending', async () => {
    const exiting = new WorkerHasher({
      threads: 1,
      source: "require('node:worker_threads').parentPort.on('message', () => process.exit(3));",
    });
    try {
      const outcome = exiting.sha1Moving(new Uint8Array(1024)).then(
        () => 'resolved',
        (error: unknown) => error,
      );
      const timeout = new Promise((resolve) => setTimeout(() => resolve('still pending'), 5000).unref());
      expect(await Promise.race([outcome, timeout])).toMatchObject({ code: 'IO' });
      // It never answered a job, so it is not started again.
      expect(exiting.broken).toBe(true);
    } finally {
      await exiting.close();
    }
  });

  test('workers that cannot start make the hasher broken, and it refuses work instead of restarting them', async () => {
    const failing = new WorkerHasher({ threads: 1, source: 'this is not javascript' });
    try {
      const outcome = failing.sha1(new Uint8Array(16)).then(
        () => 'resolved',
        (error: unknown) => error,
      );
      expect(await outcome).toMatchObject({ code: 'IO' });
      for (let turn = 0; !failing.broken && turn < 100; turn++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(failing.broken).toBe(true);
      await expect(failing.sha1(new Uint8Array(16))).rejects.toMatchObject({ code: 'IO', reason: expect.stringContaining('could not start') });
    } finally {
      await failing.close();
    }
  });

  test('a thread with no job for idleMs ends, and the next job starts one again; a job cancels the idle timeout', async () => {
    const timers: { ms: number; fire: () => void; cancelled: boolean }[] = [];
    const idleTimer = (fire: () => void, ms: number): (() => void) => {
      const timer = { ms, fire, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    };
    const hasher = new WorkerHasher({ threads: 1, idleMs: 5000, idleTimer });
    try {
      const data = deterministicBytes(4096, 3);
      expect(await hasher.sha1(data)).toEqual(reference(data));
      expect([hasher.running, timers.map((timer) => timer.ms)]).toEqual([1, [5000]]);
      timers[0]!.fire();
      expect(hasher.running).toBe(0);
      expect(await hasher.sha1(data)).toEqual(reference(data));
      expect([hasher.running, hasher.broken]).toEqual([1, false]);
      const next = hasher.sha1(data);
      expect(timers[1]!.cancelled).toBe(true);
      expect(await next).toEqual(reference(data));
    } finally {
      await hasher.close();
    }
    expect(timers.at(-1)!.cancelled).toBe(true);
  });

  test('a worker that answered before and then dies is replaced: the job in flight fails, the next one works', async () => {
    const secondJobExits = `
      const { parentPort } = require('node:worker_threads');
      const { createHash } = require('node:crypto');
      let jobs = 0;
      parentPort.on('message', (job) => {
        if (jobs++ === 1) process.exit(4);
        const digest = new Uint8Array(createHash('sha1').update(new Uint8Array(job.buffer, job.offset, job.length)).digest());
        parentPort.postMessage({ id: job.id, digest });
      });`;
    const hasher = new WorkerHasher({ threads: 1, source: secondJobExits });
    try {
      const data = deterministicBytes(4096, 11);
      expect(await hasher.sha1(data)).toEqual(reference(data));
      await expect(hasher.sha1(data)).rejects.toMatchObject({ code: 'IO' });
      expect(hasher.broken).toBe(false);
      expect(await hasher.sha1(data)).toEqual(reference(data));
    } finally {
      await hasher.close();
    }
  });
});
