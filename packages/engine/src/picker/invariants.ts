import type { PickerState } from './picker-state.js';
import { MAX_PRIORITY } from './types.js';

/**
 * Recomputes everything the picker maintains incrementally and compares. Each structure is read on
 * its own (the have array, the partial map, the queues) so a piece listed in two of them, or in
 * none while wanted, is caught rather than hidden by `stateOf`'s order of checks.
 */
export function checkPickerInvariants(state: PickerState): void {
  const fail = (message: string): never => {
    throw new Error(`piece picker invariant: ${message}`);
  };
  const missing = new Uint32Array(MAX_PRIORITY + 1);
  const partial = new Uint32Array(MAX_PRIORITY + 1);
  let haveCount = 0;
  let freeWanted = 0;

  for (let piece = 0; piece < state.pieceCount; piece++) {
    const level = state.priorityOf(piece);
    const have = state.hasPiece(piece);
    const record = state.downloading.get(piece);
    const queued = (state.positions[piece] ?? -1) >= 0;
    const notWanted = !have && record === undefined && !queued;
    const memberships = Number(have) + Number(record !== undefined) + Number(queued) + Number(notWanted);
    if (memberships !== 1) fail(`piece ${piece} is in ${memberships} states`);
    if (queued && (level === 0 || !state.queueOf(level).has(piece))) {
      fail(`piece ${piece} has a queue position but is not in the queue of priority ${level}`);
    }
    if (notWanted && level !== 0) fail(`piece ${piece} is wanted (priority ${level}) but in no queue`);
    if (record?.isEmpty === true) fail(`partial piece ${piece} has no block in flight or received`);
    if (have) haveCount++;
    else missing[level] = (missing[level] ?? 0) + 1;
    if (record !== undefined) partial[level] = (partial[level] ?? 0) + 1;
    if (!have && level > 0) freeWanted += record?.free ?? state.blocksOf(piece);
  }

  for (let level = 1; level <= MAX_PRIORITY; level++) {
    const queue = state.queues[level];
    if (queue === undefined) continue; // not made yet: no piece was ever queued at this level
    for (let bucket = 0; bucket < queue.bucketCount; bucket++) {
      const [start, end] = queue.bucketRange(bucket);
      if (end < start) fail(`priority ${level} bucket ${bucket} ends before it starts`);
      for (let index = start; index < end; index++) {
        const piece = queue.at(index);
        if (state.positions[piece] !== index) fail(`piece ${piece} position is stale`);
        if (state.availability[piece] !== bucket) {
          fail(`piece ${piece} with availability ${state.availability[piece]} sits in bucket ${bucket}`);
        }
        if (state.priorityOf(piece) !== level) fail(`piece ${piece} is queued under the wrong priority`);
      }
    }
  }

  if (haveCount !== state.haveCount) fail(`haveCount ${state.haveCount}, recounted ${haveCount}`);
  if (freeWanted !== state.freeWantedBlocks) {
    fail(`freeWantedBlocks ${state.freeWantedBlocks}, recounted ${freeWanted}`);
  }
  for (let level = 0; level <= MAX_PRIORITY; level++) {
    if (missing[level] !== state.missingByLevel[level]) fail(`missing count of priority ${level} is off`);
    if (partial[level] !== state.partialByLevel[level]) fail(`partial count of priority ${level} is off`);
  }
  for (let piece = 0; piece < state.sequentialCursor; piece++) {
    if (!state.hasPiece(piece)) fail(`sequential cursor ${state.sequentialCursor} skips missing piece ${piece}`);
  }
}
