// Blocks the uploader may start reading in one turn of the event loop, all peers of the session
// together (issue 17). A busy seeder's loop is a stream of small per-block callbacks (read
// completions, socket writes, write callbacks): a turn handles every completion that arrived since
// the last, so its length follows the blocks in flight, and a timer (or anything else queued)
// waits for the whole turn. With 200 leechers at the 32 MiB upload cap a turn held ~1,000 blocks
// (33 ms at p50, 80 ms at p99). Past the budget a peer waits in line and is served, in line order,
// from a timer: a timer runs in the timers phase of the NEXT iteration, after this one's poll and
// check phases (setImmediate would run in this iteration's check phase, so the turn would not end).
import { BLOCK_SIZE } from '@typetorrent/metainfo';
import type { Clock } from '../clock.js';
import { EngineError } from '../errors.js';

/**
 * Blocks (16 KiB) started per turn: 2 MiB. At ~30 µs of the loop per block served (read, PIECE
 * header, writev, write callback) a turn of about 4 ms of upload work; and twice what one peer may
 * hold (DEFAULT_UPLOAD_BUFFER_PER_PEER), so one fast peer alone never waits for a turn. Measured at
 * 1,000 torrents x 200 leechers: 64, 128, 256 and 512 all served more than without a budget (see
 * BENCHMARKS.md, issue 17 third session); p99 of the loop delay grew with the budget.
 */
export const DEFAULT_UPLOAD_BLOCKS_PER_TURN = 128;

/** The timer that ends a turn: Node's shortest (it makes 0 ms into 1), due by the next timers phase of a busy loop. */
const TURN_TIMER_MS = 1;

export interface UploadTurnsOptions {
  readonly clock: Clock;
  /** Blocks of `BLOCK_SIZE` bytes that may start in one turn; at least 1. */
  readonly blocksPerTurn?: number;
}

export class UploadTurns {
  readonly perTurn: number;
  readonly #clock: Clock;
  #left: number;
  /** The timer that ends this turn is set (from the first block taken in it, or the first waiter). */
  #ending = false;
  /** Peers that found the turn used up, in the order they asked. */
  readonly #waiting = new Set<() => void>();

  constructor(options: UploadTurnsOptions) {
    this.perTurn = options.blocksPerTurn ?? DEFAULT_UPLOAD_BLOCKS_PER_TURN;
    if (!(Number.isInteger(this.perTurn) && this.perTurn >= 1)) throw new EngineError('INVALID_ARGUMENT', `upload blocks per turn must be a positive integer, got ${this.perTurn}`);
    this.#clock = options.clock;
    this.#left = this.perTurn;
  }

  /** Blocks that may still start in this turn. */
  get left(): number {
    return this.#left;
  }

  /** Peers waiting for the next turn. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Counts `blocks` started now (the caller checked `left`; a run may take all that is left). */
  take(blocks: number): void {
    this.#left -= blocks;
    this.#endTurnSoon();
  }

  /** Calls `wake` once in a later turn, in line order (a woken peer that finds none left asks again). */
  wait(wake: () => void): void {
    this.#waiting.add(wake);
    this.#endTurnSoon();
  }

  /** Forgets a waiting peer (it left). */
  cancel(wake: () => void): void {
    this.#waiting.delete(wake);
  }

  #endTurnSoon(): void {
    if (this.#ending) return;
    this.#ending = true;
    this.#clock.setTimeout(() => this.#nextTurn(), TURN_TIMER_MS);
  }

  #nextTurn(): void {
    this.#ending = false;
    this.#left = this.perTurn;
    // A snapshot: a woken peer that asks again goes to the back, for the turn after.
    for (const wake of [...this.#waiting]) {
      if (this.#left <= 0) break;
      if (!this.#waiting.delete(wake)) continue;
      wake();
    }
  }
}

/** Blocks of the budget a read of `bytes` takes (a piece's last block may be shorter: it counts as one). */
export function blocksOf(bytes: number): number {
  return Math.ceil(bytes / BLOCK_SIZE);
}
