// At most so many tasks at once, the others wait their turn in call order. The periodic resume saves
// of all stores go through one (`autosaves`): each may open and fsync its data files and write its
// record, and after a start that checked 10,000 torrents every one of them is due (1,272 descriptors
// were open at once when they ran 625 at a time). Resume records are read through another
// (`resumeLoads`): 10,000 torrents added at once held 10,000 records open.

export class TaskGate {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be at least 1, got ${limit}`);
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      // The turn passes straight to the next waiter (the count stays), or is given back.
      const next = this.#waiting.shift();
      if (next === undefined) this.#running--;
      else next();
    }
  }
}

/** Periodic resume saves at once, across every PieceStore of the process. */
export const autosaves = new TaskGate(16);

/** Resume records being read at once, across every PieceStore of the process. */
export const resumeLoads = new TaskGate(64);
