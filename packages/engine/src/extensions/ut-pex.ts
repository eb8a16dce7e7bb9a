// BEP 11 ut_pex as a plug-in, both ways: the peers a peer is connected to become candidates, and
// each peer that supports it hears, at most once a minute, which peers we connected to or lost since
// the last message (at most 50 of each, with seed, reachable and uTP flags). Never for a private torrent
// (BEP 27: its peers come from its tracker only). The decoder caps what we read; a malformed message
// is fatal, as BEP 11 allows.
import { decodeUtPex, encodeUtPex, PexFlag, UT_PEX } from '@typetorrent/peer-wire';
import type { Peer } from '../torrent/peer.js';
import type { Endpoint } from '../torrent/types.js';
import type { Extension } from './extension.js';

/** BEP 11: no more than one message per minute to a peer. */
export const PEX_INTERVAL_MS = 60_000;
/** BEP 11: at most 50 added and 50 dropped peers per message. */
export const MAX_PEX_PEERS = 50;

export interface UtPexHost {
  /** Private torrents (known once the metadata is) neither offer, send nor read PEX. */
  isPrivate(): boolean;
  /** Candidates learnt from a peer. */
  learnt(peers: readonly Endpoint[]): void;
  /** The peers we are connected to, for telling the others. */
  peers(): Iterable<Peer>;
  send(peer: Peer, payload: Uint8Array): boolean;
}

interface Told {
  at: number;
  /** Endpoint key -> what we said of it. */
  readonly peers: Map<string, { host: string; port: number; flags: number }>;
}

export class UtPex implements Extension {
  readonly name = UT_PEX;
  readonly #host: UtPexHost;
  readonly #told = new Map<Peer, Told>();

  constructor(host: UtPexHost) {
    this.#host = host;
  }

  offered(): boolean {
    return !this.#host.isPrivate();
  }

  onHandshake(peer: Peer, supported: boolean): void {
    if (supported) this.#told.set(peer, { at: Number.NEGATIVE_INFINITY, peers: new Map() });
    else this.#told.delete(peer);
  }

  onMessage(_peer: Peer, payload: Uint8Array): void {
    const message = decodeUtPex(payload);
    this.#host.learnt(message.added);
  }

  leave(peer: Peer): void {
    this.#told.delete(peer);
  }

  /** Sends each peer due a message what changed since the last one. */
  tick(now: number): void {
    // Nobody to tell: no garbage either (10,000 idle seeds made ~2 MB/s of it here, which kept V8's
    // memory reducer from ever collecting the start-up's garbage).
    if (this.#host.isPrivate() || this.#told.size === 0) return;
    const connected = new Map<string, { host: string; port: number; flags: number; peer: Peer }>();
    for (const peer of this.#host.peers()) {
      const endpoint = listenEndpoint(peer);
      if (endpoint === undefined) continue;
      // BEP 11 flags: a seed, reachable (we dialled it), speaks encryption (we talk MSE with it), uTP.
      const flags =
        (peer.isSeed ? PexFlag.seed : 0) |
        (peer.conn.direction === 'out' ? PexFlag.reachable : 0) |
        (peer.conn.encrypted ? PexFlag.encryption : 0) |
        (peer.conn.transport === 'utp' ? PexFlag.utp : 0);
      connected.set(`${endpoint.host}|${endpoint.port}`, { ...endpoint, flags, peer });
    }
    for (const [peer, told] of this.#told) {
      if (now - told.at < PEX_INTERVAL_MS || peer.conn.closed) continue;
      const added: { host: string; port: number; flags: number }[] = [];
      for (const [key, entry] of connected) {
        if (added.length >= MAX_PEX_PEERS) break;
        if (entry.peer === peer || told.peers.has(key)) continue;
        added.push({ host: entry.host, port: entry.port, flags: entry.flags });
        told.peers.set(key, added[added.length - 1]!);
      }
      const dropped: { host: string; port: number }[] = [];
      for (const [key, entry] of told.peers) {
        if (dropped.length >= MAX_PEX_PEERS) break;
        if (connected.has(key)) continue;
        dropped.push({ host: entry.host, port: entry.port });
        told.peers.delete(key);
      }
      if (added.length === 0 && dropped.length === 0) continue;
      told.at = now;
      this.#host.send(peer, encodeUtPex({ added, dropped }));
    }
  }
}

/** Where others can reach the peer: the address we dialled, or its address and the port its BEP 10 handshake named. */
function listenEndpoint(peer: Peer): Endpoint | undefined {
  const host = peer.conn.remoteAddress;
  if (host === undefined) return undefined;
  const port = peer.conn.direction === 'out' ? Number(peer.key.slice(peer.key.lastIndexOf(':') + 1)) : peer.listenPort;
  return port !== undefined && Number.isInteger(port) && port > 0 && port <= 0xffff ? { host: host.replace(/^::ffff:/, ''), port } : undefined;
}
