// What a torrent knows about one connected peer: the four BEP 3 flags, which pieces it has, the
// requests in flight both ways, rates, and the counters behind the protocol-abuse rules. The logic
// that changes these lives in the torrent's handlers; this is the state and its small invariants.
import { Bitfield } from '@typetorrent/peer-wire';
import type { Clock } from '../clock.js';
import type { PeerConnection } from '../peer/peer-connection.js';
import type { PickPeer } from '../picker/types.js';
import { RateMeter } from '../rate/rate-meter.js';
import { PeerRequests, type PeerRequestsOptions } from '../requests/peer-requests.js';

/** A request the peer made of us, waiting to be served. */
export interface IncomingRequest {
  readonly piece: number;
  readonly begin: number;
  readonly length: number;
}

/**
 * Most requests a peer may queue with us, announced as our BEP 10 `reqq`: the excess is rejected
 * (BEP 6) or dropped. libtorrent allows 2000 (max_allowed_in_request_queue) and keeps no more than
 * the other side's `reqq` outstanding, so a smaller number here caps how fast it can download from us
 * (500 held a loopback libtorrent leecher to about 150 MB/s).
 */
export const MAX_INCOMING_REQUESTS = 2000;

/** Given-up requests remembered per peer; older ones are forgotten (their blocks then count as unrequested). */
const MAX_GIVEN_UP = 4096;

export class Peer implements PickPeer {
  readonly key: string;
  readonly conn: PeerConnection;
  readonly connectedAt: number;
  /** BEP 3 flags, from each side's point of view. */
  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  /** Their pieces. With `hasAll` set the bitfield is not consulted (BEP 6 HAVE ALL, or full). */
  pieces: Bitfield;
  hasAll = false;
  /** Whether their availability is counted in the picker as a seed (`peerHasAll`) or per piece. */
  countedAsSeed = false;
  /** A bitfield, have-all, have-none or have arrived: a bitfield or have-all/none is no longer allowed. */
  sawAvailability = false;
  /** Bytes read beyond what the download limiters granted; reading stays paused until paid. */
  readDebt = 0;
  /** Our requests to the peer. */
  readonly requests: PeerRequests;
  /** Their requests to us, oldest first. */
  readonly incoming: IncomingRequest[] = [];
  /** Pieces the peer lets us request while it chokes us (BEP 6 allowed fast). */
  readonly allowedFast = new Set<number>();
  /** Pieces we let the peer request while we choke it. */
  readonly grantedFast = new Set<number>();
  /** Payload bytes (block data only). */
  readonly downloadMeter: RateMeter;
  readonly uploadMeter: RateMeter;
  /** From the BEP 10 handshake. */
  listenPort: number | undefined;
  client: string | undefined;
  /** The id the peer wants ut_metadata messages sent with (BEP 9/10), if it supports it. */
  utMetadataId: number | undefined;
  metadataRequests = 0;
  /** Requests for pieces we do not have, from a peer without BEP 6 (we cannot reject them). */
  badRequests = 0;
  /** Reads in flight for this peer's requests. */
  serving = 0;
  /** Requests the peer rejected (BEP 6) although it has us unchoked. */
  rejects = 0;
  /** Requests we gave up on (timed out, cancelled, discarded by a choke): their blocks may still come. */
  readonly #givenUp = new Set<number>();

  constructor(conn: PeerConnection, pieceCount: number, clock: Clock, requestOptions: Omit<PeerRequestsOptions, 'now'>) {
    this.key = conn.key;
    this.conn = conn;
    this.connectedAt = clock.now();
    this.pieces = new Bitfield(pieceCount);
    const now = (): number => clock.now();
    this.requests = new PeerRequests({ ...requestOptions, now });
    this.downloadMeter = new RateMeter({ now });
    this.uploadMeter = new RateMeter({ now });
  }

  has(piece: number): boolean {
    return this.hasAll || this.pieces.get(piece);
  }

  /** PickPeer: only allowed-fast pieces can be asked for while the peer chokes us. */
  get choking(): boolean {
    return this.peerChoking;
  }

  /** Remembers a request we gave up on, so its late block is not taken for an unrequested one. */
  giveUp(blockId: number): void {
    this.#givenUp.add(blockId);
    if (this.#givenUp.size > MAX_GIVEN_UP) {
      const oldest = this.#givenUp.values().next();
      if (oldest.done !== true) this.#givenUp.delete(oldest.value);
    }
  }

  /** True (once) when a block answers a request we gave up on. */
  forgive(blockId: number): boolean {
    return this.#givenUp.delete(blockId);
  }

  /** The peer has every piece (counted as a seed). */
  get isSeed(): boolean {
    return this.hasAll || this.pieces.hasAll();
  }
}
