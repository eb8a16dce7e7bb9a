// Runs of requests: peers ask for a piece's blocks in order, so the head of a peer's queue is often
// one contiguous range of a piece, read from storage at once and written in one corked writev.
import { DEFAULT_MAX_READ_LENGTH } from '@typetorrent/storage';

/** A request the peer made of us, waiting to be served. */
export interface IncomingRequest {
  readonly piece: number;
  readonly begin: number;
  readonly length: number;
}

export interface RequestRun {
  readonly requests: IncomingRequest[];
  /** Their bytes together. */
  readonly length: number;
}

/**
 * The requests at the head of `queue` that ask for one contiguous range of a piece, up to one
 * storage read and `budget` bytes (the first request always: the caller checked it fits).
 */
export function contiguousRun(queue: readonly IncomingRequest[], budget: number): RequestRun {
  const first = queue[0];
  if (first === undefined) return { requests: [], length: 0 };
  const requests = [first];
  let length = first.length;
  for (let i = 1; i < queue.length; i++) {
    const next = queue[i];
    if (next === undefined || next.piece !== first.piece || next.begin !== first.begin + length) break;
    if (length + next.length > Math.min(DEFAULT_MAX_READ_LENGTH, budget)) break;
    requests.push(next);
    length += next.length;
  }
  return { requests, length };
}

/** Bytes of `requests` together. */
export function lengthOf(requests: readonly IncomingRequest[]): number {
  let length = 0;
  for (const request of requests) length += request.length;
  return length;
}
