// A PeerConnection stand-in for unit tests of the torrent's parts (not exported by the package): it
// records what would be sent and lets the test close it or fill its socket.
import type { WireMessage } from '@typetorrent/peer-wire';
import type { EngineError } from '../errors.js';
import type { PeerConnection } from '../peer/peer-connection.js';
import { Peer } from '../torrent/peer.js';
import type { ManualClock } from './manual-clock.js';

/** One sent message, in a form easy to compare. */
export type Sent = WireMessage | { readonly type: 'piece-sent'; readonly index: number; readonly begin: number; readonly length: number };

export class FakeConnection {
  readonly sent: Sent[] = [];
  closedBy: EngineError | undefined;
  writable = true;
  /**
   * A socket nobody reads: piece writes never complete until `flush()`. Otherwise each completes
   * from a microtask, as a real socket's callback comes after the write returns.
   */
  holdWrites = false;
  /** Bytes of piece blocks written and not yet completed (with `holdWrites`). */
  unflushed = 0;
  readonly #pending: { bytes: number; written: () => void }[] = [];
  constructor(
    readonly key: string,
    readonly fast = true,
    readonly remoteAddress = '10.0.0.1',
  ) {}

  readonly direction = 'out';
  /** What the real connection runs over; tests of the uTP PEX flag set 'utp'. */
  transport: 'tcp' | 'utp' = 'tcp';
  /** The payload is RC4-encrypted (MSE); tests of the encryption PEX flag set it. */
  encrypted = false;
  readonly extended = true;
  readonly peerId = new Uint8Array(20);

  send(message: WireMessage): boolean {
    this.sent.push(message);
    return this.writable;
  }

  sendRequests(requests: readonly { piece: number; begin: number; length: number }[]): boolean {
    for (const r of requests) this.sent.push({ type: 'request', index: r.piece, begin: r.begin, length: r.length });
    return this.writable;
  }

  sendCancel(piece: number, begin: number, length: number): boolean {
    return this.send({ type: 'cancel', index: piece, begin, length });
  }

  sendReject(piece: number, begin: number, length: number): boolean {
    return this.send({ type: 'reject-request', index: piece, begin, length });
  }

  sendHave(piece: number): boolean {
    return this.send({ type: 'have', index: piece });
  }

  sendPiece(piece: number, begin: number, block: Uint8Array, written?: () => void): boolean {
    this.sent.push({ type: 'piece-sent', index: piece, begin, length: block.length });
    if (this.holdWrites) {
      this.unflushed += block.length;
      this.#pending.push({ bytes: block.length, written: written ?? ((): void => undefined) });
    } else if (written !== undefined) {
      queueMicrotask(written);
    }
    return this.writable;
  }

  /** The peer reads its socket: every held write completes, oldest first. */
  flush(): void {
    this.holdWrites = false;
    for (const write of this.#pending.splice(0)) {
      this.unflushed -= write.bytes;
      write.written();
    }
  }

  corked(write: () => void): void {
    write();
  }

  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  close(reason: EngineError): void {
    this.closedBy ??= reason;
  }

  /** What was sent of one type, and forgets everything sent so far. */
  take<T extends Sent['type']>(type: T): Extract<Sent, { type: T }>[] {
    const out = this.sent.filter((m): m is Extract<Sent, { type: T }> => m.type === type);
    this.sent.length = 0;
    return out;
  }
}

/** A Peer over a fake connection. */
export function fakePeer(key: string, clock: ManualClock, options: { fast?: boolean } = {}): { peer: Peer; conn: FakeConnection } {
  const conn = new FakeConnection(key, options.fast ?? true);
  return { peer: new Peer(conn as unknown as PeerConnection, clock), conn };
}
