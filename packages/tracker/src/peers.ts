// Helpers for peer lists the engine receives: deduplication and dropping ourselves.
import type { Peer } from './types.js';

/** The key peers are told apart by: every loopback peer shares an IP, so the port is part of it. */
export function peerKey(peer: Peer): string {
  return peer.host.includes(':') ? `[${peer.host}]:${peer.port}` : `${peer.host}:${peer.port}`;
}

/** First occurrence of each host:port, in order. */
export function uniquePeers(peers: Iterable<Peer>): Peer[] {
  const seen = new Set<string>();
  const out: Peer[] = [];
  for (const peer of peers) {
    const key = peerKey(peer);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(peer);
  }
  return out;
}

/** 127.0.0.0/8, ::1, their IPv4-mapped forms, and the unspecified addresses. */
export function isLoopbackOrUnspecified(host: string): boolean {
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return v4.startsWith('127.') || v4 === '0.0.0.0' || host === '::1' || host === '::' || host === 'localhost';
}

/**
 * Drops peers that are this client: a tracker hands us back our own address (opentracker on
 * loopback does). Without knowing our public address, the safe rule is a loopback or unspecified
 * host with our own listening port. `ownHosts` adds addresses known to be ours (say, a public IP).
 */
export function withoutSelf(peers: Iterable<Peer>, ownPort: number, ownHosts: readonly string[] = []): Peer[] {
  const own = new Set(ownHosts);
  const out: Peer[] = [];
  for (const peer of peers) {
    const isSelf = peer.port === ownPort && (isLoopbackOrUnspecified(peer.host) || own.has(peer.host));
    if (!isSelf) out.push(peer);
  }
  return out;
}
