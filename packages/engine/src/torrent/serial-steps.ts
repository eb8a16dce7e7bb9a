// A torrent's lifecycle steps run one at a time, in call order; steps the torrent starts itself
// (nobody awaits them) turn a failure into a warning; slow I/O at stop is bounded in time.
import type { Clock } from '../clock.js';
import { EngineError, describeError } from '../errors.js';
import { bounded } from './bounded.js';

export class SerialSteps {
  #last: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly warn: (warning: EngineError) => void,
    private readonly infoHashHex: string,
  ) {}

  /** Runs `task` after every step queued before it. */
  async run(task: () => Promise<void>): Promise<void> {
    const run = this.#last.then(task);
    this.#last = run.catch(() => undefined);
    await run;
  }

  /** A step nobody awaits: a failure becomes a warning (unless `quiet` says the torrent is gone). */
  background(task: () => Promise<void>, quiet: () => boolean): void {
    this.run(task).catch((error: unknown) => {
      if (!quiet()) this.warn(new EngineError('INVALID_STATE', `internal step failed: ${describeError(error)}`, { infoHash: this.infoHashHex, cause: error }));
    });
  }

  /** Waits for `work` at most the stop timeout; a timeout or failure is a warning. */
  async within(work: Promise<unknown>, what: string): Promise<void> {
    try {
      if ((await bounded(work, this.clock, this.timeoutMs)) === 'timeout') {
        this.warn(new EngineError('TIMEOUT', `${what} took longer than ${this.timeoutMs} ms`, { infoHash: this.infoHashHex }));
      }
    } catch (error) {
      this.warn(new EngineError('STORAGE', `${what} failed: ${describeError(error)}`, { infoHash: this.infoHashHex, cause: error }));
    }
  }
}
