// A deadline on the injected clock as an AbortSignal (AbortSignal.timeout would use real time, which
// tests driving a manual clock cannot control), optionally tied to a parent signal.
import type { Clock } from '../clock.js';
import { EngineError, type EngineErrorCode } from '../errors.js';

export interface Deadline {
  readonly signal: AbortSignal;
  /** Cancels the timer; call it once the guarded operation is over. */
  dispose(): void;
}

export function deadline(clock: Clock, ms: number, code: EngineErrorCode, message: string, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  const onParent = (): void => controller.abort(parent?.reason);
  if (parent?.aborted === true) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  const cancel = clock.setTimeout(() => controller.abort(new EngineError(code, message)), ms);
  return {
    signal: controller.signal,
    dispose() {
      cancel();
      parent?.removeEventListener('abort', onParent);
    },
  };
}
