// Peers that sent corrupt data or broke the protocol are kept away for a while. A ban names the
// endpoint ("host:port"), the peer id ("id:<hex>") and the address ("ip:<host>"), so reconnecting
// from another port with another peer id does not walk past it. Loopback addresses are the
// exception (addressKey gives none): every process on this machine shares them, so banning one would
// ban every honest local peer, which is all a test swarm has.
import type { Clock } from '../clock.js';

/** libtorrent bans for the session's lifetime; an hour lets a peer that was briefly broken back in. */
export const DEFAULT_BAN_MS = 60 * 60_000;

/** The most entries kept; the oldest go first, so a flood of hostile peers cannot grow memory. */
export const MAX_BANS = 10_000;

export interface BanEntry {
  readonly reason: string;
  readonly until: number;
}

export class BanList {
  readonly #clock: Clock;
  readonly #durationMs: number;
  /** Insertion order is ban order, which lets the cap evict the oldest first. */
  readonly #entries = new Map<string, BanEntry>();

  constructor(clock: Clock, durationMs = DEFAULT_BAN_MS) {
    this.#clock = clock;
    this.#durationMs = durationMs;
  }

  /** Bans every key given (an endpoint, a peer id key) for the list's duration. */
  ban(keys: Iterable<string>, reason: string): void {
    const until = this.#clock.now() + this.#durationMs;
    for (const key of keys) {
      this.#entries.delete(key);
      this.#entries.set(key, { reason, until });
      if (this.#entries.size > MAX_BANS) {
        const oldest = this.#entries.keys().next();
        if (oldest.done !== true) this.#entries.delete(oldest.value);
      }
    }
  }

  /** The ban on any of the keys, if one is still in force; expired entries are dropped on the way. */
  find(...keys: readonly (string | undefined)[]): BanEntry | undefined {
    const now = this.#clock.now();
    for (const key of keys) {
      if (key === undefined) continue;
      const entry = this.#entries.get(key);
      if (entry === undefined) continue;
      if (entry.until > now) return entry;
      this.#entries.delete(key);
    }
    return undefined;
  }

  isBanned(...keys: readonly (string | undefined)[]): boolean {
    return this.find(...keys) !== undefined;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** The ban key of a peer id. */
export function peerIdKey(peerId: Uint8Array): string {
  return `id:${Buffer.from(peerId.buffer, peerId.byteOffset, peerId.byteLength).toString('hex')}`;
}

/** "host:port", with brackets around IPv6 hosts; the key peers are told apart by. */
export function endpointKey(host: string, port: number): string {
  const plain = host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
  return plain.includes(':') ? `[${plain}]:${port}` : `${plain}:${port}`;
}

/** The ban key of a whole address, or undefined for loopback addresses (see the file comment). */
export function addressKey(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const plain = host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
  if (plain === '::1' || plain.startsWith('127.')) return undefined;
  return `ip:${plain}`;
}
