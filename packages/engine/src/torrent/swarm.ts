// Whom to connect to: candidate addresses from trackers, incoming connections and `addPeer`, dialled
// within the torrent's and the session's limits, never twice at once (keyed by host:port: every
// lab peer is 127.0.0.1), never ourselves, never a banned peer, with a growing wait after failures.
import { isLoopbackOrUnspecified } from '@typetorrent/tracker';
import { EngineError } from '../errors.js';
import { addressKey, endpointKey } from '../peer/ban-list.js';
import { dial, type Handshaken } from '../peer/handshake-io.js';
import type { PeerDirection } from '../peer/peer-connection.js';
import type { SessionServices } from './services.js';
import type { Endpoint } from './types.js';

/** What the swarm dials for: a running torrent, or a magnet link fetching its metadata. */
export interface SwarmHost {
  readonly services: SessionServices;
  readonly infoHash: Uint8Array;
  /** Dialling allowed (running, not paused). */
  readonly active: boolean;
  readonly closed: boolean;
  readonly maxPeers: number;
  /** Connected peers, and whether one is known by this "host:port". */
  readonly peerCount: number;
  hasPeer(key: string): boolean;
  /** A dialled peer completed its handshake: the host owns the connection (and its budget slot) now. */
  attach(handshaken: Handshaken, key: string, direction: PeerDirection): void;
}

/** Addresses remembered per torrent; more are ignored until some are dropped. */
export const MAX_CANDIDATES = 1000;
/** Failed dials in a row after which an address is forgotten (a tracker may hand it out again). */
const MAX_FAILURES = 5;
/** Longest wait before redialling. */
const MAX_RETRY_MS = 30 * 60_000;

export type PeerSource = 'tracker' | 'manual' | 'incoming' | 'pex' | 'dht' | 'lsd';

interface Candidate {
  readonly host: string;
  readonly port: number;
  readonly key: string;
  readonly source: PeerSource;
  failures: number;
  retryAt: number;
}

export class Swarm {
  readonly #rt: SwarmHost;
  readonly #candidates = new Map<string, Candidate>();
  readonly #dialing = new Map<string, AbortController>();
  /** Listen endpoints of connected peers (from BEP 10 `p`) → their connection key, so we do not dial them a second time. */
  readonly #listenKeys = new Map<string, string>();
  /** Endpoints that turned out to be ourselves. */
  readonly #self = new Set<string>();

  constructor(rt: SwarmHost) {
    this.#rt = rt;
  }

  get dialing(): number {
    return this.#dialing.size;
  }

  get candidates(): number {
    return this.#candidates.size;
  }

  add(endpoints: Iterable<Endpoint>, source: PeerSource): void {
    const rt = this.#rt;
    const ownPort = rt.services.listenPort();
    for (const { host, port } of endpoints) {
      if (!Number.isInteger(port) || port < 1 || port > 0xffff) continue;
      const key = endpointKey(host, port);
      if (port === ownPort && isLoopbackOrUnspecified(host)) continue; // trackers hand us back to ourselves
      if (this.#self.has(key) || this.#candidates.has(key) || this.#candidates.size >= MAX_CANDIDATES) continue;
      this.#candidates.set(key, { host, port, key, source, failures: 0, retryAt: 0 });
    }
    this.connectMore();
  }

  /** True when a connection to or from this endpoint exists or is being made. */
  isConnected(key: string): boolean {
    return this.#rt.hasPeer(key) || this.#listenKeys.has(key) || this.#dialing.has(key);
  }

  /** Dials candidates while the torrent and session have room. */
  connectMore(): void {
    const rt = this.#rt;
    if (!rt.active || this.#candidates.size === 0) return; // every tick of every torrent: no iterator for none
    const now = rt.services.clock.now();
    const { budget, bans } = rt.services;
    for (const candidate of this.#candidates.values()) {
      if (rt.peerCount + this.#dialing.size >= rt.maxPeers) return;
      if (candidate.retryAt > now || this.isConnected(candidate.key)) continue;
      if (bans.isBanned(candidate.key, addressKey(candidate.host))) continue;
      if (!budget.acquireConnect()) return;
      if (!budget.acquire()) {
        budget.releaseConnect();
        return;
      }
      this.#dial(candidate);
    }
  }

  /** The peer told us its listen port (BEP 10 `p`): an incoming peer is then known by it too. */
  learnListenPort(peerKey: string, host: string | undefined, listenPort: number | undefined): void {
    if (host === undefined || listenPort === undefined) return;
    const key = endpointKey(host, listenPort);
    if (key !== peerKey) this.#listenKeys.set(key, peerKey);
  }

  /** Every address known, for handing on (from the metadata fetch to the running torrent). */
  endpoints(): Endpoint[] {
    return [...this.#candidates.values()].map(({ host, port }) => ({ host, port }));
  }

  /**
   * A connected peer left: it may be dialled again after a wait. Connections we closed ourselves to
   * pause or stop are redialled at once when the torrent runs again.
   */
  onDisconnected(peerKey: string, reason: EngineError): void {
    for (const [key, owner] of this.#listenKeys) if (owner === peerKey) this.#listenKeys.delete(key);
    const candidate = this.#candidates.get(peerKey);
    if (candidate !== undefined) {
      if (this.#rt.active) this.#backOff(candidate);
      else candidate.retryAt = 0;
    }
    if (reason.code === 'SELF_CONNECTION') this.markSelf(peerKey);
  }

  /** Stops dialling an address (a seed, once we need nothing more); a tracker or addPeer may bring it back. */
  forget(key: string): void {
    this.#candidates.delete(key);
  }

  /** Never dial this endpoint again: it is us. */
  markSelf(key: string): void {
    this.#self.add(key);
    this.#candidates.delete(key);
  }

  /** Aborts every dial in flight. */
  close(): void {
    for (const controller of this.#dialing.values()) controller.abort(new EngineError('CLOSED', 'torrent closing'));
  }

  #dial(candidate: Candidate): void {
    const rt = this.#rt;
    const { services } = rt;
    const controller = new AbortController();
    this.#dialing.set(candidate.key, controller);
    const { tuning } = services;
    dial({
      host: candidate.host,
      port: candidate.port,
      key: candidate.key,
      reserved: services.reserved,
      infoHash: rt.infoHash,
      peerId: services.peerId,
      socketFactory: services.socketFactory,
      clock: services.clock,
      connectTimeoutMs: tuning.connectTimeoutMs,
      handshakeTimeoutMs: tuning.handshakeTimeoutMs,
      signal: controller.signal,
    }).then(
      (handshaken: Handshaken) => {
        this.#dialing.delete(candidate.key);
        services.budget.releaseConnect();
        candidate.failures = 0;
        // attach() owns the budget slot from here, and releases it when the connection ends.
        rt.attach(handshaken, candidate.key, 'out');
      },
      // A failed dial is routine (the address waits longer next time), not worth a warning.
      (error: unknown) => {
        this.#dialing.delete(candidate.key);
        services.budget.releaseConnect();
        services.budget.release();
        if (rt.closed) return;
        candidate.failures++;
        if (candidate.failures >= MAX_FAILURES) this.#candidates.delete(candidate.key);
        else this.#backOff(candidate);
        if (error instanceof EngineError && error.code === 'WRONG_INFO_HASH') this.#candidates.delete(candidate.key);
      },
    );
  }

  #backOff(candidate: Candidate): void {
    const base = this.#rt.services.tuning.reconnectBaseMs;
    candidate.retryAt = this.#rt.services.clock.now() + Math.min(MAX_RETRY_MS, base * 2 ** candidate.failures);
  }
}
