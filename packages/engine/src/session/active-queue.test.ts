import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../testing/manual-clock.js';
import type { QueueMember } from '../torrent/active-slots.js';
import { ActiveQueue, DEFAULT_MAX_ACTIVE_DOWNLOADS } from './active-queue.js';

/** A member that counts how often the queue told it to look again. */
class Member implements QueueMember {
  told = 0;
  constructor(readonly name: string) {}
  queueChanged(): void {
    this.told++;
  }
}

function members(count: number): Member[] {
  return Array.from({ length: count }, (_, index) => new Member(`t${index}`));
}

function joined(queue: ActiveQueue, list: Member[]): Member[] {
  for (const member of list) queue.join(member);
  return list;
}

const activeNames = (queue: ActiveQueue, list: Member[]): string[] => list.filter((m) => queue.isActive(m)).map((m) => m.name);

describe('ActiveQueue', () => {
  it('by default lets 5 downloads run and any number of seeds', () => {
    const queue = new ActiveQueue();
    const downloads = joined(queue, members(8));
    const seeds = joined(queue, members(10_000));
    expect(downloads.map((m) => queue.want(m, 'download'))).toEqual([true, true, true, true, true, false, false, false]);
    expect(seeds.every((m) => queue.want(m, 'seed'))).toBe(true);
    expect(queue.activeCount('download')).toBe(DEFAULT_MAX_ACTIVE_DOWNLOADS);
    expect(queue.activeCount('seed')).toBe(10_000);
    expect(queue.waitingCount).toBe(3);
  });

  it('starts waiting torrents in queue order, not in the order they asked', () => {
    const queue = new ActiveQueue({ downloads: 1 });
    const [a, b, c, d] = joined(queue, members(4));
    expect(queue.want(a!, 'download')).toBe(true);
    expect(queue.want(d!, 'download')).toBe(false);
    expect(queue.want(c!, 'download')).toBe(false);
    expect(queue.want(b!, 'download')).toBe(false);
    queue.release(a!);
    expect(activeNames(queue, [a!, b!, c!, d!])).toEqual(['t1']);
    expect(b!.told).toBe(1);
    queue.release(b!);
    expect(activeNames(queue, [a!, b!, c!, d!])).toEqual(['t2']);
    queue.release(c!);
    expect(activeNames(queue, [a!, b!, c!, d!])).toEqual(['t3']);
  });

  it('a finished download frees its download slot for the next one and takes a seed slot', () => {
    const queue = new ActiveQueue({ downloads: 2, seeds: 10 });
    const list = joined(queue, members(4));
    for (const member of list) queue.want(member, 'download');
    expect(activeNames(queue, list)).toEqual(['t0', 't1']);
    queue.change(list[0]!, 'seed');
    expect(activeNames(queue, list)).toEqual(['t0', 't1', 't2']);
    expect(queue.activeCount('seed')).toBe(1);
    expect(list[2]!.told).toBe(1);
    expect(list[0]!.told).toBe(0); // it keeps running: it only changed kind
  });

  it('a finished download with no seed slot free waits as a seed, and the latest seed in the queue gives way', () => {
    const queue = new ActiveQueue({ downloads: 1, seeds: 1 });
    const [early, late] = joined(queue, members(2));
    expect(queue.want(late!, 'seed')).toBe(true);
    expect(queue.want(early!, 'download')).toBe(true);
    queue.change(early!, 'seed');
    // Two seeds for one slot: the one later in the queue waits.
    expect(queue.isActive(early!)).toBe(true);
    expect(queue.isActive(late!)).toBe(false);
    expect(queue.isWaiting(late!)).toBe(true);
    expect(late!.told).toBe(1);
  });

  it('pausing (release) a waiting torrent takes it out of the wait; resuming (want) puts it back in its place', () => {
    const queue = new ActiveQueue({ downloads: 1 });
    const [a, b, c] = joined(queue, members(3));
    queue.want(a!, 'download');
    queue.want(b!, 'download');
    queue.want(c!, 'download');
    queue.release(b!);
    expect(queue.isWaiting(b!)).toBe(false);
    queue.want(b!, 'download');
    queue.release(a!);
    expect(activeNames(queue, [a!, b!, c!])).toEqual(['t1']);
  });

  it('moving a waiting torrent first gives it the next free slot; an active one keeps its slot', () => {
    const queue = new ActiveQueue({ downloads: 1 });
    const list = joined(queue, members(4));
    for (const member of list) queue.want(member, 'download');
    queue.move(list[3]!, 0);
    expect(list.map((m) => queue.position(m))).toEqual([1, 2, 3, 0]);
    expect(activeNames(queue, list)).toEqual(['t0']);
    queue.release(list[0]!);
    expect(activeNames(queue, list)).toEqual(['t3']);
    queue.move(list[1]!, 99);
    expect(list.map((m) => queue.position(m))).toEqual([1, 3, 2, 0]);
  });

  it('a removed torrent leaves its place: those after it move up, its slot goes on', () => {
    const queue = new ActiveQueue({ downloads: 1 });
    const list = joined(queue, members(3));
    for (const member of list) queue.want(member, 'download');
    queue.leave(list[0]!);
    expect(list.map((m) => queue.position(m))).toEqual([-1, 0, 1]);
    expect(activeNames(queue, list)).toEqual(['t1']);
  });

  it('limits raised at run time start waiting torrents; lowered ones send the latest in the queue back to wait', () => {
    const queue = new ActiveQueue({ downloads: 2 });
    const list = joined(queue, members(6));
    for (const member of list) queue.want(member, 'download');
    queue.setLimits({ downloads: 5 });
    expect(activeNames(queue, list)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    queue.setLimits({ downloads: 1 });
    expect(activeNames(queue, list)).toEqual(['t0']);
    expect(list.map((m) => m.told)).toEqual([0, 1, 2, 2, 2, 0]);
  });

  it('the total limit caps downloads and seeds together, in queue order', () => {
    const queue = new ActiveQueue({ downloads: 10, seeds: 10, total: 3 });
    const list = joined(queue, members(5));
    queue.want(list[4]!, 'seed');
    queue.want(list[3]!, 'download');
    queue.want(list[2]!, 'seed');
    expect(queue.want(list[0]!, 'download')).toBe(false);
    expect(queue.want(list[1]!, 'seed')).toBe(false);
    queue.release(list[4]!);
    expect(activeNames(queue, list)).toEqual(['t0', 't2', 't3']);
  });

  it('a limit of 0 keeps every torrent of that kind waiting', () => {
    const queue = new ActiveQueue({ seeds: 0 });
    const [member] = joined(queue, members(1));
    expect(queue.want(member!, 'seed')).toBe(false);
    expect(queue.want(member!, 'download')).toBe(true);
  });

  it('refuses limits that are not whole numbers, and positions that are not integers', () => {
    expect(() => new ActiveQueue({ downloads: -1 })).toThrow(/at least 0/);
    expect(() => new ActiveQueue({ seeds: 1.5 })).toThrow(/whole number/);
    const queue = new ActiveQueue();
    const [member] = joined(queue, members(1));
    expect(() => queue.move(member!, 0.5)).toThrow(/integer/);
  });
});

/** A member with rates the test sets. */
class Moving extends Member {
  download = 0;
  upload = 0;
  transferRates(): { download: number; upload: number } {
    return { download: this.download, upload: this.upload };
  }
}

describe('ActiveQueue: slow torrents do not count', () => {
  const rule = { belowBytesPerSecond: 2048, afterMs: 60_000, everyMs: 30_000 };

  it('a download slow after its first minute lets the next one start; fast again, the latest in the queue waits', () => {
    const clock = new ManualClock();
    const queue = new ActiveQueue({ downloads: 1 }, { clock, slow: rule });
    const [stalled, next] = [new Moving('stalled'), new Moving('next')];
    queue.join(stalled);
    queue.join(next);
    expect(queue.want(stalled, 'download')).toBe(true);
    expect(queue.want(next, 'download')).toBe(false);
    clock.advance(30_000);
    expect(queue.isActive(next)).toBe(false); // still in its first minute
    clock.advance(30_000);
    expect(queue.isSlow(stalled)).toBe(true);
    expect(queue.isActive(next)).toBe(true);
    expect(next.told).toBe(1);
    // The stalled one finds a peer: it counts again, and the one later in the queue waits.
    stalled.download = 50_000;
    clock.advance(30_000);
    expect(queue.isSlow(stalled)).toBe(false);
    expect(queue.isActive(stalled)).toBe(true);
    expect(queue.isActive(next)).toBe(false);
    expect(next.told).toBe(2);
  });

  it('uploading counts as moving, and a kind without a limit is never looked at', () => {
    const clock = new ManualClock();
    const queue = new ActiveQueue({ downloads: 1 }, { clock, slow: rule });
    const [uploading, waiting, seed] = [new Moving('uploading'), new Moving('waiting'), new Moving('seed')];
    for (const member of [uploading, waiting, seed]) queue.join(member);
    uploading.upload = 10_000;
    queue.want(uploading, 'download');
    queue.want(waiting, 'download');
    queue.want(seed, 'seed');
    clock.advance(120_000);
    expect(queue.isSlow(uploading)).toBe(false);
    expect(queue.isSlow(seed)).toBe(false);
    expect(queue.isActive(waiting)).toBe(false);
  });

  it('without the rule every active torrent counts, however slow', () => {
    const clock = new ManualClock();
    const queue = new ActiveQueue({ downloads: 1 }, { clock });
    const [stalled, next] = [new Moving('stalled'), new Moving('next')];
    queue.join(stalled);
    queue.join(next);
    queue.want(stalled, 'download');
    queue.want(next, 'download');
    clock.advance(600_000);
    expect(queue.isActive(next)).toBe(false);
  });
});
