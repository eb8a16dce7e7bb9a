// Whom to connect to: candidate addresses from trackers, incoming connections and `addPeer`, dialled
// within the torrent's and the session's limits, never twice at once (keyed by host:port: every
// lab peer is 127.0.0.1), never ourselves, never a banned peer, with a growing wait after failures.
import { isLoopbackOrUnspecified } from '@typetorrent/tracker';
import { EngineError, describeError } from '../errors.js';
import { endpointKey } from '../peer/ban-list.js';
import { dial, type Handshaken } from '../peer/handshake-io.js';
import type { Peer } from './peer.js';
import type { Runtime } from './runtime.js';
import type { Endpoint } from './types.js';

/** Addresses remembered per torrent; more are ignored until some are dropped. */
export const MAX_CANDIDATES = 1000;
/** Failed dials in a row after which an address is forgotten (a tracker may hand it out again). */
const MAX_FAILURES = 5;
/** Longest wait before redialling. */
const MAX_RETRY_MS = 30 * 60_000;

export type PeerSource = 'tracker' | 'manual' | 'incoming';

interface Candidate {
  readonly host: string;
  readonly port: number;
  readonly key: string;
  readonly source: PeerSource;
  failures: number;
  retryAt: number;
}

export class Swarm {
  readonly #rt: Runtime;
  readonly #candidates = new Map<string, Candidate>();
  readonly #dialing = new Map<string, AbortController>();
  /** Listen endpoints of connected peers (from BEP 10 `p`), so we do not dial them a second time. */
  readonly #listenKeys = new Map<string, Peer>();
  /** Endpoints that turned out to be ourselves. */
  readonly #self = new Set<string>();

  constructor(rt: Runtime) {
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
    return this.#rt.peers.has(key) || this.#listenKeys.has(key) || this.#dialing.has(key);
  }

  /** Dials candidates while the torrent and session have room. */
  connectMore(): void {
    const rt = this.#rt;
    if (!rt.active) return;
    const now = rt.services.clock.now();
    const { budget, bans } = rt.services;
    for (const candidate of this.#candidates.values()) {
      if (rt.peers.size + this.#dialing.size >= rt.maxPeers) return;
      if (candidate.retryAt > now || this.isConnected(candidate.key)) continue;
      if (bans.isBanned(candidate.key)) continue;
      if (!budget.acquireConnect()) return;
      if (!budget.acquire()) {
        budget.releaseConnect();
        return;
      }
      this.#dial(candidate);
    }
  }

  /** The peer told us its listen port (BEP 10 `p`): an incoming peer is then known by it too. */
  learnListenPort(peer: Peer): void {
    const host = peer.conn.remoteAddress;
    if (host === undefined || peer.listenPort === undefined) return;
    const key = endpointKey(host, peer.listenPort);
    if (key !== peer.key) this.#listenKeys.set(key, peer);
  }

  /**
   * A connected peer left: it may be dialled again after a wait. Connections we closed ourselves to
   * pause or stop are redialled at once when the torrent runs again.
   */
  onDisconnected(peer: Peer, reason: EngineError): void {
    for (const [key, owner] of this.#listenKeys) if (owner === peer) this.#listenKeys.delete(key);
    const candidate = this.#candidates.get(peer.key);
    if (candidate !== undefined) {
      if (this.#rt.active) this.#backOff(candidate);
      else candidate.retryAt = 0;
    }
    if (reason.code === 'SELF_CONNECTION') this.markSelf(peer.key);
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
      infoHash: rt.metainfo.infoHash,
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
      (error: unknown) => {
        this.#dialing.delete(candidate.key);
        services.budget.releaseConnect();
        services.budget.release();
        if (rt.closed) return;
        candidate.failures++;
        if (candidate.failures >= MAX_FAILURES) this.#candidates.delete(candidate.key);
        else this.#backOff(candidate);
        if (error instanceof EngineError && error.code === 'WRONG_INFO_HASH') this.#candidates.delete(candidate.key);
        rt.debug(`dial ${candidate.key} failed: ${describeError(error)}`);
      },
    );
  }

  #backOff(candidate: Candidate): void {
    const base = this.#rt.services.tuning.reconnectBaseMs;
    candidate.retryAt = this.#rt.services.clock.now() + Math.min(MAX_RETRY_MS, base * 2 ** candidate.failures);
  }
}
