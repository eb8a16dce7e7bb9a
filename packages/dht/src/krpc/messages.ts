// KRPC messages (BEP 5) as discriminated unions, with the extensions this package speaks:
// BEP 32 (`nodes6`, `want`), BEP 42 (`ip`), BEP 43 (`ro`).
import type { Address } from '../env.js';
import type { NodeInfo } from './compact.js';

/** BEP 32 `want`: which address families of nodes the querier asks for. */
export interface Want {
  readonly n4: boolean;
  readonly n6: boolean;
}

interface QueryCommon {
  readonly kind: 'query';
  /** Transaction id chosen by the querier, echoed in the reply. */
  readonly t: Uint8Array;
  /** The querying node's id. */
  readonly id: Uint8Array;
  /** BEP 43: the querier is read-only and must not be added to routing tables. */
  readonly readOnly: boolean;
  /** BEP 32 `want`; undefined when absent (answer with the querier's own family). */
  readonly want?: Want;
  /** Client version string (`v`), when sent. */
  readonly version?: Uint8Array;
}

export type KrpcQuery = QueryCommon &
  (
    | { readonly method: 'ping' }
    | { readonly method: 'find_node'; readonly target: Uint8Array }
    | { readonly method: 'get_peers'; readonly infoHash: Uint8Array }
    | {
        readonly method: 'announce_peer';
        readonly infoHash: Uint8Array;
        readonly port: number;
        /** true: use the UDP source port instead of `port` (peers behind NAT, uTP). */
        readonly impliedPort: boolean;
        readonly token: Uint8Array;
      }
    /** A method this package does not implement: answered with error 204. */
    | { readonly method: 'unknown'; readonly name: string }
  );

export type QueryMethod = KrpcQuery['method'];

export interface KrpcResponse {
  readonly kind: 'response';
  readonly t: Uint8Array;
  readonly id: Uint8Array;
  readonly nodes?: readonly NodeInfo[];
  readonly nodes6?: readonly NodeInfo[];
  /** get_peers: peers for the info-hash. */
  readonly values?: readonly Address[];
  /** get_peers: the write token to present in announce_peer. */
  readonly token?: Uint8Array;
  /** BEP 42: our address as the responder saw it. */
  readonly ip?: Address;
  readonly version?: Uint8Array;
}

export interface KrpcErrorMessage {
  readonly kind: 'error';
  readonly t: Uint8Array;
  /** 201 generic, 202 server, 203 protocol, 204 method unknown. */
  readonly code: number;
  readonly message: string;
}

export type KrpcMessage = KrpcQuery | KrpcResponse | KrpcErrorMessage;

export const KRPC_ERROR = { generic: 201, server: 202, protocol: 203, methodUnknown: 204 } as const;
