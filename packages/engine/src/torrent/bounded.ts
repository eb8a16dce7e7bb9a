// Waiting for work with a time bound on the injected clock: stop and close must end even when a
// tracker or a disk does not answer. The work goes on in the background; the caller moves on.
import type { Cancel, Clock } from '../clock.js';

/** Resolves with 'done' when `work` settles, 'timeout' after `ms`; `work`'s rejection is rethrown. */
export async function bounded(work: Promise<unknown>, clock: Clock, ms: number): Promise<'done' | 'timeout'> {
  let cancel: Cancel | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    cancel = clock.setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work.then(() => 'done' as const), timeout]);
  } finally {
    cancel?.();
  }
}
