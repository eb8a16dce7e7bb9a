// What every part of a torrent may know about one connected peer: its connection, the four BEP 3
// flags, which pieces it has, its rates and what its extended handshake said. State that only one
// part uses (requests in flight, queued uploads, read debt, extension ids) lives in that part.
import type { Clock } from '../clock.js';
import type { PeerConnection } from '../peer/peer-connection.js';
import type { PickPeer } from '../picker/types.js';
import { RateMeter } from '../rate/rate-meter.js';
import { PeerPieces } from './peer-pieces.js';

export class Peer {
  readonly key: string;
  readonly conn: PeerConnection;
  readonly connectedAt: number;
  /** Their pieces, as they announced them (written by the availability part only). */
  readonly pieces = new PeerPieces();
  /** Payload bytes (block data only). */
  readonly downloadMeter: RateMeter;
  readonly uploadMeter: RateMeter;
  #amChoking = true;
  #amInterested = false;
  #peerChoking = true;
  #peerInterested = false;
  #client: string | undefined;
  #listenPort: number | undefined;

  constructor(conn: PeerConnection, clock: Clock) {
    this.key = conn.key;
    this.conn = conn;
    this.connectedAt = clock.now();
    const now = (): number => clock.now();
    this.downloadMeter = new RateMeter({ now });
    this.uploadMeter = new RateMeter({ now });
  }

  /** We choke it / are interested in it: changed only with the message that says so (see Transfer). */
  get amChoking(): boolean {
    return this.#amChoking;
  }

  get amInterested(): boolean {
    return this.#amInterested;
  }

  /** It chokes us / is interested in us: changed only by the messages it sends (see PeerHost). */
  get peerChoking(): boolean {
    return this.#peerChoking;
  }

  get peerInterested(): boolean {
    return this.#peerInterested;
  }

  /** From its BEP 10 handshake. */
  get client(): string | undefined {
    return this.#client;
  }

  get listenPort(): number | undefined {
    return this.#listenPort;
  }

  /** Sends CHOKE or UNCHOKE if that changes our state; true when it did. */
  setAmChoking(choking: boolean): boolean {
    if (this.#amChoking === choking) return false;
    this.#amChoking = choking;
    this.conn.send({ type: choking ? 'choke' : 'unchoke' });
    return true;
  }

  /** Sends INTERESTED or NOT INTERESTED if that changes our state. */
  setAmInterested(interested: boolean): void {
    if (this.#amInterested === interested) return;
    this.#amInterested = interested;
    this.conn.send({ type: interested ? 'interested' : 'not-interested' });
  }

  /** The peer's CHOKE/UNCHOKE/INTERESTED/NOT INTERESTED. */
  peerSaid(message: 'choke' | 'unchoke' | 'interested' | 'not-interested'): void {
    if (message === 'choke' || message === 'unchoke') this.#peerChoking = message === 'choke';
    else this.#peerInterested = message === 'interested';
  }

  /** What its extended handshake told us. */
  introduced(client: string | undefined, listenPort: number | undefined): void {
    this.#client = client;
    if (listenPort !== undefined) this.#listenPort = listenPort;
  }

  has(piece: number): boolean {
    return this.pieces.has(piece);
  }

  /** The peer has every piece. */
  get isSeed(): boolean {
    return this.pieces.isSeed;
  }

  /** The view the picker needs: which pieces, and which it may ask for while choked. */
  pickView(allowedFast: ReadonlySet<number>): PickPeer {
    return { key: this.key, has: (piece) => this.pieces.has(piece), hasAll: this.pieces.hasAll, choking: this.#peerChoking, allowedFast };
  }
}
