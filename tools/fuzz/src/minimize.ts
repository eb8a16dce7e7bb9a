// Shrinks a finding's input before it is saved: removes ever smaller chunks while the input still
// gives a finding with the same signature, so a regression file shows the bug and little else.
import { execute } from './execute.js';
import type { FuzzTarget } from './target.js';

/** Budget per finding: a slow finding re-runs slow inputs, so time is capped as well as attempts. */
const MAX_ATTEMPTS = 4000;
const MAX_MS = 5000;

export function minimize(target: FuzzTarget, input: Uint8Array, signature: string, timeBound = true): Uint8Array {
  const started = Date.now();
  let attempts = 0;
  let best = input;
  for (let chunk = Math.max(1, best.length >> 1); chunk >= 1; chunk >>= 1) {
    for (let at = 0; at + chunk <= best.length;) {
      if (++attempts > MAX_ATTEMPTS || Date.now() - started > MAX_MS) return best;
      const candidate = new Uint8Array(best.length - chunk);
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + chunk), at);
      const outcome = execute(target, candidate, timeBound);
      if (outcome.kind === 'finding' && outcome.signature === signature) best = candidate;
      else at += chunk;
    }
  }
  return best;
}
