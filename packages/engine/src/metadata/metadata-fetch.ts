// Fetching a magnet link's info dictionary from several peers that may disagree (BEP 9). Each peer
// names a size; the pieces of each claimed size are gathered apart, so a peer that lies about the
// size or serves a forged dict costs one assembly, never the fetch: when an assembly fails the
// info-hash check it is thrown away and the peers that claimed that size are asked again, minus the
// ones proven guilty. Pure: the caller passes the time and sends the requests.
import { EngineError } from '../errors.js';
import { MAX_METADATA_SIZE, MetadataAssembly } from './assembly.js';

/** Requests outstanding per peer. */
const PER_PEER = 2;
/** A piece asked of a silent peer is asked of another after this long. */
export const PIECE_TIMEOUT_MS = 10_000;
/** Failed hash checks of one size after which every sender of bad data for it is banned. */
const MAX_BAD_ATTEMPTS = 3;
/**
 * Bytes of assemblies held at once. One honest size and a few lies fit; a flood of peers each
 * naming another size does not take more memory than this.
 */
export const MAX_ASSEMBLY_BYTES = 2 * MAX_METADATA_SIZE;

export type FetchOutcome =
  | { readonly kind: 'verified'; readonly bytes: Uint8Array }
  | { readonly kind: 'forged'; readonly guilty: readonly string[]; readonly warning: EngineError }
  | { readonly kind: 'pending' };

export class MetadataFetch {
  readonly #infoHash: Uint8Array;
  /** Each peer's claimed size. */
  readonly #claims = new Map<string, number>();
  readonly #assemblies = new Map<number, MetadataAssembly>();
  readonly #badAttempts = new Map<number, number>();
  #bytes = 0;

  constructor(infoHash: Uint8Array) {
    this.#infoHash = infoHash;
  }

  /**
   * The peer supports ut_metadata and says the dict is `size` bytes. Returns a reason when the
   * claim is ignored (too large), undefined when it is taken.
   */
  claim(peer: string, size: number | undefined): string | undefined {
    if (size === undefined) return 'it did not say how large the metadata is';
    if (size > MAX_METADATA_SIZE) return `it claims ${size} bytes of metadata, more than the ${MAX_METADATA_SIZE} we accept`;
    this.#claims.set(peer, size);
    return undefined;
  }

  /** Pieces to ask `peer` for now (none when its size cannot be held yet). */
  requests(peer: string, now: number): number[] {
    const assembly = this.#assemblyFor(peer);
    if (assembly === undefined) return [];
    const out: number[] = [];
    while (assembly.askedOf(peer) < PER_PEER) {
      const piece = assembly.next(peer, now, PIECE_TIMEOUT_MS);
      if (piece === undefined) break;
      out.push(piece);
    }
    return out;
  }

  /** Its size (for checking data messages), if it claimed one. */
  sizeClaimedBy(peer: string): number | undefined {
    return this.#claims.get(peer);
  }

  rejected(peer: string, piece: number): void {
    this.#assemblyOf(peer)?.rejected(piece, peer);
  }

  /** A data message from `peer`; a completed assembly is checked against the info-hash. */
  received(peer: string, piece: number, data: Uint8Array): FetchOutcome {
    const size = this.#claims.get(peer);
    const assembly = this.#assemblyOf(peer);
    if (size === undefined || assembly === undefined) return { kind: 'pending' };
    if (assembly.received(piece, data, peer) !== 'complete') return { kind: 'pending' };
    const result = assembly.verify(this.#infoHash);
    if (result.ok) return { kind: 'verified', bytes: result.bytes };
    this.#discard(size);
    const attempts = (this.#badAttempts.get(size) ?? 0) + 1;
    this.#badAttempts.set(size, attempts);
    const warning = new EngineError('CORRUPT_DATA', `metadata of ${size} bytes from ${result.senders.join(', ')} does not match the info-hash`);
    // One sender is proof; with several, only repeated failures say they are all suspect.
    const guilty = result.senders.length === 1 || attempts >= MAX_BAD_ATTEMPTS ? result.senders : [];
    for (const key of guilty) this.#claims.delete(key);
    return { kind: 'forged', guilty, warning };
  }

  leave(peer: string): void {
    this.#assemblyOf(peer)?.peerGone(peer);
    const size = this.#claims.get(peer);
    this.#claims.delete(peer);
    // Nobody claims that size any more: its memory goes back.
    if (size !== undefined && ![...this.#claims.values()].includes(size)) this.#discard(size);
  }

  #assemblyOf(peer: string): MetadataAssembly | undefined {
    const size = this.#claims.get(peer);
    return size === undefined ? undefined : this.#assemblies.get(size);
  }

  #assemblyFor(peer: string): MetadataAssembly | undefined {
    const size = this.#claims.get(peer);
    if (size === undefined) return undefined;
    let assembly = this.#assemblies.get(size);
    if (assembly === undefined) {
      if (this.#bytes + size > MAX_ASSEMBLY_BYTES) return undefined;
      assembly = new MetadataAssembly(size);
      this.#assemblies.set(size, assembly);
      this.#bytes += size;
    }
    return assembly;
  }

  #discard(size: number): void {
    if (this.#assemblies.delete(size)) this.#bytes -= size;
  }
}
