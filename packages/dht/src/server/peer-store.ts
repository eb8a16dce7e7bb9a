// Peers announced to us, per info-hash. Every dimension is capped so a flood of announces costs
// bounded memory: peers per torrent, torrents, peers in total and entries per announcing IP.
import type { Address, RandomSource } from '../env.js';
import { randomInt } from '../env.js';
import { idToHex } from '../ids.js';
import { addressKey } from '../ip.js';

export interface PeerStoreLimits {
  /** Peers kept per info-hash; the oldest goes first. Default 200. */
  maxPeersPerTorrent?: number;
  /** Info-hashes tracked. Default 2,000. */
  maxTorrents?: number;
  /** Entries over all info-hashes. Default 20,000. */
  maxPeers?: number;
  /** Entries one announcing IP may hold over all info-hashes. Default 50. */
  maxPeersPerIp?: number;
  /** An announce is forgotten after this long. Default 30 minutes. */
  ttlMs?: number;
}

interface Entry {
  readonly address: Address;
  /** The IP that announced (the peer address may carry another port). */
  readonly announcer: string;
  readonly expires: number;
}

export class PeerStore {
  readonly #torrents = new Map<string, Map<string, Entry>>();
  readonly #perIp = new Map<string, number>();
  #total = 0;
  readonly limits: Required<PeerStoreLimits>;

  constructor(limits: PeerStoreLimits = {}) {
    this.limits = {
      maxPeersPerTorrent: limits.maxPeersPerTorrent ?? 200,
      maxTorrents: limits.maxTorrents ?? 2000,
      maxPeers: limits.maxPeers ?? 20_000,
      maxPeersPerIp: limits.maxPeersPerIp ?? 50,
      ttlMs: limits.ttlMs ?? 30 * 60_000,
    };
  }

  get size(): number {
    return this.#total;
  }

  get torrentCount(): number {
    return this.#torrents.size;
  }

  /** Records an announce; false when a cap refused it. */
  add(infoHash: Uint8Array, peer: Address, now: number): boolean {
    const hash = idToHex(infoHash);
    const key = addressKey(peer);
    let peers = this.#torrents.get(hash);
    const existing = peers?.get(key);
    if (existing) {
      this.#delete(hash, peers!, key, existing); // re-announce: refresh, keep counts right
      peers = this.#torrents.get(hash);
    }
    if ((this.#perIp.get(peer.host) ?? 0) >= this.limits.maxPeersPerIp) return false;
    if (this.#total >= this.limits.maxPeers) this.expire(now);
    if (this.#total >= this.limits.maxPeers) return false;
    if (!peers) {
      if (this.#torrents.size >= this.limits.maxTorrents) this.expire(now);
      if (this.#torrents.size >= this.limits.maxTorrents) return false;
      peers = new Map();
      this.#torrents.set(hash, peers);
    }
    if (peers.size >= this.limits.maxPeersPerTorrent) {
      const [oldKey, oldest] = peers.entries().next().value as [string, Entry];
      this.#delete(hash, peers, oldKey, oldest);
      if (!this.#torrents.has(hash)) this.#torrents.set(hash, peers);
    }
    peers.set(key, { address: peer, announcer: peer.host, expires: now + this.limits.ttlMs });
    this.#perIp.set(peer.host, (this.#perIp.get(peer.host) ?? 0) + 1);
    this.#total++;
    return true;
  }

  /** Up to `count` live peers for the info-hash, a random selection when there are more. */
  get(infoHash: Uint8Array, count: number, now: number, random: RandomSource): Address[] {
    const hash = idToHex(infoHash);
    const peers = this.#torrents.get(hash);
    if (!peers) return [];
    const live: Address[] = [];
    for (const [key, e] of peers) {
      if (e.expires <= now) this.#delete(hash, peers, key, e);
      else live.push(e.address);
    }
    for (let i = live.length - 1; i > 0 && live.length > count; i--) {
      const j = randomInt(random, i + 1);
      [live[i], live[j]] = [live[j]!, live[i]!];
    }
    return live.slice(0, count);
  }

  /** Drops expired entries everywhere (run periodically). */
  expire(now: number): void {
    for (const [hash, peers] of this.#torrents) {
      for (const [key, e] of peers) if (e.expires <= now) this.#delete(hash, peers, key, e);
    }
  }

  #delete(hash: string, peers: Map<string, Entry>, key: string, entry: Entry): void {
    peers.delete(key);
    this.#total--;
    const n = (this.#perIp.get(entry.announcer) ?? 1) - 1;
    if (n <= 0) this.#perIp.delete(entry.announcer);
    else this.#perIp.set(entry.announcer, n);
    if (peers.size === 0) this.#torrents.delete(hash);
  }
}
