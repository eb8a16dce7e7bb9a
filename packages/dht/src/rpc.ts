// Outgoing queries and their transactions: a reply is matched by transaction id AND by the address the
// query went to, so nobody can answer for a node they are not. Timeouts come from the injected clock.
import type { Address, Cancel, Clock, RandomSource, Transport } from './env.js';
import { DhtError } from './errors.js';
import { addressKey } from './ip.js';
import { encodeKrpc, type EncodeExtras } from './krpc/encode.js';
import type { KrpcErrorMessage, KrpcQuery, KrpcResponse } from './krpc/messages.js';

export type QueryResult = { readonly ok: true; readonly response: KrpcResponse } | { readonly ok: false; readonly error: DhtError };

/** A query before the transaction id is filled in. */
export type OutgoingQuery = KrpcQuery extends infer Q ? (Q extends KrpcQuery ? Omit<Q, 't' | 'kind'> : never) : never;

interface Pending {
  readonly to: Address;
  readonly done: (result: QueryResult) => void;
  readonly cancelTimer: Cancel;
}

export interface RpcOptions {
  /** How long to wait for a reply. Default 2,000 ms. */
  timeoutMs?: number;
  /** Most queries in flight at once; more fail with BUSY. Default 512. */
  maxPending?: number;
  extras?: EncodeExtras;
}

export class Rpc {
  readonly #pending = new Map<string, Pending>();
  readonly #clock: Clock;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #maxPending: number;
  readonly #extras: EncodeExtras;
  #counter: number;
  /** Bytes sent, for statistics. */
  bytesSent = 0;

  constructor(clock: Clock, random: RandomSource, transport: Transport, options: RpcOptions = {}) {
    this.#clock = clock;
    this.#transport = transport;
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#maxPending = options.maxPending ?? 512;
    this.#extras = options.extras ?? {};
    const start = random.bytes(2);
    this.#counter = (start[0]! << 8) | start[1]!;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Sends `query` to `to`; `done` is called exactly once, with the reply or an error. */
  query(to: Address, query: OutgoingQuery, done: (result: QueryResult) => void): void {
    if (this.#pending.size >= this.#maxPending) {
      done({ ok: false, error: new DhtError('BUSY', `${this.#maxPending} queries already in flight`) });
      return;
    }
    let key: string;
    let t: Uint8Array;
    do {
      this.#counter = (this.#counter + 1) & 0xffff;
      t = Uint8Array.of(this.#counter >> 8, this.#counter & 0xff);
      key = `${this.#counter}@${addressKey(to)}`;
    } while (this.#pending.has(key));
    const bytes = encodeKrpc({ ...query, kind: 'query', t } as KrpcQuery, this.#extras);
    const cancelTimer = this.#clock.setTimeout(() => {
      if (this.#pending.delete(key)) done({ ok: false, error: new DhtError('TIMEOUT', `no reply from ${addressKey(to)} in ${this.#timeoutMs} ms`) });
    }, this.#timeoutMs);
    this.#pending.set(key, { to, done, cancelTimer });
    this.bytesSent += bytes.length;
    this.#transport.send(bytes, to);
  }

  /** Hands a reply to its query; false when no query of ours matches (unsolicited or late). */
  settle(message: KrpcResponse | KrpcErrorMessage, from: Address): boolean {
    if (message.t.length !== 2) return false;
    const key = `${(message.t[0]! << 8) | message.t[1]!}@${addressKey(from)}`;
    const pending = this.#pending.get(key);
    if (!pending) return false;
    this.#pending.delete(key);
    pending.cancelTimer();
    if (message.kind === 'response') pending.done({ ok: true, response: message });
    else {
      pending.done({
        ok: false,
        error: new DhtError('REMOTE_ERROR', `${addressKey(from)} answered ${message.code} ${message.message}`, { remoteCode: message.code }),
      });
    }
    return true;
  }

  /** Fails every query in flight with CLOSED. */
  close(): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of all) {
      p.cancelTimer();
      p.done({ ok: false, error: new DhtError('CLOSED', 'the DHT node was closed') });
    }
  }
}
