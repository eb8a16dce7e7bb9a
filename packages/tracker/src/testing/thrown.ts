// Test helper: the code of the TrackerError a call throws (anything else is re-thrown, so a test
// cannot pass on the wrong kind of failure).
import { TrackerError, type TrackerErrorCode } from '../errors.js';

export function thrownCode(run: () => unknown): TrackerErrorCode | 'nothing thrown' {
  try {
    run();
  } catch (error) {
    if (error instanceof TrackerError) return error.code;
    throw error;
  }
  return 'nothing thrown';
}

export async function rejectedWith(promise: Promise<unknown>): Promise<TrackerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TrackerError) return error;
    throw error;
  }
  throw new Error('expected a TrackerError, but the promise resolved');
}
