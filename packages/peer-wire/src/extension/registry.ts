// BEP 10 extension ids are chosen by the receiver: each side's handshake `m` says which id the
// *other* side must use when sending it that extension. So incoming extended messages carry the ids
// we announced, and outgoing ones must carry the ids the peer announced. This class keeps both.
import { invalidArgument } from '../errors.js';

export class ExtensionRegistry {
  readonly #localById = new Map<number, string>();
  readonly #localByName = new Map<string, number>();
  readonly #remoteByName = new Map<string, number>();

  /** `local`: the extensions we support and the ids we want to receive them with (1..255, distinct). */
  constructor(local: Iterable<readonly [string, number]> | Readonly<Record<string, number>>) {
    const entries: Iterable<readonly [string, number]> = Symbol.iterator in local ? (local as Iterable<readonly [string, number]>) : Object.entries(local);
    for (const [name, id] of entries) {
      if (!Number.isInteger(id) || id < 1 || id > 255) throw invalidArgument(`m.${name}`, `local extension id must be 1..255, got ${id}`);
      if (this.#localById.has(id)) throw invalidArgument(`m.${name}`, `id ${id} is already used by ${this.#localById.get(id)}`);
      if (this.#localByName.has(name)) throw invalidArgument(`m.${name}`, 'announced twice');
      this.#localById.set(id, name);
      this.#localByName.set(name, id);
    }
  }

  /** The `m` dictionary for our extended handshake. */
  localMap(): Map<string, number> {
    return new Map(this.#localByName);
  }

  /**
   * Takes the `m` of a handshake from the peer. BEP 10: `m` is additive across handshakes and an id
   * of 0 disables that extension; names we do not know are kept (the engine may ask about them).
   */
  applyRemote(m: ReadonlyMap<string, number>): void {
    for (const [name, id] of m) {
      if (id === 0) this.#remoteByName.delete(name);
      else this.#remoteByName.set(name, id);
    }
  }

  /** Which of our extensions an incoming extended message (id > 0) is for, or undefined. */
  nameOfIncoming(id: number): string | undefined {
    return this.#localById.get(id);
  }

  /** The id to send `name` with, or undefined when the peer has not announced (or has disabled) it. */
  outgoingId(name: string): number | undefined {
    return this.#remoteByName.get(name);
  }

  /** True when both sides support `name`: we announced it and the peer did too. */
  isActive(name: string): boolean {
    return this.#localByName.has(name) && this.#remoteByName.has(name);
  }
}
