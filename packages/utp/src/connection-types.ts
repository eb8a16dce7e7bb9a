// The types around a Connection: its states, the events it reports and what it is built from.

import type { Clock, Random } from './clock.js';
import type { UtpError } from './errors.js';
import type { ResolvedConnectionOptions } from './options.js';
import type { Connection } from './connection.js';

export type ConnectionState = 'syn-sent' | 'syn-recv' | 'connected' | 'closed';

export interface ConnectionEvents {
  /** Our SYN was answered (outgoing connections). */
  connect?(): void;
  /** In-order bytes are waiting in `read()`. */
  readable?(): void;
  /** The peer's FIN arrived and every byte before it has been read. */
  end?(): void;
  /** The send buffer has room again after `write` returned false. */
  drain?(): void;
  /** The connection is over: gracefully (no error) or not. Fires once. */
  close?(error: UtpError | undefined): void;
}

export interface ConnectionInit {
  recvId: number;
  sendId: number;
  clock: Clock;
  random: Random;
  options: ResolvedConnectionOptions;
  output: (bytes: Uint8Array) => void;
  /** For accepted connections: the first packet after the SYN arrived. */
  onEstablished?: () => void;
  /** An ack became due: the owner calls `flush()` on this connection after the current batch. */
  onAckPending?: (connection: Connection) => void;
  /** The first sequence number we send (random by default; tests pin it to exercise wrap-around). */
  initialSeq?: number;
}
