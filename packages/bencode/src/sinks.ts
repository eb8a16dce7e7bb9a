// Where the encoder's output goes. Every sink sees the same calls in the same order, so the length
// counter (encodedLength, and sizing encodeInto's target) and the writers always agree.
import { utf8Length, writeUtf8 } from './utf8-encode.js';

export interface Sink {
  /** A structural byte: 'l', 'd' or 'e'. */
  token(byte: number): void;
  integer(n: number | bigint): void;
  bytes(b: Uint8Array): void;
  /** A JS string encoded as UTF-8. */
  utf8(s: string): void;
  /** A latin1 byte string (a Map key): one byte per char, already checked to be <= 0xFF. */
  latin1(s: string): void;
}

const COLON = 0x3a;
const LETTER_I = 0x69;
const LETTER_E = 0x65;
const MINUS = 0x2d;
const ZERO = 0x30;

/** Decimal digits of a non-negative safe integer. */
export function digitCount(n: number): number {
  let digits = 1;
  // Powers of ten stay exact up to 1e22, so the comparison is exact for every safe integer.
  for (let p = 10; p <= n; p *= 10) digits++;
  return digits;
}

/** Integers outside the safe range (bigints, or doubles beyond 2^53) are printed exactly via BigInt. */
function bigDecimal(n: number | bigint): string {
  return (typeof n === 'bigint' ? n : BigInt(n)).toString();
}

export class LengthCounter implements Sink {
  length = 0;

  token(): void {
    this.length++;
  }

  integer(n: number | bigint): void {
    if (typeof n === 'number' && Number.isSafeInteger(n)) {
      this.length += 2 + (n < 0 ? 1 : 0) + digitCount(Math.abs(n));
    } else {
      this.length += 2 + bigDecimal(n).length;
    }
  }

  bytes(b: Uint8Array): void {
    this.length += digitCount(b.length) + 1 + b.length;
  }

  utf8(s: string): void {
    const n = utf8Length(s);
    this.length += digitCount(n) + 1 + n;
  }

  latin1(s: string): void {
    this.length += digitCount(s.length) + 1 + s.length;
  }
}

/**
 * Writes encoded bytes into `buffer` from `pos`. Subclasses decide what happens when a write needs
 * more room than is left: `reserve(n)` must leave at least n bytes free at `pos`.
 */
export abstract class BufferWriter implements Sink {
  buffer: Uint8Array;
  pos: number;

  constructor(buffer: Uint8Array, pos: number) {
    this.buffer = buffer;
    this.pos = pos;
  }

  protected abstract reserve(n: number): void;

  token(byte: number): void {
    this.reserve(1);
    this.buffer[this.pos++] = byte;
  }

  integer(n: number | bigint): void {
    if (typeof n === 'number' && Number.isSafeInteger(n)) {
      const negative = n < 0;
      const digits = digitCount(Math.abs(n));
      this.reserve(2 + (negative ? 1 : 0) + digits);
      this.buffer[this.pos++] = LETTER_I;
      if (negative) this.buffer[this.pos++] = MINUS;
      this.writeDigits(Math.abs(n), digits);
    } else {
      const text = bigDecimal(n);
      this.reserve(2 + text.length);
      this.buffer[this.pos++] = LETTER_I;
      for (let i = 0; i < text.length; i++) this.buffer[this.pos++] = text.charCodeAt(i);
    }
    this.buffer[this.pos++] = LETTER_E;
  }

  bytes(b: Uint8Array): void {
    this.prefix(b.length, b.length);
    this.buffer.set(b, this.pos);
    this.pos += b.length;
  }

  utf8(s: string): void {
    const n = utf8Length(s);
    this.prefix(n, n);
    this.pos = writeUtf8(s, this.buffer, this.pos);
  }

  latin1(s: string): void {
    this.prefix(s.length, s.length);
    for (let i = 0; i < s.length; i++) this.buffer[this.pos++] = s.charCodeAt(i);
  }

  /** Writes `<length>:`, having reserved room for it and `then` more bytes. */
  protected prefix(length: number, then: number): void {
    const digits = digitCount(length);
    this.reserve(digits + 1 + then);
    this.writeDigits(length, digits);
    this.buffer[this.pos++] = COLON;
  }

  /** Writes a non-negative safe integer of known digit count, last digit first, without a string. */
  private writeDigits(n: number, digits: number): void {
    let rest = n;
    for (let i = this.pos + digits - 1; i >= this.pos; i--) {
      this.buffer[i] = ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.pos += digits;
  }
}

/** Writes into a caller's buffer that was sized beforehand with LengthCounter (encodeInto). */
export class FixedWriter extends BufferWriter {
  protected reserve(n: number): void {
    // Only a value that changes between the sizing and the writing pass (a getter) gets here.
    if (this.pos + n > this.buffer.length) throw new RangeError('bencode: value changed while being encoded');
  }
}
