// What PiecePicker.blockReceived answers when no other peer was asked for the block (all but the
// endgame): shared frozen objects rather than one made per block received.
import type { BlockReceivedResult } from './types.js';

const NO_CANCEL: readonly string[] = Object.freeze([]);

/** The block was a duplicate, or its piece is not wanted: drop it. */
export const REJECTED: BlockReceivedResult = Object.freeze({ accepted: false, cancel: NO_CANCEL, pieceComplete: false });
export const ACCEPTED: BlockReceivedResult = Object.freeze({ accepted: true, cancel: NO_CANCEL, pieceComplete: false });
export const ACCEPTED_COMPLETE: BlockReceivedResult = Object.freeze({ accepted: true, cancel: NO_CANCEL, pieceComplete: true });
