// Test helper: runs an initiator and a responder against each other in memory, cutting each
// direction's byte stream at chosen positions, so a test can split the handshake at any boundary.
import type { MseInitiator } from '../initiator.js';
import type { MseResult } from '../handshake.js';
import type { MseResponder } from '../responder.js';

export interface PumpOptions {
  /** Stream positions (initiator -> responder) where a read ends; default: none (whole reads). */
  readonly cutsToResponder?: (position: number) => boolean;
  readonly cutsToInitiator?: (position: number) => boolean;
  /** Plaintext the responder sends right after its handshake (encrypted if RC4 was chosen). */
  readonly responderPayload?: Uint8Array;
}

export interface PumpResult {
  readonly initiator: MseResult;
  readonly responder: MseResult;
  /** Everything each side wrote, in order. */
  readonly initiatorSent: Uint8Array;
  readonly responderSent: Uint8Array;
  /** Reads the responder sent after the initiator had finished (raw, as on the wire). */
  readonly unreadByInitiator: readonly Uint8Array[];
}

class Pipe {
  readonly #chunks: Uint8Array[] = [];
  #bytes = new Uint8Array(0);
  #read = 0;
  constructor(readonly cut: (position: number) => boolean) {}
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#chunks.push(bytes);
    const all = new Uint8Array(this.#bytes.length + bytes.length);
    all.set(this.#bytes);
    all.set(bytes, this.#bytes.length);
    this.#bytes = all;
  }
  get pending(): boolean {
    return this.#read < this.#bytes.length;
  }
  /** The next read: up to the next cut position or the end of what was written. */
  read(): Uint8Array {
    let end = this.#read + 1;
    while (end < this.#bytes.length && !this.cut(end)) end++;
    const out = this.#bytes.slice(this.#read, end);
    this.#read = end;
    return out;
  }
  get all(): Uint8Array {
    return this.#bytes;
  }
}

export function pump(initiator: MseInitiator, responder: MseResponder, options: PumpOptions = {}): PumpResult {
  const toResponder = new Pipe(options.cutsToResponder ?? (() => false));
  const toInitiator = new Pipe(options.cutsToInitiator ?? (() => false));
  let initiatorResult: MseResult | undefined;
  let responderResult: MseResult | undefined;
  toResponder.write(initiator.start());
  for (;;) {
    let progressed = false;
    if (toResponder.pending && responderResult === undefined) {
      progressed = true;
      const step = responder.receive(toResponder.read());
      toInitiator.write(step.send);
      if (step.done !== undefined) {
        responderResult = step.done;
        const payload = options.responderPayload;
        if (payload !== undefined) toInitiator.write(step.done.encrypt?.update(payload) ?? payload);
      }
    }
    if (toInitiator.pending && initiatorResult === undefined) {
      progressed = true;
      const step = initiator.receive(toInitiator.read());
      toResponder.write(step.send);
      if (step.done !== undefined) initiatorResult = step.done;
    }
    if (!progressed) break;
  }
  if (initiatorResult === undefined || responderResult === undefined) throw new Error('the handshake did not complete');
  const unread: Uint8Array[] = [];
  while (toInitiator.pending) unread.push(toInitiator.read());
  return { initiator: initiatorResult, responder: responderResult, initiatorSent: toResponder.all, responderSent: toInitiator.all, unreadByInitiator: unread };
}
