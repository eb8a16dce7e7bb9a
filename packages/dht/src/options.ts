// Options of the sans-I/O Dht core, with every limit and its default in one place.
import type { Clock, RandomSource, Transport } from './env.js';
import type { IpFamily } from './ip.js';
import type { LookupLimits } from './lookup/lookup.js';
import type { GarbageOptions } from './server/garbage.js';
import type { PeerStoreLimits } from './server/peer-store.js';
import type { RateLimitOptions } from './server/rate-limit.js';

export interface DhtOptions {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly transport: Transport;
  /** Our node id; random by default (see nodeIdForIp for a BEP 42 one). */
  readonly id?: Uint8Array;
  /** Address families the transport can reach. Default [4]. */
  readonly families?: readonly IpFamily[];
  /** Bucket size. Default 8. */
  readonly k?: number;
  readonly lookup?: LookupLimits;
  /** How long to wait for each reply. Default 2,000 ms. */
  readonly queryTimeoutMs?: number;
  /** Queries of ours in flight at once. Default 512. */
  readonly maxPendingQueries?: number;
  /** BEP 43: send `ro` and answer no queries. Default false. */
  readonly readOnly?: boolean;
  /** BEP 42: keep out of the routing table and lookups nodes whose id does not match their IP. Default false. */
  readonly enforceNodeIds?: boolean;
  readonly rateLimit?: RateLimitOptions;
  readonly peerStore?: PeerStoreLimits;
  readonly garbage?: GarbageOptions;
  /** Longest datagram decoded. Default 8,192 bytes. */
  readonly maxMessageBytes?: number;
  /** Longest reply we send. Default 1,400 bytes (one unfragmented datagram). */
  readonly maxResponseBytes?: number;
  /** Client version sent as `v`. Default 'TT' + 0x00 0x01. */
  readonly version?: Uint8Array;
  /** Period of maintenance (bucket refresh, pinging questionable nodes, expiring peers). Default 60 s; 0 disables. */
  readonly maintenanceIntervalMs?: number;
}
