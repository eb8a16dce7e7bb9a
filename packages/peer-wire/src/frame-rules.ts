// Which length prefix each message id may carry. Checked as soon as the prefix and id byte arrive,
// before a single payload byte is buffered, so a peer cannot make the decoder hold more than the
// bound of the message it claims to send.
import { Bitfield } from './bitfield.js';
import { WireError } from './errors.js';
import type { DecoderLimits } from './limits.js';
import { MessageId } from './messages.js';

export interface FrameContext {
  limits: DecoderLimits;
  /** Known once metadata is; until then a bitfield is only bounded by `maxMessageLength`. */
  pieceCount: number | undefined;
  /** false: BEP 6 messages are fatal. undefined: not enforced (negotiation unknown to the decoder). */
  fast: boolean | undefined;
  /** false: BEP 10 messages are fatal. undefined: not enforced. */
  extended: boolean | undefined;
}

/** Exact length prefix (id byte included) of every fixed-size message. */
const EXACT: ReadonlyMap<number, number> = new Map([
  [MessageId.choke, 1],
  [MessageId.unchoke, 1],
  [MessageId.interested, 1],
  [MessageId.notInterested, 1],
  [MessageId.have, 5],
  [MessageId.request, 13],
  [MessageId.cancel, 13],
  [MessageId.port, 3],
  [MessageId.suggestPiece, 5],
  [MessageId.haveAll, 1],
  [MessageId.haveNone, 1],
  [MessageId.rejectRequest, 13],
  [MessageId.allowedFast, 5],
]);

/** The same as a table indexed by id (-1: not fixed-size), for the per-message hot path. */
const EXACT_BY_ID = new Int32Array(256).fill(-1);
for (const [id, length] of EXACT) EXACT_BY_ID[id] = length;

const FAST_IDS: ReadonlySet<number> = new Set([
  MessageId.suggestPiece,
  MessageId.haveAll,
  MessageId.haveNone,
  MessageId.rejectRequest,
  MessageId.allowedFast,
]);

export function isFixedSize(id: number): boolean {
  return (EXACT_BY_ID[id] ?? -1) !== -1;
}

/** The absolute cap, checked on the 4 length bytes alone. */
export function checkLengthPrefix(length: number, ctx: FrameContext, offset: number): void {
  if (length > ctx.limits.maxMessageLength) {
    throw new WireError('message-too-long', `length prefix ${length} is over the cap of ${ctx.limits.maxMessageLength}`, {
      offset,
      field: 'length',
      fatal: true,
    });
  }
}

/** The per-id rule, checked once the id byte is there. `length` includes the id byte. */
export function checkFrame(id: number, length: number, ctx: FrameContext, offset: number): void {
  if (ctx.fast === false && FAST_IDS.has(id)) {
    // BEP 6: "When the fast extension is disabled, if a peer receives ... the peer MUST close the connection."
    throw new WireError('fast-not-negotiated', `message id ${id} (BEP 6) without the fast extension`, { offset, field: 'id', fatal: true });
  }
  if (ctx.extended === false && id === MessageId.extended) {
    throw new WireError('extended-not-negotiated', 'extended message (BEP 10) without the extension protocol', {
      offset,
      field: 'id',
      fatal: true,
    });
  }
  const exact = EXACT_BY_ID[id] ?? -1;
  if (exact !== -1) {
    if (length !== exact) throw badLength(id, length, `exactly ${exact}`, offset);
    return;
  }
  switch (id) {
    case MessageId.bitfield: {
      if (ctx.pieceCount !== undefined) {
        const want = 1 + Bitfield.byteLength(ctx.pieceCount);
        if (length !== want) throw badLength(id, length, `exactly ${want} for ${ctx.pieceCount} pieces`, offset);
      }
      return;
    }
    case MessageId.piece:
      if (length < 9) throw badLength(id, length, 'at least 9', offset);
      if (length > 9 + ctx.limits.maxBlockLength) throw tooLong(id, length, 9 + ctx.limits.maxBlockLength, offset);
      return;
    case MessageId.extended:
      if (length < 2) throw badLength(id, length, 'at least 2', offset);
      if (length > 1 + ctx.limits.maxExtendedLength) throw tooLong(id, length, 1 + ctx.limits.maxExtendedLength, offset);
      return;
    default:
      if (length > 1 + ctx.limits.maxUnknownLength) throw tooLong(id, length, 1 + ctx.limits.maxUnknownLength, offset);
  }
}

function badLength(id: number, length: number, want: string, offset: number): WireError {
  return new WireError('bad-message-length', `message id ${id} has length ${length}, want ${want}`, { offset, field: 'length', fatal: true });
}

function tooLong(id: number, length: number, max: number, offset: number): WireError {
  return new WireError('message-too-long', `message id ${id} has length ${length}, over its cap of ${max}`, {
    offset,
    field: 'length',
    fatal: true,
  });
}
