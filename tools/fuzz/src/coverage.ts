// Block coverage from V8 (the inspector's Profiler domain, in this process): the fuzzer's real
// guidance when it runs from the command line. Binary block coverage is on for the whole run;
// each `take` returns the blocks run since the previous one, and resets them.
import { Session } from 'node:inspector';

interface Range {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly count: number;
}
interface ScriptCoverage {
  readonly scriptId: string;
  readonly url: string;
  readonly functions: readonly { readonly ranges: readonly Range[] }[];
}

export class CoverageProbe {
  readonly #session: Session;
  readonly #seen = new Set<string>();
  /** Per function run so far, every block seen not running: the blocks there are to cover. */
  readonly #blocks = new Map<string, Map<string, Range>>();
  readonly #include: (url: string) => boolean;

  private constructor(session: Session, include: (url: string) => boolean) {
    this.#session = session;
    this.#include = include;
  }

  /** Starts block coverage of the scripts whose URL `include` accepts (default: the packages' code). */
  static start(include: (url: string) => boolean = (url) => url.includes('/packages/')): CoverageProbe {
    const session = new Session();
    session.connect();
    const probe = new CoverageProbe(session, include);
    probe.#post('Profiler.enable');
    probe.#post('Profiler.startPreciseCoverage', { callCount: false, detailed: true });
    return probe;
  }

  /**
   * Blocks run since the last take (or reset) that were never marked seen. V8 reports a function's
   * range and, nested in it, only the ranges whose count differs: with binary counts, the blocks
   * that did *not* run. So a block is known once it has been seen not running, and it counts as
   * covered on a take where its function ran and no reported zero range contains it.
   */
  takeNew(): string[] {
    const fresh: string[] = [];
    const { result } = this.#post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    for (const script of result) {
      if (!this.#include(script.url)) continue;
      for (const fn of script.functions) {
        const [whole, ...nested] = fn.ranges;
        if (whole === undefined || whole.count === 0) continue;
        const fnKey = `${script.scriptId}:${whole.startOffset}`;
        if (!this.#seen.has(fnKey)) fresh.push(fnKey);
        const zeroes = nested.filter((r) => r.count === 0);
        let known = this.#blocks.get(fnKey);
        if (known === undefined) {
          known = new Map();
          this.#blocks.set(fnKey, known);
        }
        for (const [key, block] of known) {
          if (this.#seen.has(key)) continue;
          const skipped = zeroes.some((z) => z.startOffset <= block.startOffset && block.endOffset <= z.endOffset);
          if (!skipped) fresh.push(key);
        }
        for (const z of zeroes) {
          const key = `${fnKey}:${z.startOffset}-${z.endOffset}`;
          if (!known.has(key)) known.set(key, z);
        }
      }
    }
    return fresh;
  }

  /** Forgets what ran since the last take. */
  reset(): void {
    this.#post('Profiler.takePreciseCoverage');
  }

  mark(blocks: readonly string[]): void {
    for (const block of blocks) this.#seen.add(block);
  }

  /** Functions and blocks of parser code covered so far. */
  get blocksSeen(): number {
    return this.#seen.size;
  }

  stop(): void {
    this.#post('Profiler.stopPreciseCoverage');
    this.#session.disconnect();
  }

  /** Session#post on the main thread answers synchronously: the callback has run when it returns. */
  #post(method: string, params?: object): unknown {
    let answer: unknown;
    let failure: unknown;
    this.#session.post(method, params, (error, result) => {
      failure = error ?? undefined;
      answer = result;
    });
    if (failure !== undefined && failure !== null) throw failure;
    return answer;
  }
}
