// Turning AbortSignals into TrackerErrors, and bounding a wait by a signal.
import { TrackerError } from './errors.js';
import type { Timers } from './timers.js';

/**
 * The error for an aborted signal: TIMEOUT when the reason is a timeout (AbortSignal.timeout gives
 * a DOMException named TimeoutError; `timeoutSignal` below gives a TrackerError), ABORTED otherwise.
 */
export function abortError(signal: AbortSignal, url: string): TrackerError {
  const reason: unknown = signal.reason;
  if (reason instanceof TrackerError) return new TrackerError(reason.code, reason.message, { url, cause: reason });
  if (isTimeoutReason(reason)) {
    return new TrackerError('TIMEOUT', 'the tracker did not answer in time', { url, cause: reason });
  }
  return new TrackerError('ABORTED', 'the request was aborted', { url, cause: reason });
}

export function throwIfAborted(signal: AbortSignal | undefined, url: string): void {
  if (signal?.aborted === true) throw abortError(signal, url);
}

/** Resolves or rejects with `promise`, or rejects as soon as `signal` aborts. */
export async function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined, url: string): Promise<T> {
  if (signal === undefined) return await promise;
  throwIfAborted(signal, url);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal, url));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * A signal that aborts after `ms` on the given timers (reason: a TIMEOUT TrackerError), or when
 * `parent` aborts. Call `dispose` when done so the timer does not outlive the request.
 */
export function timeoutSignal(timers: Timers, ms: number, parent?: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const cancel = timers.setTimeout(() => controller.abort(new TrackerError('TIMEOUT', `no answer within ${ms} ms`)), ms);
  const onParentAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted === true) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      cancel();
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/**
 * AbortSignal.timeout's reason is a DOMException named TimeoutError. Checked by name, not with
 * instanceof, since the DOMException may come from another realm (jest's VM contexts, for one).
 */
function isTimeoutReason(reason: unknown): boolean {
  return typeof reason === 'object' && reason !== null && 'name' in reason && reason.name === 'TimeoutError';
}
