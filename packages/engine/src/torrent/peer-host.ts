// The one place a torrent's connections live, from the first dial of a magnet link through the
// metadata fetch and the check to downloading and seeding: admission, dialling (Swarm), greetings,
// BEP 10 handshakes and extension plug-ins, keep-alives. What a connection carries once pieces are
// exchanged goes to the current `PeerWork` (the running Transfer); before there is one, the peer's
// flags are kept and its piece announcements wait in PeerPieces, so nothing is lost or redone.
import { decodeReserved, type WireMessage } from '@typetorrent/peer-wire';
import { EngineError, describeError } from '../errors.js';
import type { ExtensionSet, HandshakeFields } from '../extensions/extension.js';
import { admit, type AdmissionHost } from '../peer/admission.js';
import { addressKey, endpointKey, peerIdKey } from '../peer/ban-list.js';
import type { Handshaken } from '../peer/handshake-io.js';
import type { PeerConnection, PeerDirection } from '../peer/peer-connection.js';
import { Peer } from './peer.js';
import { peerInfo } from './peer-info.js';
import type { SessionServices } from './services.js';
import { Swarm, type SwarmHost } from './swarm.js';
import type { PeerEvent } from './types.js';

/** ALLOWED FAST pieces kept per peer before there is work (BEP 6 suggests sets of 10); more are ignored. */
const MAX_ALLOWED_FAST_KEPT = 64;

/** How long a connection may stay without exchanging payload before a newcomer may take its slot. */
export const EVICT_AFTER_MS = 30_000;

/** The running phase's side of every connection (the Transfer). */
export interface PeerWork {
  /** The first message of a new connection (BEP 6: BITFIELD, HAVE ALL or HAVE NONE). */
  greet(peer: Peer): void;
  /** A peer to exchange pieces with; `early` when it was greeted before we knew our pieces. */
  join(peer: Peer, early: boolean): void;
  leave(peer: Peer, reason: EngineError): void;
  /** A message other than the extension protocol's; the peer's flags are already updated. */
  onMessage(peer: Peer, message: WireMessage): void;
  /** The peer's BEP 10 handshake (its `reqq`). */
  introduced(peer: Peer, reqq: number | undefined): void;
  onChunk(peer: Peer, bytes: number): void;
  onDrain(peer: Peer): void;
  tick(now: number): void;
  /** It sends us nothing while we wait on it (for peer listings). */
  snubbed(peer: Peer): boolean;
}

export interface PeerHostHooks {
  peer(event: PeerEvent): void;
  warn(warning: EngineError): void;
  /** Our handshake fields that are not an extension's (`p`, `v`, `reqq`). */
  handshakeBase(): HandshakeFields;
}

export interface PeerHostOptions {
  readonly infoHash: Uint8Array;
  readonly services: SessionServices;
  readonly maxPeers: number;
  readonly extensions: ExtensionSet;
  readonly hooks: PeerHostHooks;
}

export class PeerHost implements SwarmHost, AdmissionHost {
  readonly infoHash: Uint8Array;
  readonly services: SessionServices;
  readonly swarm: Swarm;
  readonly extensions: ExtensionSet;
  maxPeers: number;
  readonly #hooks: PeerHostHooks;
  readonly #peers = new Map<string, Peer>();
  /** Peers greeted before there was work: they were told HAVE NONE (or nothing) and get HAVEs later. */
  readonly #greetedEarly = new Set<Peer>();
  /** BEP 6 ALLOWED FAST pieces a peer gave us before there was work (peers send them right after the handshake). */
  readonly #allowedEarly = new Map<Peer, Set<number>>();
  #work: PeerWork | undefined;
  #pieceCount: number | undefined;
  #active = false;
  #closed = false;

  constructor(options: PeerHostOptions) {
    this.infoHash = options.infoHash;
    this.services = options.services;
    this.maxPeers = options.maxPeers;
    this.extensions = options.extensions;
    this.#hooks = options.hooks;
    this.swarm = new Swarm(this);
  }

  /** Connecting and accepting (not paused, stopped or failed). */
  get active(): boolean {
    return this.#active && !this.#closed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  hasPeer(key: string): boolean {
    return this.#peers.has(key);
  }

  peer(key: string): Peer | undefined {
    return this.#peers.get(key);
  }

  peers(): IterableIterator<Peer> {
    return this.#peers.values();
  }

  connections(): Iterable<PeerConnection> {
    return [...this.#peers.values()].map((peer) => peer.conn);
  }

  markSelf(key: string): void {
    this.swarm.markSelf(key);
  }

  /**
   * The torrent is full and a new peer completed its handshake: closes the least useful connection
   * if one has had its chance (connected for EVICT_AFTER_MS) and given or taken no payload, so
   * silent peers cannot hold every slot (libtorrent, too, prefers peers that give data). True when
   * a slot was freed.
   */
  makeRoom(): boolean {
    const now = this.services.clock.now();
    let victim: Peer | undefined;
    for (const peer of this.#peers.values()) {
      if (peer.conn.closed || now - peer.connectedAt < EVICT_AFTER_MS) continue;
      if (peer.downloadMeter.total > 0 || peer.uploadMeter.total > 0) continue;
      if (victim === undefined || peer.connectedAt < victim.connectedAt) victim = peer;
    }
    if (victim === undefined) return false;
    this.drop(victim, new EngineError('TOO_MANY_PEERS', 'made room for a new peer: no data exchanged', { peer: victim.key }));
    return true;
  }

  /** Starts (or restarts after a pause) connecting and accepting. */
  activate(): void {
    if (this.#closed) return;
    this.#active = true;
    this.swarm.connectMore();
  }

  /** Every connection closed and no new one made (pause, stop, error); addresses are kept. */
  deactivate(reason: string): void {
    this.#active = false;
    this.swarm.close();
    for (const peer of [...this.#peers.values()]) this.drop(peer, new EngineError('CLOSED', reason, { peer: peer.key }));
  }

  /** For good (the torrent is removed). */
  close(reason: string): void {
    this.deactivate(reason);
    this.#closed = true;
  }

  /** The torrent's pieces are known (metadata fetched): bitfields can be checked from now on. */
  learnPieceCount(pieceCount: number): void {
    this.#pieceCount = pieceCount;
    for (const peer of this.#peers.values()) peer.conn.setPieceCount(pieceCount);
  }

  /** Pieces are exchanged from now on: every connected peer joins the work. */
  startWork(work: PeerWork): void {
    this.#work = work;
    for (const peer of [...this.#peers.values()]) {
      if (peer.conn.closed) continue;
      const early = this.#greetedEarly.delete(peer);
      const allowed = this.#allowedEarly.get(peer) ?? [];
      this.#allowedEarly.delete(peer);
      try {
        work.join(peer, early);
        for (const index of allowed) if (!peer.conn.closed) work.onMessage(peer, { type: 'allowed-fast', index });
      } catch (error) {
        // What it announced before the piece count was known is checked only now: a lie drops (and bans) it alone.
        peer.conn.close(error instanceof EngineError ? error : new EngineError('PROTOCOL', describeError(error), { peer: peer.key, cause: error }));
      }
    }
  }

  /** The work is over (pause, stop): its peers leave it first. */
  stopWork(reason: string): void {
    const work = this.#work;
    if (work === undefined) return;
    this.deactivate(reason);
    this.#work = undefined;
  }

  /**
   * A handshake completed (either direction). Checks it against bans, ourselves, duplicates and
   * limits, answers an incoming one, and starts the peer. The caller has taken a budget slot for
   * it; it is released when the connection ends (or here, when it is refused).
   */
  attach(handshaken: Handshaken, key: string, direction: PeerDirection): void {
    const conn = admit(this, handshaken, key, direction, this.#pieceCount);
    if (conn === undefined) return;
    const peer = new Peer(conn, this.services.clock);
    this.#peers.set(key, peer);
    conn.on('message', (message) => {
      try {
        this.#onMessage(peer, message);
      } catch (error) {
        conn.close(error instanceof EngineError ? error : new EngineError('PROTOCOL', describeError(error), { peer: key, cause: error }));
      }
    });
    conn.on('chunk', (bytes) => this.#work?.onChunk(peer, bytes));
    conn.on('drain', () => this.#work?.onDrain(peer));
    conn.on('close', (reason) => this.#detach(peer, reason));
    const work = this.#work;
    if (work !== undefined) work.greet(peer);
    else {
      // BEP 6 wants a piece message first; what we have is told once we know it.
      if (conn.fast) conn.send({ type: 'have-none' });
      this.#greetedEarly.add(peer);
    }
    if (conn.extended) conn.send({ type: 'extended', id: 0, payload: this.extensions.handshake(this.#hooks.handshakeBase()) });
    // BEP 5: both ends set the DHT bit, so the peer learns where our node listens.
    const dhtPort = this.services.dht?.port ?? 0;
    if (dhtPort > 0 && decodeReserved(this.services.reserved).dht && decodeReserved(handshaken.handshake.reserved).dht) conn.send({ type: 'port', port: dhtPort });
    work?.join(peer, false);
    this.#hooks.peer({ type: 'connect', peer: peerInfo(peer, this.#work?.snubbed(peer) ?? false) });
    conn.start();
  }

  /** Closes a connection; PROTOCOL and CORRUPT_DATA reasons ban the peer (see #detach). */
  drop(peer: Peer, reason: EngineError): void {
    peer.conn.close(reason);
  }

  /** Keep-alives and inactivity, the work's periodic jobs, more dials. */
  tick(now: number): void {
    if (!this.active) return;
    if (this.#peers.size > 0) for (const peer of this.#peers.values()) peer.conn.tick(now); // no iterator for an idle seed
    this.#work?.tick(now);
    this.swarm.connectMore();
  }

  #onMessage(peer: Peer, message: WireMessage): void {
    switch (message.type) {
      case 'keep-alive':
      case 'unknown': // skipped by the decoder without buffering (BEP 3: ignore unknown ids)
        return;
      case 'port': {
        // BEP 5: the peer's DHT node; it joins our table if it answers a ping.
        const address = peer.conn.remoteAddress;
        if (address !== undefined && message.port > 0) this.services.dht?.addNode(address, message.port);
        return;
      }
      case 'extended':
        this.#onExtended(peer, message.id, message.payload);
        return;
      case 'handshake':
        throw new EngineError('PROTOCOL', 'a second handshake', { peer: peer.key });
      case 'choke':
      case 'unchoke':
      case 'interested':
      case 'not-interested':
        peer.peerSaid(message.type);
        break;
      default:
        break;
    }
    const work = this.#work;
    if (work !== undefined) {
      work.onMessage(peer, message);
      return;
    }
    switch (message.type) {
      case 'bitfield':
      case 'have':
      case 'have-all':
      case 'have-none':
        if (!peer.pieces.keep(message)) throw new EngineError('PROTOCOL', 'too many piece announcements before we knew the pieces', { peer: peer.key });
        return;
      case 'request':
        // We have nothing to give yet; BEP 6 lets us say so.
        if (peer.conn.fast) peer.conn.sendReject(message.index, message.begin, message.length);
        return;
      case 'piece':
        throw new EngineError('PROTOCOL', `unrequested block: piece ${message.index} offset ${message.begin}`, { peer: peer.key });
      case 'allowed-fast': {
        let allowed = this.#allowedEarly.get(peer);
        if (allowed === undefined) this.#allowedEarly.set(peer, (allowed = new Set()));
        if (allowed.size < MAX_ALLOWED_FAST_KEPT) allowed.add(message.index);
        return;
      }
      default:
        return;
    }
  }

  #onExtended(peer: Peer, id: number, payload: Uint8Array): void {
    if (id !== 0) {
      this.extensions.onMessage(peer, id, payload);
      return;
    }
    const handshake = this.extensions.onHandshake(peer, payload);
    peer.introduced(handshake.v, handshake.p);
    this.swarm.learnListenPort(peer.key, peer.conn.remoteAddress, peer.listenPort);
    this.#work?.introduced(peer, handshake.reqq);
  }

  #detach(peer: Peer, reason: EngineError): void {
    if (this.#peers.get(peer.key) !== peer) return;
    this.#peers.delete(peer.key);
    this.#greetedEarly.delete(peer);
    this.#allowedEarly.delete(peer);
    this.services.budget.release();
    this.#work?.leave(peer, reason);
    this.extensions.leave(peer);
    if (reason.code === 'PROTOCOL' || reason.code === 'CORRUPT_DATA') {
      const keys = [peer.key, peerIdKey(peer.conn.peerId)];
      const host = peer.conn.remoteAddress;
      if (host !== undefined && peer.listenPort !== undefined) keys.push(endpointKey(host, peer.listenPort));
      const address = addressKey(host);
      if (address !== undefined) keys.push(address);
      this.services.bans.ban(keys, reason.message);
      this.#hooks.warn(new EngineError(reason.code, `banned ${peer.key}: ${reason.message}`, { peer: peer.key, cause: reason }));
    }
    this.swarm.onDisconnected(peer.key, reason);
    this.#hooks.peer({ type: 'disconnect', peer: peerInfo(peer, this.#work?.snubbed(peer) ?? false), reason });
    if (this.active) this.swarm.connectMore();
  }
}
