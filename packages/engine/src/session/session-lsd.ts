// The session's Local Service Discovery (BEP 14): one pair of multicast sockets for every torrent.
// Each joined torrent is announced at once, then every 5 minutes, and never more than once a
// minute (a pause and resume does not cut the wait short). Announces we hear name a TCP port; the
// peer is at the datagram's source address. Our own announces come back (multicast loopback) and are
// known by our cookie.
import { randomBytes } from 'node:crypto';
import type { Cancel, Clock } from '../clock.js';
import { EngineError, describeError } from '../errors.js';
import { decodeLsdAnnounce, encodeLsdAnnounce, type LsdAnnounce } from '../lsd/lsd-message.js';
import { lsdSockets, type LsdDatagram, type LsdSocketOptions, type LsdTransport, type OpenLsdTransport } from '../lsd/lsd-socket.js';
import type { LsdService } from '../torrent/lsd-service.js';
import type { Endpoint } from '../torrent/types.js';

export const LSD_INTERVAL_MS = 5 * 60_000;
/** BEP 14: at most one announce a minute per torrent. */
export const LSD_MIN_INTERVAL_MS = 60_000;

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

export type SessionLsdOptions = LsdSocketOptions;

export interface SessionLsdDeps {
  readonly clock: Clock;
  readonly warn: (warning: EngineError) => void;
  /** The sockets (default the real ones on port 6771). */
  readonly open?: OpenLsdTransport;
  /** Marks our announces (default 8 random bytes in hex). */
  readonly cookie?: string;
}

interface Joined {
  readonly infoHash: string;
  readonly found: (peers: readonly Endpoint[]) => void;
  timer: Cancel | undefined;
}

export class SessionLsd implements LsdService {
  readonly #deps: SessionLsdDeps;
  readonly #open: OpenLsdTransport;
  readonly cookie: string;
  readonly #joined = new Map<string, Joined>();
  /** When each info-hash was last announced (kept across leave and join, for the once-a-minute rule). */
  readonly #lastSent = new Map<string, number>();
  #transport: LsdTransport | undefined;
  #starting: Promise<void> | undefined;
  #tcpPort = 0;
  #closed = false;

  constructor(options: SessionLsdOptions, deps: SessionLsdDeps) {
    this.#deps = deps;
    this.#open = deps.open ?? lsdSockets(options);
    this.cookie = deps.cookie ?? randomBytes(8).toString('hex');
  }

  /** Opens the sockets; announces name `tcpPort`. A failure is a warning: the session runs without LSD. */
  async start(tcpPort: number): Promise<void> {
    this.#tcpPort = tcpPort;
    this.#starting ??= this.#start();
    await this.#starting;
  }

  join(infoHash: Uint8Array, found: (peers: readonly Endpoint[]) => void): () => void {
    if (this.#closed) return () => undefined;
    const hex = Buffer.from(infoHash.buffer, infoHash.byteOffset, infoHash.byteLength).toString('hex');
    this.#leave(hex);
    const entry: Joined = { infoHash: hex, found, timer: undefined };
    this.#joined.set(hex, entry);
    const last = this.#lastSent.get(hex);
    this.#schedule(entry, last === undefined ? 0 : Math.max(0, last + LSD_MIN_INTERVAL_MS - this.#deps.clock.now()));
    return () => {
      if (this.#joined.get(hex) === entry) this.#leave(hex);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const hex of [...this.#joined.keys()]) this.#leave(hex);
    await this.#starting;
    await this.#transport?.close();
    this.#transport = undefined;
  }

  async #start(): Promise<void> {
    try {
      const transport = await this.#open(
        (datagram) => this.#receive(datagram),
        (error) => this.#deps.warn(new EngineError('SOCKET', `local service discovery: ${describeError(error)}`, { cause: error })),
      );
      if (this.#closed) await transport.close();
      else this.#transport = transport;
    } catch (error) {
      this.#deps.warn(new EngineError('SOCKET', `local service discovery could not start: ${describeError(error)}`, { cause: error }));
    }
  }

  #leave(hex: string): void {
    const entry = this.#joined.get(hex);
    entry?.timer?.();
    this.#joined.delete(hex);
  }

  #schedule(entry: Joined, delayMs: number): void {
    entry.timer = this.#deps.clock.setTimeout(() => {
      entry.timer = undefined;
      if (this.#joined.get(entry.infoHash) !== entry) return;
      this.#announce(entry.infoHash);
      this.#schedule(entry, LSD_INTERVAL_MS);
    }, delayMs);
  }

  #announce(hex: string): void {
    const transport = this.#transport;
    if (transport === undefined || this.#tcpPort === 0) return;
    const now = this.#deps.clock.now();
    for (const [key, at] of this.#lastSent) if (at + LSD_MIN_INTERVAL_MS <= now && !this.#joined.has(key)) this.#lastSent.delete(key);
    this.#lastSent.set(hex, now);
    const announce: LsdAnnounce = { port: this.#tcpPort, infoHashes: [hex], cookie: this.cookie };
    for (const family of transport.families) transport.send(encodeLsdAnnounce(announce, family), family);
  }

  #receive(datagram: LsdDatagram): void {
    let announce: LsdAnnounce;
    try {
      announce = decodeLsdAnnounce(datagram.bytes);
    } catch {
      return; // not for us, or broken: multicast groups carry whatever anyone sends
    }
    // A source the kernel could not name (no usable address on the interface) is no peer to dial.
    if (announce.cookie === this.cookie || UNSPECIFIED.has(datagram.host)) return;
    for (const hex of announce.infoHashes) this.#joined.get(hex)?.found([{ host: datagram.host, port: announce.port }]);
  }
}
