// Matching BEP 15 replies to requests. Every request gets a random transaction id that is unique
// among the requests in flight on this client, so one socket serves many trackers and torrents.
// A reply is delivered only if its id is pending, it came from the endpoint the request went to, it
// decodes, and its action is the one expected (or an error); anything else is dropped, never fatal.
import { randomBytes } from 'node:crypto';
import type { TrackerError } from '../errors.js';
import type { AddressFamily } from '../codec/compact-peers.js';
import { decodeUdpResponse, readUdpHeader, type UdpResponse } from '../codec/udp-responses.js';
import type { Cancel, Timers } from '../timers.js';

export type ExpectedAction = 'connect' | 'announce' | 'scrape';

export type DropReason = 'short' | 'unknown-transaction' | 'wrong-source' | 'malformed' | 'wrong-action';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly family: AddressFamily;
  /** `address|port`, the key for connection ids and source checks. */
  readonly key: string;
}

export function endpointKey(address: string, port: number): string {
  return `${address}|${port}`;
}

/** One outstanding request, kept across its retransmissions so a late reply to any of them counts. */
export class Transaction {
  #inbox: UdpResponse | TrackerError | undefined;
  #wake: ((value: UdpResponse | TrackerError | undefined) => void) | undefined;

  constructor(
    readonly id: number,
    readonly endpoint: Endpoint,
    readonly expect: ExpectedAction,
  ) {}

  /** Hands over a reply (or a failure such as a closed socket); the latest one wins. */
  deliver(value: UdpResponse | TrackerError): void {
    if (this.#wake !== undefined) this.#wake(value);
    else this.#inbox = value;
  }

  /**
   * The next reply, or undefined if none came within `ms`. Rejects with the delivered failure, or when
   * `signal` aborts (with `onAbort`'s error).
   */
  async wait(ms: number, timers: Timers, signal: AbortSignal | undefined, onAbort: () => TrackerError): Promise<UdpResponse | undefined> {
    let value = this.#inbox;
    this.#inbox = undefined;
    if (value === undefined) {
      if (signal?.aborted === true) throw onAbort();
      let cancel: Cancel | undefined;
      const aborted = (): void => this.#wake?.(onAbort());
      value = await new Promise<UdpResponse | TrackerError | undefined>((resolve) => {
        this.#wake = resolve;
        cancel = timers.setTimeout(() => resolve(undefined), ms);
        signal?.addEventListener('abort', aborted, { once: true });
      });
      this.#wake = undefined;
      cancel?.();
      signal?.removeEventListener('abort', aborted);
    }
    if (value instanceof Error) throw value;
    return value;
  }
}

export class Transactions {
  readonly #pending = new Map<number, Transaction>();

  open(endpoint: Endpoint, expect: ExpectedAction): Transaction {
    let id: number;
    do {
      id = randomBytes(4).readUInt32BE(0);
    } while (this.#pending.has(id));
    const transaction = new Transaction(id, endpoint, expect);
    this.#pending.set(id, transaction);
    return transaction;
  }

  close(transaction: Transaction): void {
    if (this.#pending.get(transaction.id) === transaction) this.#pending.delete(transaction.id);
  }

  /** Routes one datagram; returns why it was dropped, or undefined when it was delivered. */
  dispatch(packet: Uint8Array, from: { address: string; port: number }, family: AddressFamily): DropReason | undefined {
    const header = readUdpHeader(packet);
    if (header === undefined) return 'short';
    const transaction = this.#pending.get(header.transactionId);
    if (transaction === undefined) return 'unknown-transaction';
    // Only the tracker we asked may answer: anyone can guess a port and spray ids at it.
    if (transaction.endpoint.family !== family || transaction.endpoint.key !== endpointKey(from.address, from.port)) {
      return 'wrong-source';
    }
    let response: UdpResponse;
    try {
      response = decodeUdpResponse(packet, family);
    } catch {
      return 'malformed';
    }
    const fits =
      response.action === transaction.expect ||
      response.action === 'error' ||
      (response.action === 'empty' && response.replyTo === transaction.expect);
    if (!fits) return 'wrong-action';
    transaction.deliver(response);
    return undefined;
  }

  /** Fails every pending transaction (socket error, client closed), optionally only one family's. */
  failAll(error: () => TrackerError, family?: AddressFamily): void {
    for (const transaction of this.#pending.values()) {
      if (family === undefined || transaction.endpoint.family === family) transaction.deliver(error());
    }
  }
}
