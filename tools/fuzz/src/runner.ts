// The fuzz loop for one target: run the seeds, then mutate corpus entries until the time is up.
// An input whose outcome label was never seen before joins the corpus (the novelty signal: see
// README: guidance). Findings are deduplicated by signature and handed to `onFinding`.
import type { CoverageProbe } from './coverage.js';
import { execute, type FindingKind } from './execute.js';
import { minimize } from './minimize.js';
import { mutate } from './mutate.js';
import { Rng } from './rng.js';
import type { FuzzTarget } from './target.js';

export interface Finding {
  readonly target: string;
  readonly kind: FindingKind;
  readonly message: string;
  readonly input: Uint8Array;
}

export interface FuzzOptions {
  readonly seconds: number;
  readonly seed: number;
  /** Starting inputs: the seed corpus and earlier findings. */
  readonly seeds: readonly Uint8Array[];
  readonly onFinding?: (finding: Finding) => void;
  /** Shrink each finding's input before reporting it (default true; see minimize.ts). */
  readonly minimize?: boolean;
  /** Block coverage of the parsers: inputs that run new blocks join the corpus (coverage.ts). */
  readonly coverage?: CoverageProbe;
  /** Apply the time bound (default true); tests turn it off (see execute). */
  readonly timeBound?: boolean;
}

export interface FuzzResult {
  readonly runs: number;
  readonly findings: readonly Finding[];
  readonly corpusSize: number;
  readonly labels: number;
  /** Blocks of parser code run so far (0 without a coverage probe). */
  readonly blocks: number;
}

/** Corpus caps: entries and bytes, so a long run's memory stays bounded (and the leak check meaningful). */
const MAX_CORPUS_ENTRIES = 4096;
const MAX_CORPUS_BYTES = 32 * 1024 * 1024;
/** Distinct labels remembered; past this, novelty no longer counts (the corpus is long full by then). */
const MAX_LABELS = 65_536;
/** Heap growth after a full GC that counts as a leak, checked every few seconds when `gc` is exposed. */
export const LEAK_BOUND_BYTES = 256 * 1024 * 1024;
const LEAK_CHECK_MS = 5000;

const encoder = new TextEncoder();

export function fuzz(target: FuzzTarget, options: FuzzOptions): FuzzResult {
  const rng = new Rng(options.seed);
  const dictionary = target.dictionary.map((word) => encoder.encode(word));
  const maxLength = target.maxInputLength ?? 4096;
  const corpus: Uint8Array[] = [];
  let corpusBytes = 0;
  const labels = new Set<string>();
  const signatures = new Set<string>();
  const findings: Finding[] = [];
  let runs = 0;

  const run = (input: Uint8Array): void => {
    runs++;
    const outcome = execute(target, input, options.timeBound !== false);
    if (outcome.kind === 'finding') {
      if (signatures.has(outcome.signature)) return;
      signatures.add(outcome.signature);
      const smallest = (options.minimize === false ? input : minimize(target, input, outcome.signature, options.timeBound !== false)).slice();
      const finding: Finding = { target: target.name, kind: outcome.finding, message: outcome.message, input: smallest };
      findings.push(finding);
      options.onFinding?.(finding);
      return;
    }
    const label = `${outcome.kind}:${outcome.label}`;
    if (labels.has(label) || labels.size >= MAX_LABELS) return;
    // A fresh copy: a label may be a slice of a string made from the input, and a V8 sliced string
    // keeps all of its parent alive (64 KiB per label for an amplified input).
    labels.add(JSON.parse(JSON.stringify(label)) as string);
    keep(input, false);
  };
  /** Adds to the corpus; when it is full, an input that ran new code replaces a random entry. */
  const keep = (input: Uint8Array, newCode: boolean): void => {
    if (corpus.length < MAX_CORPUS_ENTRIES && corpusBytes + input.length <= MAX_CORPUS_BYTES) {
      corpus.push(input.slice());
      corpusBytes += input.length;
    } else if (newCode && input.length <= MAX_CORPUS_BYTES / MAX_CORPUS_ENTRIES) {
      const at = rng.below(corpus.length);
      corpusBytes += input.length - (corpus[at]?.length ?? 0);
      corpus[at] = input.slice();
    }
  };
  const probe = options.coverage;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(options.seconds * 1e9));
  const attribute = probe === undefined ? undefined : attributor(target, probe, (input) => keep(input, true), deadline);

  for (const seed of options.seeds) run(seed);
  if (corpus.length === 0) corpus.push(new Uint8Array(0));
  // What the seeds reach is the baseline: only blocks beyond it make a mutant worth keeping.
  probe?.mark(probe.takeNew());

  const gc = (globalThis as { gc?: () => void }).gc;
  let baseline: number | undefined;
  let nextLeakCheck = Date.now() + LEAK_CHECK_MS;
  let last: Uint8Array = new Uint8Array(0);
  while (process.hrtime.bigint() < deadline) {
    // Checking the clock costs little next to a parse, but batch anyway.
    const batch: Uint8Array[] = [];
    for (let i = 0; i < 64; i++) {
      const parent = rng.pick(corpus);
      last = mutate(parent, { rng, corpus, dictionary, maxLength });
      run(last);
      batch.push(last);
    }
    // One coverage take per batch (a fraction of a millisecond); only a batch that ran new blocks
    // is searched for the inputs responsible.
    if (attribute !== undefined && probe !== undefined && probe.takeNew().length > 0) attribute(batch);
    if (gc !== undefined && Date.now() >= nextLeakCheck) {
      nextLeakCheck = Date.now() + LEAK_CHECK_MS;
      gc();
      // The corpus is mostly off-heap (typed arrays over 64 bytes) and capped; labels are capped too.
      const inUse = process.memoryUsage().heapUsed;
      baseline ??= inUse;
      if (inUse - baseline > LEAK_BOUND_BYTES && !signatures.has('leak')) {
        signatures.add('leak');
        const message = `heap grew by ${((inUse - baseline) / 1048576).toFixed(0)} MiB over the run (bound ${LEAK_BOUND_BYTES / 1048576} MiB); the saved input is only the last one run`;
        const finding: Finding = { target: target.name, kind: 'leak', message, input: last.slice() };
        findings.push(finding);
        options.onFinding?.(finding);
      }
    }
  }
  return { runs, findings, corpusSize: corpus.length, labels: labels.size, blocks: probe?.blocksSeen ?? 0 };
}

/**
 * Finds the inputs of a batch that ran blocks never seen before, by halving: run one half, take
 * coverage, keep the half with new blocks, down to one input, which joins the corpus with its blocks
 * marked seen. Repeats while the batch still runs new blocks (at most 8 times); whatever cannot be
 * pinned on one input (code that runs only on a first call) is marked seen and not chased again.
 */
function attributor(
  target: FuzzTarget, probe: CoverageProbe, keep: (input: Uint8Array) => void, deadline: bigint,
): (batch: readonly Uint8Array[]) => void {
  const quietly = (inputs: readonly Uint8Array[]): void => {
    for (const input of inputs) {
      try {
        target.run(input);
      } catch {
        // Outcomes were judged on the first run; only coverage matters here.
      }
    }
  };
  return (batch) => {
    // Past the deadline the search stops: a batch of large inputs re-run many times could overrun it.
    for (let round = 0; round < 8 && process.hrtime.bigint() < deadline; round++) {
      let candidates = batch;
      while (candidates.length > 1) {
        const half = candidates.slice(0, candidates.length >> 1);
        probe.reset();
        quietly(half);
        candidates = probe.takeNew().length > 0 ? half : candidates.slice(candidates.length >> 1);
      }
      probe.reset();
      quietly(candidates);
      const own = probe.takeNew();
      if (own.length === 0 || candidates[0] === undefined) break;
      probe.mark(own);
      keep(candidates[0]);
      quietly(batch);
      if (probe.takeNew().length === 0) return;
    }
    quietly(batch);
    probe.mark(probe.takeNew());
  };
}

/** Replays saved inputs (no mutation): the outcome of each, for regression tests. */
export function replay(
  target: FuzzTarget, inputs: readonly { name: string; bytes: Uint8Array }[], timeBound = true,
): { name: string; message: string }[] {
  const failures: { name: string; message: string }[] = [];
  for (const { name, bytes } of inputs) {
    const outcome = execute(target, bytes, timeBound);
    if (outcome.kind === 'finding') failures.push({ name, message: `${outcome.finding}: ${outcome.message}` });
  }
  return failures;
}
