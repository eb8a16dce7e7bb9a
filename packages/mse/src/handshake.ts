// What both sides of the handshake share: the step/result types, the deadline, failure handling and
// the input buffer. A handshake is driven by `receive(bytes, now)`, which returns the bytes to send
// and, once complete, the result. It fails only with MseError, and stays failed: every later call
// throws the same error. On failure or `abort()` it drops what it buffered and its keys.
import { CRYPTO_PLAINTEXT, CRYPTO_RC4, DEFAULT_TIMEOUT_MS } from './constants.js';
import { MseError } from './errors.js';
import { Inbox } from './inbox.js';
import type { Rc4 } from './rc4.js';

/** Payload methods of crypto_provide/crypto_select. */
export type CryptoMethod = 'rc4' | 'plaintext';

export const METHOD_BITS: Readonly<Record<CryptoMethod, number>> = { plaintext: CRYPTO_PLAINTEXT, rc4: CRYPTO_RC4 };

export interface MseResult {
  /** The payload method both sides use from now on. */
  readonly method: CryptoMethod;
  /** The torrent (SKEY): the one the initiator asked for, or the one the responder's lookup found. */
  readonly infoHash: Uint8Array;
  /**
   * Payload bytes already received, as plaintext: for the responder the initiator's IA (usually its
   * BitTorrent handshake) followed by anything after it; for the initiator whatever followed message 4.
   * Feed them to the BitTorrent decoder before the next bytes from the socket.
   */
  readonly received: Uint8Array;
  /** For 'rc4': continue the stream with these, in place (`process(buf, start, end)`). */
  readonly encrypt: Rc4 | undefined;
  readonly decrypt: Rc4 | undefined;
}

export interface MseStep {
  /** Bytes to write to the peer now; often empty. */
  readonly send: Uint8Array;
  /** Set on the step that completes the handshake; then the handshake object is finished. */
  readonly done: MseResult | undefined;
}

export interface HandshakeTiming {
  /** The caller's clock (ms) when the connection opened. */
  readonly now: number;
  /** The handshake fails with 'timeout' when told a time at or past now + timeoutMs. Default 30 s. */
  readonly timeoutMs?: number;
}

type Phase = 'running' | 'done' | 'failed';

export abstract class MseHandshake {
  /** The caller's clock value (ms) by which the handshake must be complete; enforce it with `expire`. */
  readonly deadline: number;
  protected readonly inbox = new Inbox();
  #phase: Phase = 'running';
  #failure: MseError | undefined;

  constructor(timing: HandshakeTiming) {
    const timeout = timing.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timing.now) || !(timeout > 0)) throw new MseError('invalid-argument', 'now must be a finite time and timeoutMs positive');
    this.deadline = timing.now + timeout;
  }

  /** True once the handshake completed or failed. */
  get finished(): boolean {
    return this.#phase !== 'running';
  }

  /** Feeds bytes from the peer. Throws MseError on any violation; `now` (ms) also checks the deadline. */
  receive(bytes: Uint8Array, now?: number): MseStep {
    return this.guard(() => {
      if (now !== undefined) this.#checkTime(now);
      this.inbox.push(bytes);
      const step = this.advance();
      if (step.done !== undefined) this.#finish('done');
      return step;
    });
  }

  /** Tells the handshake the time; throws MseError 'timeout' at or past the deadline (no-op once done). */
  expire(now: number): void {
    if (this.#phase === 'done') return;
    this.guard(() => this.#checkTime(now));
  }

  /** Gives up: wipes keys and buffers. Later calls throw 'aborted'. Safe to call at any time. */
  abort(): void {
    if (this.#phase === 'running') this.#fail(new MseError('aborted', 'the handshake was aborted'));
  }

  /** Runs `work` while running; turns anything thrown into a stored MseError. */
  protected guard<T>(work: () => T): T {
    if (this.#phase === 'done') throw new MseError('aborted', 'the handshake has already completed');
    if (this.#failure !== undefined) throw this.#failure;
    try {
      return work();
    } catch (error) {
      const failure = error instanceof MseError ? error : new MseError('aborted', `the handshake failed unexpectedly: ${String(error)}`, { cause: error });
      this.#fail(failure);
      throw failure;
    }
  }

  /** Consumes what the inbox allows; returns what to send and, when complete, the result. */
  protected abstract advance(): MseStep;
  /** Overwrites private keys and secrets. */
  protected abstract wipe(): void;

  #checkTime(now: number): void {
    if (now >= this.deadline) throw new MseError('timeout', `no complete handshake within the deadline`, { offset: this.inbox.consumed + this.inbox.length });
  }

  #fail(error: MseError): void {
    this.#failure = error;
    this.#finish('failed');
  }

  #finish(phase: Phase): void {
    this.#phase = phase;
    this.inbox.clear();
    this.wipe();
  }
}

/** Joins byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const NOTHING = new Uint8Array(0);

/** Checks a method list (non-empty, known names, no repeats) and returns its bits. */
export function methodBits(methods: readonly CryptoMethod[], what: string): number {
  let bits = 0;
  for (const method of methods) {
    const bit = METHOD_BITS[method] as number | undefined;
    if (bit === undefined || (bits & bit) !== 0) throw new MseError('invalid-argument', `${what}: unknown or repeated method ${String(method)}`);
    bits |= bit;
  }
  if (bits === 0) throw new MseError('invalid-argument', `${what}: no method`);
  return bits;
}
