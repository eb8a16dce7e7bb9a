// BEP 10 extensions as plug-ins: each is a small object with a name, the fields it adds to our
// extended handshake and a handler for its messages. The set gives each one a local id (our `m`),
// builds and reads the handshakes, remembers every peer's ids and routes messages by id.
import { decodeExtendedHandshake, encodeExtendedHandshake, type ExtendedHandshake, type ExtendedHandshakeInput } from '@typetorrent/peer-wire';
import type { Peer } from '../torrent/peer.js';

export type HandshakeFields = Omit<ExtendedHandshakeInput, 'm'>;

export interface Extension {
  /** Its name in BEP 10 `m` ("ut_metadata"). */
  readonly name: string;
  /** Offered in our handshakes now (ut_pex is not, for a private torrent). */
  offered(): boolean;
  /** Fields it adds to our handshake (ut_metadata: `metadata_size`). */
  handshakeFields?(): HandshakeFields;
  /** The peer's handshake: `supported` when it gave this extension a non-zero id. */
  onHandshake?(peer: Peer, supported: boolean, handshake: ExtendedHandshake): void;
  /** A message sent to our id for it. Throw an EngineError to drop the peer. */
  onMessage(peer: Peer, payload: Uint8Array): void;
  leave?(peer: Peer): void;
}

/**
 * Largest `metadata_size` read from a handshake: larger is kept out of the decoder's way so that
 * ut_metadata can say why it ignores the peer instead of the handshake failing as a whole.
 */
const HANDSHAKE_MAX_METADATA_SIZE = Number.MAX_SAFE_INTEGER;

export class ExtensionSet {
  readonly #byName = new Map<string, { readonly local: number; readonly extension: Extension }>();
  readonly #byLocalId = new Map<number, Extension>();
  /** Each peer's ids for our messages, by extension name (from its handshake). */
  readonly #remote = new Map<Peer, ReadonlyMap<string, number>>();

  /** Registers an extension; ids are handed out in order, from 1. */
  add(extension: Extension): void {
    if (this.#byName.has(extension.name)) throw new RangeError(`extension ${extension.name} registered twice`);
    const local = this.#byName.size + 1;
    this.#byName.set(extension.name, { local, extension });
    this.#byLocalId.set(local, extension);
  }

  /** Our handshake payload: `m` for the extensions offered now, their fields, and `base`. */
  handshake(base: HandshakeFields): Uint8Array {
    const m: Record<string, number> = {};
    let fields: HandshakeFields = { ...base };
    for (const [name, { local, extension }] of this.#byName) {
      if (!extension.offered()) continue;
      m[name] = local;
      fields = { ...fields, ...extension.handshakeFields?.() };
    }
    return encodeExtendedHandshake({ ...fields, m });
  }

  /** Decodes a peer's handshake (throws WireError when malformed), remembers its ids, tells each extension. */
  onHandshake(peer: Peer, payload: Uint8Array): ExtendedHandshake {
    const handshake = decodeExtendedHandshake(payload, { maxMetadataSize: HANDSHAKE_MAX_METADATA_SIZE });
    this.#remote.set(peer, handshake.m);
    for (const [name, { extension }] of this.#byName) {
      const id = handshake.m.get(name);
      extension.onHandshake?.(peer, id !== undefined && id !== 0, handshake);
    }
    return handshake;
  }

  /** An extended message with a non-zero id: to the extension we gave that id; unknown ids are ignored (BEP 10). */
  onMessage(peer: Peer, localId: number, payload: Uint8Array): void {
    const extension = this.#byLocalId.get(localId);
    if (extension?.offered() === true) extension.onMessage(peer, payload);
  }

  /** Sends an extension's message with the id the peer chose; false when it does not support it. */
  send(peer: Peer, name: string, payload: Uint8Array): boolean {
    const id = this.#remote.get(peer)?.get(name);
    if (id === undefined || id === 0 || peer.conn.closed) return false;
    peer.conn.send({ type: 'extended', id, payload });
    return true;
  }

  supports(peer: Peer, name: string): boolean {
    const id = this.#remote.get(peer)?.get(name);
    return id !== undefined && id !== 0;
  }

  leave(peer: Peer): void {
    this.#remote.delete(peer);
    for (const { extension } of this.#byName.values()) extension.leave?.(peer);
  }
}
