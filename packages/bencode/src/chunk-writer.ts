// The writer behind encode(): one pass, no sizing walk. Output accumulates in chunks that are copied
// once into an exact-size result at the end; large byte strings (a .torrent's pieces) are not copied
// into chunks at all but kept by reference until then, so each of their bytes is copied exactly once.
// The first chunk is a scratch buffer reused across calls: for small messages the result is then the
// only allocation, and allocating typed arrays is what small encodes spend most of their time on.
import { BufferWriter } from './sinks.js';

/** Size of the reused first chunk, and of every further chunk: enough for most messages in one. */
const CHUNK = 64 * 1024;

/** The scratch first chunk; null while an encode is using it (a getter could call encode again). */
let scratch: Uint8Array | null = null;
/** Byte strings at least this long are kept by reference instead of copied into a chunk. */
const BY_REFERENCE = 1024;

export class ChunkWriter extends BufferWriter {
  /** Finished pieces of output, in order: filled parts of old chunks and large byte strings. */
  private readonly done: Uint8Array[] = [];
  private doneLength = 0;
  private readonly first: Uint8Array;

  constructor() {
    const first = scratch ?? new Uint8Array(CHUNK);
    scratch = null;
    super(first, 0);
    this.first = first;
  }

  protected reserve(n: number): void {
    if (this.pos + n <= this.buffer.length) return;
    this.flush();
    this.buffer = new Uint8Array(Math.max(n, CHUNK));
  }

  override bytes(b: Uint8Array): void {
    if (b.length < BY_REFERENCE) {
      super.bytes(b);
      return;
    }
    this.prefix(b.length, 0);
    this.flush();
    this.done.push(b);
    this.doneLength += b.length;
  }

  /** Moves the filled part of the current chunk to `done`; the rest of the chunk is reused. */
  private flush(): void {
    if (this.pos === 0) return;
    const filled = this.buffer.subarray(0, this.pos);
    this.done.push(filled);
    this.doneLength += filled.length;
    this.buffer = this.buffer.subarray(this.pos);
    this.pos = 0;
  }

  /** The whole output as one exact-size Uint8Array. Call once, last; it hands the scratch chunk back. */
  result(): Uint8Array {
    const out = this.done.length === 0 ? this.buffer.slice(0, this.pos) : this.join();
    this.release();
    return out;
  }

  /** Hands the scratch chunk back for the next encode; also called when encoding fails. */
  release(): void {
    scratch = this.first;
  }

  private join(): Uint8Array {
    const out = new Uint8Array(this.doneLength + this.pos);
    let at = 0;
    for (const part of this.done) {
      out.set(part, at);
      at += part.length;
    }
    out.set(this.buffer.subarray(0, this.pos), at);
    return out;
  }
}
