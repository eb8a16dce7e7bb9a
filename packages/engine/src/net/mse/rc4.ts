// RC4, as Message Stream Encryption uses it: keyed with a SHA-1 digest, the first 1024 bytes of
// keystream discarded. Written out here because OpenSSL 3 (Node 20) ships RC4 only in its legacy
// provider. It encrypts a few hundred handshake bytes per connection, so speed does not matter.

export class Rc4 {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Uint8Array) {
    const s = this.#s;
    for (let i = 0; i < 256; i++) s[i] = i;
    let j = 0;
    for (let i = 0; i < 256; i++) {
      const si = s[i] ?? 0;
      j = (j + si + (key[i % key.length] ?? 0)) & 0xff;
      s[i] = s[j] ?? 0;
      s[j] = si;
    }
  }

  /** XORs the next keystream bytes into a copy of `data`. */
  update(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    const s = this.#s;
    let i = this.#i;
    let j = this.#j;
    for (let k = 0; k < data.length; k++) {
      i = (i + 1) & 0xff;
      const si = s[i] ?? 0;
      j = (j + si) & 0xff;
      const sj = s[j] ?? 0;
      s[i] = sj;
      s[j] = si;
      out[k] = (data[k] ?? 0) ^ (s[(si + sj) & 0xff] ?? 0);
    }
    this.#i = i;
    this.#j = j;
    return out;
  }

  /** Throws away `count` keystream bytes (MSE discards the first 1024). */
  skip(count: number): void {
    this.update(new Uint8Array(count));
  }
}
