// @typetorrent/dht: the Mainline DHT (BEP 5 with BEP 32, 42, 43): a sans-I/O core (KRPC codec, routing
// table, lookups, server) driven by an injected clock, random source and transport, and DhtNode, its
// adapter over UDP sockets.
export { DhtError, type DhtErrorCode, type DhtErrorOptions } from './errors.js';
export { SeededRandom, type Address, type Cancel, type Clock, type RandomSource, type Transport } from './env.js';
export { compareDistance, hexToId, idToHex, ID_LENGTH } from './ids.js';
export { isValidNodeId, nodeIdForIp } from './bep42.js';
export type { NodeInfo } from './krpc/compact.js';
export { decodeKrpc, type KrpcDecodeOptions } from './krpc/decode.js';
export { encodeKrpc, type EncodeExtras } from './krpc/encode.js';
export type { KrpcErrorMessage, KrpcMessage, KrpcQuery, KrpcResponse, QueryMethod, Want } from './krpc/messages.js';
export { RoutingTable, type InsertOutcome, type RoutingTableOptions } from './routing/table.js';
export { nodeState, type NodeState, type RoutingNode } from './routing/node-state.js';
export type { ClosestNode, LookupLimits, LookupResult } from './lookup/lookup.js';
export type { PeerStoreLimits } from './server/peer-store.js';
export type { RateLimitOptions } from './server/rate-limit.js';
export type { GarbageOptions } from './server/garbage.js';
export type { DhtOptions } from './options.js';
export { Dht, type AnnounceOptions, type AnnounceResult, type DhtEvents, type LookupCallOptions } from './dht.js';
export {
  DEFAULT_BOOTSTRAP, DhtNode, type DhtLookupOptions, type DhtNodeEvents, type DhtNodeOptions, type SharedSocket,
} from './node/dht-node.js';
