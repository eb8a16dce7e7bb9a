// One node of a simulated swarm (test helper, not exported by the package): a real Session on the
// SimNetwork, its one torrent, and what the scenarios ask of it afterwards.
import type { EngineError } from '../../errors.js';
import type { Session } from '../../session/session.js';
import type { Torrent } from '../../torrent/torrent.js';
import type { StorageLog } from './sim-data.js';

/** A peer we dropped and banned, and why. */
export interface BanRecord {
  /** The banned peer's address (10.x.y.1, its node in the swarm). */
  readonly host: string;
  readonly code: string;
  readonly at: number;
}

export class SimPeer {
  readonly name: string;
  readonly host: string;
  readonly session: Session;
  readonly torrent: Torrent;
  readonly storage: StorageLog;
  readonly joinedAt: number;
  /** Simulated time the torrent was done, if it was. */
  doneAt: number | undefined;
  leftAt: number | undefined;
  readonly bans: BanRecord[] = [];
  /** Pieces this node verified while in the swarm (not those it started with). */
  readonly pieces = new Set<number>();
  /** The torrent's warnings, in order. */
  readonly warnings: EngineError[] = [];
  /** Payload bytes this node sent to each host, from the peer list before each disconnect and at the end. */
  readonly #uploadedTo = new Map<string, number>();
  /** Payload bytes received from each host over all its connections. */
  readonly #downloadedFrom = new Map<string, number>();
  #closing: Promise<void> | undefined;
  #removing: Promise<void> | undefined;

  constructor(init: { name: string; host: string; session: Session; torrent: Torrent; storage: StorageLog; now: () => number }) {
    this.name = init.name;
    this.host = init.host;
    this.session = init.session;
    this.torrent = init.torrent;
    this.storage = init.storage;
    this.joinedAt = init.now();
    const torrent = init.torrent;
    if (torrent.done) this.doneAt = this.joinedAt;
    torrent.on('done', () => (this.doneAt ??= init.now()));
    torrent.on('piece', (piece) => this.pieces.add(piece));
    torrent.on('warning', (warning) => this.warnings.push(warning));
    torrent.on('peer', (event) => {
      if (event.type !== 'disconnect') return;
      const host = hostOf(event.peer.key);
      add(this.#uploadedTo, host, event.peer.uploaded);
      add(this.#downloadedFrom, host, event.peer.downloaded);
      const code = event.reason.code;
      if (code === 'CORRUPT_DATA' || code === 'PROTOCOL') this.bans.push({ host, code, at: init.now() });
    });
  }

  get done(): boolean {
    return this.doneAt !== undefined;
  }

  get left(): boolean {
    return this.leftAt !== undefined;
  }

  /** Payload bytes sent, over the whole run. */
  get uploaded(): number {
    return this.torrent.progress().uploaded;
  }

  get downloaded(): number {
    return this.torrent.progress().downloaded;
  }

  /** Payload bytes sent to each host: closed connections plus the ones still open. */
  uploadedTo(): Map<string, number> {
    const totals = new Map(this.#uploadedTo);
    for (const peer of this.torrent.peers()) add(totals, hostOf(peer.key), peer.uploaded);
    return totals;
  }

  downloadedFrom(): Map<string, number> {
    const totals = new Map(this.#downloadedFrom);
    for (const peer of this.torrent.peers()) add(totals, hostOf(peer.key), peer.downloaded);
    return totals;
  }

  /**
   * Removes the torrent once (its stop runs on the simulated clock). The session stays open until
   * the swarm closes: closing it waits on its real listening socket, at a moment no seed decides.
   */
  remove(): Promise<void> {
    this.#removing ??= this.session.remove(this.torrent).catch(() => undefined);
    return this.#removing;
  }

  /** Closes the session once (the swarm drives the clock while it closes). */
  close(): Promise<void> {
    this.#closing ??= this.session.close();
    return this.#closing;
  }
}

export function hostOf(key: string): string {
  return key.slice(0, key.lastIndexOf(':'));
}

function add(totals: Map<string, number>, key: string, bytes: number): void {
  totals.set(key, (totals.get(key) ?? 0) + bytes);
}
