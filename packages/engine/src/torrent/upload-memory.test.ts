import { describe, expect, it } from '@jest/globals';
import { BLOCK_SIZE } from '@typetorrent/metainfo';
import { ManualClock } from '../testing/manual-clock.js';
import { TickGroup } from './tick-group.js';
import { UploadMemory } from './upload-memory.js';

const TICK_MS = 1000;
const IDLE_MS = 10_000;

function setUp(): { clock: ManualClock; ticks: TickGroup; memory: UploadMemory } {
  const clock = new ManualClock();
  const ticks = new TickGroup(clock, TICK_MS);
  return { clock, ticks, memory: new UploadMemory({ total: 64 * BLOCK_SIZE }, { clock, ticks, idleMs: IDLE_MS }) };
}

/** What a read of `length` bytes does with the pool: takes a buffer, holds its bytes, gives both back once written. */
function readAndWrite(memory: UploadMemory, length: number, count = 1): void {
  const buffers = Array.from({ length: count }, () => memory.buffersFor(length)!.take());
  for (const buffer of buffers) memory.take(buffer.length);
  for (const buffer of buffers) {
    memory.buffersFor(buffer.length)!.give(buffer);
    memory.release(buffer.length);
  }
}

describe('UploadMemory: idle read buffers', () => {
  it('gives up the buffers of a busy spell once nothing took them for the idle time, and then leaves the session tick', () => {
    const { clock, ticks, memory } = setUp();
    readAndWrite(memory, BLOCK_SIZE, 20);
    readAndWrite(memory, 8 * BLOCK_SIZE, 4);
    expect(memory.idleBuffers).toBe(20 * BLOCK_SIZE + 32 * BLOCK_SIZE);
    expect(ticks.size).toBe(1);
    clock.advance(IDLE_MS - TICK_MS);
    expect(memory.idleBuffers).toBe(52 * BLOCK_SIZE);
    // Within two idle periods (and a tick) of the last use, every idle buffer is gone.
    clock.advance(2 * IDLE_MS + TICK_MS);
    expect(memory.idleBuffers).toBe(0);
    expect(ticks.size).toBe(0);
    // The next busy spell fills the pool again and the tick comes back with it.
    readAndWrite(memory, BLOCK_SIZE, 2);
    expect(memory.idleBuffers).toBe(2 * BLOCK_SIZE);
    expect(ticks.size).toBe(1);
  });

  it('keeps what a lighter load still uses and gives up the rest', () => {
    const { clock, memory } = setUp();
    readAndWrite(memory, BLOCK_SIZE, 16);
    // Afterwards at most 3 blocks are out at a time, every second.
    for (let second = 0; second < 40; second++) {
      readAndWrite(memory, BLOCK_SIZE, 3);
      clock.advance(TICK_MS);
    }
    expect(memory.idleBuffers).toBe(3 * BLOCK_SIZE);
  });

  it('without the session tick keeps its idle buffers (within the cap) as before', () => {
    const clock = new ManualClock();
    const memory = new UploadMemory({ total: 64 * BLOCK_SIZE }, { clock });
    readAndWrite(memory, BLOCK_SIZE, 4);
    clock.advance(10 * IDLE_MS);
    expect(memory.idleBuffers).toBe(4 * BLOCK_SIZE);
  });

  it('gives up every idle buffer at once when the session closes, and leaves the session tick', () => {
    const { ticks, memory } = setUp();
    readAndWrite(memory, BLOCK_SIZE, 6);
    expect(ticks.size).toBe(1);
    memory.trim();
    expect(memory.idleBuffers).toBe(0);
    expect(ticks.size).toBe(0);
  });
});
