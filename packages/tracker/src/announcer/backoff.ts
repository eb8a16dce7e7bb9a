// Waits between announce rounds: regular intervals after a success, exponential backoff after a
// round where every tracker failed. Pure arithmetic, kept apart so it can be table-tested.

/** Milliseconds until the next regular announce after a success. */
export function nextIntervalMs(
  interval: number | undefined,
  minInterval: number | undefined,
  defaults: { readonly defaultIntervalS: number; readonly minimumIntervalS: number },
): number {
  return Math.max(interval ?? defaults.defaultIntervalS, minInterval ?? 0, defaults.minimumIntervalS) * 1000;
}

/** Milliseconds after a success before an extra (`announceNow`) announce is allowed. */
export function minGapMs(minInterval: number | undefined, minimumIntervalS: number): number {
  return Math.max(minInterval ?? 0, minimumIntervalS) * 1000;
}

/** Milliseconds before retrying after `failedRounds` (≥ 1) rounds in a row where every tracker failed. */
export function retryDelayMs(failedRounds: number, baseMs: number, maxMs: number): number {
  // Capped exponent: 2^k overflows to Infinity long before it matters, but min() would still hold.
  const exponent = Math.min(Math.max(failedRounds - 1, 0), 30);
  return Math.min(maxMs, baseMs * 2 ** exponent);
}
