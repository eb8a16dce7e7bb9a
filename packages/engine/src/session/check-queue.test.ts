import { describe, expect, it } from '@jest/globals';
import { CheckQueue } from './check-queue.js';

/** Lets queued promise callbacks run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await Promise.resolve();
}

describe('CheckQueue', () => {
  it('lets one check run at a time by default and the others in the order they asked', async () => {
    const queue = new CheckQueue();
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    for (const name of ['a', 'b', 'c']) {
      void queue.take().then((release) => {
        order.push(name);
        releases.set(name, release);
      });
    }
    await settle();
    expect(order).toEqual(['a']);
    expect(queue.running).toBe(1);
    expect(queue.waiting).toBe(2);
    releases.get('a')!();
    await settle();
    expect(order).toEqual(['a', 'b']);
    releases.get('b')!();
    await settle();
    expect(order).toEqual(['a', 'b', 'c']);
    releases.get('c')!();
    expect(queue.running).toBe(0);
  });

  it('runs up to maxChecking at once', async () => {
    const queue = new CheckQueue(2);
    const first = await queue.take();
    await queue.take();
    let third = false;
    void queue.take().then(() => (third = true));
    await settle();
    expect(third).toBe(false);
    first();
    await settle();
    expect(third).toBe(true);
  });

  it('a second release of the same slot frees nothing more', async () => {
    const queue = new CheckQueue(1);
    const release = await queue.take();
    release();
    await queue.take();
    release();
    expect(queue.running).toBe(1);
  });

  it('an abort while waiting leaves the queue with the abort reason and skips the waiter', async () => {
    const queue = new CheckQueue(1);
    const release = await queue.take();
    const abort = new AbortController();
    const waiting = queue.take(abort.signal);
    let next = false;
    void queue.take().then(() => (next = true));
    abort.abort(new Error('paused'));
    await expect(waiting).rejects.toThrow('paused');
    expect(queue.waiting).toBe(1);
    release();
    await settle();
    expect(next).toBe(true);
  });

  it('refuses an aborted signal at once and a maximum below 1', async () => {
    await expect(new CheckQueue().take(AbortSignal.abort(new Error('stopped')))).rejects.toThrow('stopped');
    expect(() => new CheckQueue(0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
