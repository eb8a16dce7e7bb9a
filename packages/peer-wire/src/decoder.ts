// The streaming decoder: bytes in any chunking go in with `push`, messages come out of `next`.
// See STATE.md beside this file for the states and their invariants.
import { Bitfield } from './bitfield.js';
import { WireError, invalidArgument } from './errors.js';
import { checkFrame, checkLengthPrefix, isFixedSize, type FrameContext } from './frame-rules.js';
import { checkProtocolPrefix, decodeHandshake, HANDSHAKE_LENGTH } from './handshake.js';
import { DEFAULT_LIMITS, type DecoderLimits } from './limits.js';
import { KEEP_ALIVE, MessageId, type WireMessage } from './messages.js';
import { parseFixed } from './parse-fixed.js';

export interface WireDecoderOptions extends Partial<DecoderLimits> {
  /**
   * true (default): the stream starts with the 68-byte handshake. false: it starts with messages,
   * for a connection whose handshake the caller has already read (e.g. to pick the torrent of an
   * incoming connection by its info-hash).
   */
  handshake?: boolean;
  /** Piece count, if known now; otherwise call `setPieceCount` once the metadata is there. */
  pieceCount?: number;
  /** Whether BEP 6 / BEP 10 were negotiated; see `setNegotiated`. Unset: not enforced. */
  fast?: boolean;
  extended?: boolean;
}

// States (STATE.md). Plain numbers: the decoder's switch is on the hot path.
const HANDSHAKE = 0;
const LENGTH = 1;
const ID = 2;
const FIXED_BODY = 3;
const BUFFERED_BODY = 4;
const PIECE_HEAD = 5;
const PIECE_BLOCK = 6;
const SKIP = 7;
type State = typeof HANDSHAKE | typeof LENGTH | typeof ID | typeof FIXED_BODY | typeof BUFFERED_BODY | typeof PIECE_HEAD | typeof PIECE_BLOCK | typeof SKIP;

const EMPTY = new Uint8Array(0);

/**
 * Usage: after every `push(chunk)`, call `next()` until it returns null. `next()` throws a fatal
 * `WireError` on a protocol violation; the decoder then stays failed (every later call throws the
 * same error) and the caller should close the connection.
 *
 * Zero-copy: `piece` blocks, `bitfield` bytes and `extended` payloads are subarrays of the pushed
 * chunk when the whole field is inside one chunk; otherwise they are assembled once into a new
 * buffer of exactly their size. A caller that reuses chunk memory must copy what it keeps.
 */
export class WireDecoder {
  readonly #ctx: FrameContext;
  #state: State;
  #failed: WireError | undefined;

  // Input: the chunk being read, then chunks pushed before it was used up.
  #chunk: Uint8Array = EMPTY;
  #view: DataView | undefined;
  #pos = 0;
  #queue: Uint8Array[] = [];
  #queueHead = 0;
  /** Stream offset of `#chunk[0]`. */
  #chunkBase = 0;

  // The message being read.
  #messageStart = 0;
  #length = 0;
  #id = 0;
  #pieceIndex = 0;
  #pieceBegin = 0;
  #skipLeft = 0;
  /** Small fields that straddle chunks (length prefix, fixed bodies, piece head, handshake). */
  readonly #scratch = new Uint8Array(HANDSHAKE_LENGTH);
  readonly #scratchView = new DataView(this.#scratch.buffer);
  #filled = 0;
  /** An exact-size buffer for a bitfield, extended payload or block that straddles chunks. */
  #body: Uint8Array = EMPTY;

  constructor(options: WireDecoderOptions = {}) {
    const limits: DecoderLimits = { ...DEFAULT_LIMITS };
    for (const key of Object.keys(DEFAULT_LIMITS) as (keyof DecoderLimits)[]) {
      const value = options[key];
      if (value !== undefined) {
        if (!Number.isSafeInteger(value) || value < 0) throw invalidArgument(key, `must be a non-negative integer, got ${value}`);
        limits[key] = value;
      }
    }
    this.#ctx = { limits, pieceCount: undefined, fast: options.fast, extended: options.extended };
    if (options.pieceCount !== undefined) this.setPieceCount(options.pieceCount);
    this.#state = options.handshake === false ? LENGTH : HANDSHAKE;
  }

  /** From now on a bitfield must be exactly ceil(pieceCount / 8) bytes with zero spare bits. */
  setPieceCount(pieceCount: number): void {
    if (!Number.isSafeInteger(pieceCount) || pieceCount < 0) {
      throw invalidArgument('pieceCount', `must be a non-negative integer, got ${pieceCount}`);
    }
    this.#ctx.pieceCount = pieceCount;
  }

  /**
   * What both ends' reserved bits enabled (see `negotiate`). A BEP 6 message when `fast` is false,
   * or a BEP 10 message when `extended` is false, is then a fatal error, as BEP 6 requires.
   */
  setNegotiated(flags: { fast?: boolean; extended?: boolean }): void {
    if (flags.fast !== undefined) this.#ctx.fast = flags.fast;
    if (flags.extended !== undefined) this.#ctx.extended = flags.extended;
  }

  /** Bytes pushed but not yet decoded into messages (held chunks plus a partial payload). */
  get bufferedBytes(): number {
    let n = this.#chunk.length - this.#pos;
    for (let i = this.#queueHead; i < this.#queue.length; i++) n += this.#queue[i]?.length ?? 0;
    return n + this.#filled;
  }

  /** Stream offset of the next byte to decode. */
  get offset(): number {
    return this.#chunkBase + this.#pos;
  }

  /** Hands a chunk to the decoder. It is referenced, not copied; read it with `next()`. */
  push(chunk: Uint8Array): void {
    if (this.#failed !== undefined) throw this.#failed;
    if (chunk.length === 0) return;
    // A Buffer's subarray is a Buffer: view it as a plain Uint8Array so none escapes (same memory).
    const bytes = Object.getPrototypeOf(chunk) === Uint8Array.prototype ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.#pos === this.#chunk.length && this.#queueHead === this.#queue.length) {
      this.#chunkBase += this.#chunk.length;
      this.#chunk = bytes;
      this.#view = undefined;
      this.#pos = 0;
    } else {
      this.#queue.push(bytes);
    }
  }

  /** The next complete message, or null when more bytes are needed. */
  next(): WireMessage | null {
    if (this.#failed !== undefined) throw this.#failed;
    try {
      return this.#step();
    } catch (error) {
      if (error instanceof WireError) this.#failed = error;
      throw error;
    }
  }

  /** `push(chunk)` then every message it completes. */
  decode(chunk: Uint8Array): WireMessage[] {
    this.push(chunk);
    const out: WireMessage[] = [];
    for (let m = this.next(); m !== null; m = this.next()) out.push(m);
    return out;
  }

  #step(): WireMessage | null {
    for (;;) {
      if (this.#pos === this.#chunk.length && !this.#nextChunk()) return null;
      switch (this.#state) {
        case HANDSHAKE: {
          if (this.#filled === 0) this.#messageStart = this.offset;
          this.#filled = this.#gather(this.#scratch, this.#filled, HANDSHAKE_LENGTH);
          checkProtocolPrefix(this.#scratch.subarray(0, Math.min(this.#filled, 20)), this.#messageStart);
          if (this.#filled < HANDSHAKE_LENGTH) continue;
          this.#filled = 0;
          this.#state = LENGTH;
          return decodeHandshake(this.#scratch, this.#messageStart);
        }
        case LENGTH: {
          if (this.#filled === 0) {
            this.#messageStart = this.offset;
            if (this.#chunk.length - this.#pos >= 5) {
              // Fast path: length prefix and id byte are both in this chunk.
              const length = this.#chunkView().getUint32(this.#pos);
              checkLengthPrefix(length, this.#ctx, this.#messageStart);
              if (length === 0) {
                this.#pos += 4;
                return KEEP_ALIVE;
              }
              const id = this.#chunk[this.#pos + 4] ?? 0;
              checkFrame(id, length, this.#ctx, this.#messageStart);
              this.#pos += 5;
              this.#length = length;
              const message = this.#startBody(id);
              if (message !== null) return message;
              continue;
            }
          }
          this.#filled = this.#gather(this.#scratch, this.#filled, 4);
          if (this.#filled < 4) continue;
          this.#filled = 0;
          const length = this.#scratchView.getUint32(0);
          checkLengthPrefix(length, this.#ctx, this.#messageStart);
          if (length === 0) return KEEP_ALIVE;
          this.#length = length;
          this.#state = ID;
          continue;
        }
        case ID: {
          const id = this.#chunk[this.#pos] ?? 0;
          checkFrame(id, this.#length, this.#ctx, this.#messageStart);
          this.#pos += 1;
          const message = this.#startBody(id);
          if (message !== null) return message;
          continue;
        }
        case FIXED_BODY: {
          const bodyLength = this.#length - 1;
          this.#filled = this.#gather(this.#scratch, this.#filled, bodyLength);
          if (this.#filled < bodyLength) continue;
          this.#filled = 0;
          this.#state = LENGTH;
          return parseFixed(this.#id, this.#scratchView, 0, this.#ctx.limits.maxRequestLength, this.#messageStart);
        }
        case BUFFERED_BODY: {
          this.#filled = this.#gather(this.#body, this.#filled, this.#body.length);
          if (this.#filled < this.#body.length) continue;
          return this.#finishBody(this.#takeBody());
        }
        case PIECE_HEAD: {
          this.#filled = this.#gather(this.#scratch, this.#filled, 8);
          if (this.#filled < 8) continue;
          this.#filled = 0;
          this.#pieceIndex = this.#scratchView.getUint32(0);
          this.#pieceBegin = this.#scratchView.getUint32(4);
          const message = this.#startBlock();
          if (message !== null) return message;
          continue;
        }
        case PIECE_BLOCK: {
          this.#filled = this.#gather(this.#body, this.#filled, this.#body.length);
          if (this.#filled < this.#body.length) continue;
          this.#state = LENGTH;
          return { type: 'piece', index: this.#pieceIndex, begin: this.#pieceBegin, block: this.#takeBody() };
        }
        case SKIP: {
          const n = Math.min(this.#skipLeft, this.#chunk.length - this.#pos);
          this.#pos += n;
          this.#skipLeft -= n;
          if (this.#skipLeft > 0) continue;
          this.#state = LENGTH;
          return { type: 'unknown', id: this.#id, length: this.#length - 1 };
        }
      }
    }
  }

  /** After the id byte: decode the body now if it is all in this chunk, else set up to gather it. */
  #startBody(id: number): WireMessage | null {
    this.#id = id;
    const bodyLength = this.#length - 1;
    const available = this.#chunk.length - this.#pos;
    switch (id) {
      case MessageId.bitfield:
      case MessageId.extended:
        if (available >= bodyLength) {
          const bytes = this.#chunk.subarray(this.#pos, this.#pos + bodyLength);
          this.#pos += bodyLength;
          return this.#finishBody(bytes);
        }
        this.#body = new Uint8Array(bodyLength);
        this.#state = BUFFERED_BODY;
        return null;
      case MessageId.piece:
        if (available >= 8) {
          const view = this.#chunkView();
          this.#pieceIndex = view.getUint32(this.#pos);
          this.#pieceBegin = view.getUint32(this.#pos + 4);
          this.#pos += 8;
          return this.#startBlock();
        }
        this.#state = PIECE_HEAD;
        return null;
      default:
        if (!isFixedSize(id)) {
          this.#skipLeft = bodyLength;
          this.#state = SKIP;
          return bodyLength === 0 ? this.#skipDone() : null;
        }
        if (available >= bodyLength) {
          const message = parseFixed(id, this.#chunkView(), this.#pos, this.#ctx.limits.maxRequestLength, this.#messageStart);
          this.#pos += bodyLength;
          this.#state = LENGTH;
          return message;
        }
        this.#state = FIXED_BODY;
        return null;
    }
  }

  #skipDone(): WireMessage {
    this.#state = LENGTH;
    return { type: 'unknown', id: this.#id, length: 0 };
  }

  /** After a piece's index and begin: hand out the block as a subarray, or gather it. */
  #startBlock(): WireMessage | null {
    const blockLength = this.#length - 9;
    if (this.#chunk.length - this.#pos >= blockLength) {
      const block = this.#chunk.subarray(this.#pos, this.#pos + blockLength);
      this.#pos += blockLength;
      this.#state = LENGTH;
      return { type: 'piece', index: this.#pieceIndex, begin: this.#pieceBegin, block };
    }
    this.#body = new Uint8Array(blockLength);
    this.#state = PIECE_BLOCK;
    return null;
  }

  /** A whole bitfield or extended body: check it and make the message. */
  #finishBody(bytes: Uint8Array): WireMessage {
    this.#state = LENGTH;
    if (this.#id === MessageId.extended) {
      return { type: 'extended', id: bytes[0] ?? 0, payload: bytes.subarray(1) };
    }
    const pieceCount = this.#ctx.pieceCount;
    if (pieceCount !== undefined) {
      // The length was checked on arrival unless the piece count became known meanwhile.
      if (bytes.length !== Bitfield.byteLength(pieceCount)) {
        checkFrame(MessageId.bitfield, bytes.length + 1, this.#ctx, this.#messageStart);
      }
      const spare = Bitfield.spareBitsAt(bytes, pieceCount);
      if (spare !== -1) {
        throw new WireError('bitfield-spare-bits', `bitfield sets spare bit ${spare} past piece count ${pieceCount} (BEP 3: they must be zero)`, {
          offset: this.#messageStart + 5 + (spare >> 3),
          field: 'bitfield',
          fatal: true,
        });
      }
    }
    return { type: 'bitfield', bytes };
  }

  #takeBody(): Uint8Array {
    const body = this.#body;
    this.#body = EMPTY;
    this.#filled = 0;
    return body;
  }

  /** Copies what this chunk has of `target[filled..need)`; returns the new fill level. */
  #gather(target: Uint8Array, filled: number, need: number): number {
    const n = Math.min(need - filled, this.#chunk.length - this.#pos);
    target.set(this.#chunk.subarray(this.#pos, this.#pos + n), filled);
    this.#pos += n;
    return filled + n;
  }

  #chunkView(): DataView {
    if (this.#view === undefined) this.#view = new DataView(this.#chunk.buffer, this.#chunk.byteOffset, this.#chunk.byteLength);
    return this.#view;
  }

  /** Moves to the next queued chunk; false when there is none. */
  #nextChunk(): boolean {
    if (this.#queueHead === this.#queue.length) return false;
    const next = this.#queue[this.#queueHead++] ?? EMPTY;
    if (this.#queueHead === this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    }
    this.#chunkBase += this.#chunk.length;
    this.#chunk = next;
    this.#view = undefined;
    this.#pos = 0;
    return true;
  }
}
