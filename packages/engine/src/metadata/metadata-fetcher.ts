// A magnet link's first job (BEP 9): find peers, ask those that support ut_metadata for the info
// dictionary piece by piece, and check the whole against the info-hash. Nothing else is exchanged:
// we send HAVE NONE (BEP 6 wants a first piece message) and our extended handshake, and ignore the
// rest until the torrent knows its pieces.
import {
  decodeExtendedHandshake,
  decodeUtMetadata,
  encodeExtendedHandshake,
  encodeUtMetadata,
  UT_METADATA,
  WireError,
  type WireMessage,
} from '@typetorrent/peer-wire';
import { EngineError, describeError } from '../errors.js';
import { admit, type AdmissionHost } from '../peer/admission.js';
import { peerIdKey } from '../peer/ban-list.js';
import type { Handshaken } from '../peer/handshake-io.js';
import type { PeerConnection, PeerDirection } from '../peer/peer-connection.js';
import { CLIENT_NAME } from '../torrent/extensions.js';
import type { SessionServices } from '../torrent/services.js';
import { Swarm, type SwarmHost } from '../torrent/swarm.js';
import { MAX_METADATA_SIZE, MetadataAssembly } from './assembly.js';

/** The id we announce for ut_metadata (BEP 10 `m`). */
const LOCAL_UT_METADATA = 1;
/** Requests outstanding per peer. */
const PER_PEER = 2;
/** A piece asked of a silent peer is asked of another after this long. */
const PIECE_TIMEOUT_MS = 10_000;
/** Failed hash checks after which every sender of the bad data is banned. */
const MAX_BAD_ATTEMPTS = 3;

interface MetadataPeer {
  readonly conn: PeerConnection;
  /** The peer's id for ut_metadata messages, once it said it supports them. */
  utMetadata: number | undefined;
}

export interface MetadataFetcherOptions {
  readonly infoHash: Uint8Array;
  readonly services: SessionServices;
  readonly maxPeers: number;
  readonly warn: (warning: EngineError) => void;
}

export class MetadataFetcher implements SwarmHost, AdmissionHost {
  readonly infoHash: Uint8Array;
  readonly services: SessionServices;
  readonly maxPeers: number;
  readonly swarm: Swarm;
  /** Resolves with the verified info dict. */
  readonly done: Promise<Uint8Array>;
  readonly #warn: (warning: EngineError) => void;
  readonly #peers = new Map<string, MetadataPeer>();
  #assembly: MetadataAssembly | undefined;
  #badAttempts = 0;
  #closed = false;
  #resolve: (bytes: Uint8Array) => void = () => undefined;

  constructor(options: MetadataFetcherOptions) {
    this.infoHash = options.infoHash;
    this.services = options.services;
    this.maxPeers = options.maxPeers;
    this.#warn = options.warn;
    this.swarm = new Swarm(this);
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }

  get active(): boolean {
    return !this.#closed;
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

  connections(): Iterable<PeerConnection> {
    return [...this.#peers.values()].map((peer) => peer.conn);
  }

  markSelf(key: string): void {
    this.swarm.markSelf(key);
  }

  attach(handshaken: Handshaken, key: string, direction: PeerDirection): void {
    const conn = admit(this, handshaken, key, direction, undefined);
    if (conn === undefined) return;
    const peer: MetadataPeer = { conn, utMetadata: undefined };
    this.#peers.set(key, peer);
    conn.on('message', (message) => {
      try {
        this.#onMessage(peer, message);
      } catch (error) {
        conn.close(error instanceof EngineError ? error : new EngineError('PROTOCOL', describeError(error), { peer: key, cause: error }));
      }
    });
    conn.on('close', (reason) => {
      this.#peers.delete(key);
      this.services.budget.release();
      this.#assembly?.peerGone(key);
      if (reason.code === 'PROTOCOL') this.services.bans.ban([key, peerIdKey(conn.peerId)], reason.message);
      this.swarm.onDisconnected(key, reason);
      if (!this.#closed) this.swarm.connectMore();
    });
    if (conn.fast) conn.send({ type: 'have-none' });
    if (conn.extended) {
      const port = this.services.listenPort();
      conn.send({ type: 'extended', id: 0, payload: encodeExtendedHandshake({ m: { [UT_METADATA]: LOCAL_UT_METADATA }, v: CLIENT_NAME, ...(port > 0 ? { p: port } : {}) }) });
    }
    conn.start();
  }

  /** Keep-alives, timed-out pieces asked again, more peers dialled. */
  tick(now: number): void {
    for (const peer of this.#peers.values()) {
      peer.conn.tick(now);
      this.#request(peer);
    }
    this.swarm.connectMore();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.swarm.close();
    for (const peer of [...this.#peers.values()]) peer.conn.close(new EngineError('CLOSED', 'metadata fetch over', { peer: peer.conn.key }));
  }

  #onMessage(peer: MetadataPeer, message: WireMessage): void {
    if (message.type !== 'extended') return;
    if (message.id === 0) {
      const handshake = decodeExtendedHandshake(message.payload, { maxMetadataSize: MAX_METADATA_SIZE });
      this.swarm.learnListenPort(peer.conn.key, peer.conn.remoteAddress, handshake.p);
      const id = handshake.m.get(UT_METADATA);
      const size = handshake.metadataSize;
      if (id === undefined || id === 0 || size === undefined) return;
      this.#assembly ??= new MetadataAssembly(size);
      // A peer that disagrees about the size has another dict (or lies): the hash decides, so the
      // first size heard is the one fetched, and others are not asked.
      if (this.#assembly.size !== size) return;
      peer.utMetadata = id;
      this.#request(peer);
      return;
    }
    if (message.id !== LOCAL_UT_METADATA) return;
    const assembly = this.#assembly;
    let decoded;
    try {
      decoded = decodeUtMetadata(message.payload, assembly === undefined ? {} : { metadataSize: assembly.size });
    } catch (error) {
      if (error instanceof WireError && !error.fatal) return;
      throw error;
    }
    switch (decoded.msgType) {
      case 'request':
        // We have no metadata to give yet.
        if (peer.utMetadata !== undefined) peer.conn.send({ type: 'extended', id: peer.utMetadata, payload: encodeUtMetadata({ msgType: 'reject', piece: decoded.piece }) });
        return;
      case 'reject':
        assembly?.rejected(decoded.piece, peer.conn.key);
        this.#request(peer);
        return;
      case 'data':
        if (assembly === undefined || peer.utMetadata === undefined) return;
        if (assembly.received(decoded.piece, decoded.data, peer.conn.key) === 'complete') this.#verify(assembly);
        else this.#request(peer);
        return;
      case 'unknown':
        return;
    }
  }

  #request(peer: MetadataPeer): void {
    const assembly = this.#assembly;
    if (assembly === undefined || peer.utMetadata === undefined || this.#closed) return;
    const now = this.services.clock.now();
    while (assembly.askedOf(peer.conn.key) < PER_PEER) {
      const piece = assembly.next(peer.conn.key, now, PIECE_TIMEOUT_MS);
      if (piece === undefined) return;
      peer.conn.send({ type: 'extended', id: peer.utMetadata, payload: encodeUtMetadata({ msgType: 'request', piece }) });
    }
  }

  #verify(assembly: MetadataAssembly): void {
    const result = assembly.verify(this.infoHash);
    if (result.ok) {
      this.#resolve(result.bytes);
      return;
    }
    this.#badAttempts++;
    this.#warn(new EngineError('CORRUPT_DATA', `metadata from ${result.senders.join(', ')} does not match the info-hash`));
    // One sender is proof; with several, only repeated failures say they are all suspect.
    if (result.senders.length === 1 || this.#badAttempts >= MAX_BAD_ATTEMPTS) {
      for (const key of result.senders) {
        const peer = this.#peers.get(key);
        const reason = new EngineError('CORRUPT_DATA', 'sent metadata that does not match the info-hash', { peer: key });
        this.services.bans.ban([key, ...(peer === undefined ? [] : [peerIdKey(peer.conn.peerId)])], reason.message);
        peer?.conn.close(reason);
      }
    }
    for (const peer of this.#peers.values()) this.#request(peer);
  }
}
