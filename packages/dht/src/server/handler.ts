// Answers incoming queries (BEP 5 ping, find_node, get_peers, announce_peer) without amplification:
// a reply never exceeds a budget derived from the query's own size.
import type { Address, RandomSource } from '../env.js';
import type { IpFamily } from '../ip.js';
import { ipFamily } from '../ip.js';
import type { NodeInfo } from '../krpc/compact.js';
import { encodeKrpc } from '../krpc/encode.js';
import { KRPC_ERROR, type KrpcErrorMessage, type KrpcQuery, type KrpcResponse } from '../krpc/messages.js';
import type { RoutingTable } from '../routing/table.js';
import type { PeerStore } from './peer-store.js';
import type { TokenIssuer } from './tokens.js';

/** Most values in one get_peers reply (before the size budget trims further). */
export const MAX_VALUES_PER_REPLY = 50;
/** Reply budget: this many times the query's size, plus the fixed allowance, capped by maxResponseBytes. */
export const AMPLIFICATION_FACTOR = 3;
export const AMPLIFICATION_ALLOWANCE = 512;

export interface HandlerContext {
  readonly ownId: Uint8Array;
  readonly tables: ReadonlyMap<IpFamily, RoutingTable>;
  readonly peers: PeerStore;
  readonly tokens: TokenIssuer;
  readonly random: RandomSource;
  readonly maxResponseBytes: number;
  /** Someone announced `peer` for `infoHash` (after the token check). */
  onAnnounce(infoHash: Uint8Array, peer: Address): void;
}

export function replyBudget(queryBytes: number, maxResponseBytes: number): number {
  return Math.min(maxResponseBytes, queryBytes * AMPLIFICATION_FACTOR + AMPLIFICATION_ALLOWANCE);
}

function closestNodes(ctx: HandlerContext, query: KrpcQuery, from: Address, target: Uint8Array, now: number) {
  const own = ipFamily(from.host) ?? 4;
  const wanted = (f: IpFamily): boolean => (query.want ? (f === 4 ? query.want.n4 : query.want.n6) : f === own);
  const pick = (f: IpFamily): NodeInfo[] | undefined => {
    const table = ctx.tables.get(f);
    if (!table || !wanted(f)) return undefined;
    return table.closest(target, table.k, now).map((n) => ({ id: n.id, address: n.address }));
  };
  const nodes = pick(4);
  const nodes6 = pick(6);
  return { ...(nodes ? { nodes } : {}), ...(nodes6 ? { nodes6 } : {}) };
}

export function errorReply(t: Uint8Array, code: number, message: string): KrpcErrorMessage {
  return { kind: 'error', t, code, message };
}

/** The reply to send, already encoded and within budget. */
export function answerQuery(ctx: HandlerContext, query: KrpcQuery, from: Address, queryBytes: number, now: number): Uint8Array {
  const base = { kind: 'response' as const, t: query.t, id: ctx.ownId, ip: from };
  let reply: KrpcResponse | KrpcErrorMessage;
  switch (query.method) {
    case 'ping':
      reply = base;
      break;
    case 'find_node':
      reply = { ...base, ...closestNodes(ctx, query, from, query.target, now) };
      break;
    case 'get_peers': {
      const values = ctx.peers.get(query.infoHash, MAX_VALUES_PER_REPLY, now, ctx.random);
      reply = {
        ...base, token: ctx.tokens.issue(from.host, now), ...closestNodes(ctx, query, from, query.infoHash, now),
        ...(values.length > 0 ? { values } : {}),
      };
      break;
    }
    case 'announce_peer': {
      if (!ctx.tokens.check(query.token, from.host, now)) {
        reply = errorReply(query.t, KRPC_ERROR.protocol, 'bad token');
        break;
      }
      const peer = { host: from.host, port: query.impliedPort ? from.port : query.port };
      if (ctx.peers.add(query.infoHash, peer, now)) ctx.onAnnounce(query.infoHash, peer);
      reply = base;
      break;
    }
    case 'unknown':
      reply = errorReply(query.t, KRPC_ERROR.methodUnknown, 'method unknown');
      break;
  }
  return encodeWithin(reply, replyBudget(queryBytes, ctx.maxResponseBytes));
}

/** Encodes `reply`, dropping values, then nodes, until it fits `budget` bytes. */
export function encodeWithin(reply: KrpcResponse | KrpcErrorMessage, budget: number): Uint8Array {
  let bytes = encodeKrpc(reply);
  if (reply.kind === 'error') return bytes.length <= budget ? bytes : encodeKrpc({ ...reply, message: '' });
  let r: KrpcResponse = reply;
  while (bytes.length > budget) {
    if (r.values && r.values.length > 0) r = { ...r, values: r.values.slice(0, Math.floor((r.values.length - 1) / 2)) };
    else if (r.nodes6 && r.nodes6.length > 0) r = { ...r, nodes6: r.nodes6.slice(0, r.nodes6.length - 1) };
    else if (r.nodes && r.nodes.length > 0) r = { ...r, nodes: r.nodes.slice(0, r.nodes.length - 1) };
    else if (r.ip) r = { kind: 'response', t: r.t, id: r.id, ...(r.token ? { token: r.token } : {}) };
    else break; // the bare reply (id, token) is the small fixed part a query always justifies
    if (r.values?.length === 0) {
      const { values: _drop, ...rest } = r;
      r = rest;
    }
    bytes = encodeKrpc(r);
  }
  return bytes;
}
