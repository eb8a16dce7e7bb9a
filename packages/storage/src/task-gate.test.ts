import { describe, expect, it } from '@jest/globals';
import { TaskGate } from './task-gate.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('TaskGate', () => {
  it('runs at most `limit` tasks at once and the rest in call order as turns free up', async () => {
    const gate = new TaskGate(2);
    const started: number[] = [];
    const finish = [deferred(), deferred(), deferred(), deferred()];
    const runs = finish.map(async (done, index) => await gate.run(async () => {
      started.push(index);
      await done.promise;
      return index;
    }));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([gate.running, gate.waiting]).toEqual([2, 2]);
    finish[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    finish[0]!.resolve();
    finish[2]!.resolve();
    finish[3]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it('a failing task gives its turn on', async () => {
    const gate = new TaskGate(1);
    const failing = gate.run(async () => {
      throw new Error('boom');
    });
    const next = gate.run(async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('ran');
    expect(gate.running).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new TaskGate(0)).toThrow(RangeError);
  });
});
