// Runs one input through a target and sorts the outcome: a decoded shape, an expected (typed)
// rejection, or a finding. Slowness and memory are measured here, and a suspect input is re-run
// before it counts, so one GC pause or a busy neighbour on the machine does not make a finding.
import { getHeapStatistics } from 'node:v8';
import { RoundTripMismatch, type FuzzTarget } from './target.js';

/** The stated bounds. See README: bounds. */
export const BOUNDS = {
  /** A call is slow when it takes longer than this plus `slowPerByteUs` per input byte... */
  slowBaseMs: 25,
  slowPerByteUs: 10,
  /** ...on each of this many runs in a row. */
  confirmRuns: 3,
  /** Memory left in use (V8 heap + external buffers) right after one call, over what was in use before it. */
  memoryBaseBytes: 32 * 1024 * 1024,
  memoryPerInputByte: 256,
} as const;

export type FindingKind = 'crash' | 'mismatch' | 'slow' | 'memory' | 'leak';

export type Outcome =
  | { readonly kind: 'ok' | 'rejected'; readonly label: string }
  | { readonly kind: 'finding'; readonly finding: FindingKind; readonly message: string; readonly signature: string };

export function slowBoundMs(length: number): number {
  return BOUNDS.slowBaseMs + (BOUNDS.slowPerByteUs * length) / 1000;
}

export function memoryBoundBytes(length: number): number {
  return BOUNDS.memoryBaseBytes + BOUNDS.memoryPerInputByte * length;
}

function memoryInUse(): number {
  const stats = getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

interface Measured {
  readonly outcome: Outcome;
  readonly ms: number;
  readonly grownBytes: number;
}

function once(target: FuzzTarget, input: Uint8Array): Measured {
  const before = memoryInUse();
  const started = process.hrtime.bigint();
  let outcome: Outcome;
  try {
    outcome = { kind: 'ok', label: target.run(input) };
  } catch (error) {
    outcome = classify(target, error);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { outcome, ms, grownBytes: memoryInUse() - before };
}

function classify(target: FuzzTarget, error: unknown): Outcome {
  if (error instanceof RoundTripMismatch) {
    return { kind: 'finding', finding: 'mismatch', message: error.message, signature: `mismatch:${error.check}` };
  }
  const label = target.expectedError(error);
  if (label !== undefined) return { kind: 'rejected', label };
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  // Same exception type thrown from the same place: one finding, however many inputs reach it.
  const frame = error instanceof Error ? (error.stack?.split('\n').find((line) => line.trim().startsWith('at ')) ?? '') : '';
  return { kind: 'finding', finding: 'crash', message, signature: `crash:${name}:${frame.trim()}` };
}

/**
 * The outcome of one input, with the memory check and (unless `timeBound` is false) the time check
 * applied. Tests pass false: a test must not fail because the machine is busy, so time findings
 * come from the fuzz command only.
 */
export function execute(target: FuzzTarget, input: Uint8Array, timeBound = true): Outcome {
  const first = once(target, input);
  if (first.outcome.kind === 'finding') return first.outcome;
  const slow = (m: Measured): boolean => timeBound && m.ms > slowBoundMs(input.length);
  const heavy = (m: Measured): boolean => m.grownBytes > memoryBoundBytes(input.length);
  if (!slow(first) && !heavy(first)) return first.outcome;
  const again: Measured[] = [first];
  for (let i = 1; i < BOUNDS.confirmRuns; i++) again.push(once(target, input));
  if (again.every(slow)) {
    const ms = Math.min(...again.map((m) => m.ms));
    return {
      kind: 'finding', finding: 'slow', signature: `slow:${first.outcome.label}`,
      message: `${input.length} bytes took at least ${ms.toFixed(1)} ms on ${BOUNDS.confirmRuns} runs (bound ${slowBoundMs(input.length).toFixed(1)} ms)`,
    };
  }
  if (again.every(heavy)) {
    const grown = Math.min(...again.map((m) => m.grownBytes));
    return {
      kind: 'finding', finding: 'memory', signature: `memory:${first.outcome.label}`,
      message: `${input.length} bytes left ${(grown / 1048576).toFixed(1)} MiB more in use on ${BOUNDS.confirmRuns} runs (bound ${(memoryBoundBytes(input.length) / 1048576).toFixed(1)} MiB)`,
    };
  }
  return first.outcome;
}
