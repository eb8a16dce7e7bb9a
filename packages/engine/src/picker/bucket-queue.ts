/**
 * Pieces kept ordered by a small integer key (their availability), the way libtorrent keeps its piece
 * list: one array sorted by key, and the start of each key's run ("bucket") remembered. Changing a
 * key by one is then a single swap with the edge of its bucket and a boundary move, O(1), which is
 * what makes a HAVE message cheap however many pieces the torrent has.
 *
 * The keys live outside the queue (the picker's availability array, shared by every priority level);
 * the caller changes a key and tells the queue in the same step. Positions are shared too: a piece
 * sits in at most one queue, so one `Int32Array` of positions serves them all (-1 = in no queue).
 *
 * Costs, with K = the largest key present (at most the number of peers that are not seeds):
 * increment / decrement O(1); insert / remove O(K - key); iterating in key order O(size + K).
 */
export class BucketQueue {
  /** Piece indices, sorted by key. */
  private readonly items: number[] = [];
  /** `starts[k]` = index in `items` of the first piece whose key is k; the bucket ends where k+1 starts. */
  private readonly starts: number[] = [0];

  constructor(
    private readonly keys: Uint32Array,
    private readonly positions: Int32Array,
  ) {}

  /** How many pieces are in the queue. */
  get size(): number {
    return this.items.length;
  }

  /** True when `piece` is in this queue. */
  has(piece: number): boolean {
    const at = this.positions[piece] ?? -1;
    return at >= 0 && this.items[at] === piece;
  }

  /** Adds a piece that is in no queue, under its current key. */
  insert(piece: number): void {
    const key = this.keyOf(piece);
    this.growTo(key);
    // Append into the last bucket, then hop down one bucket at a time: swap with the first piece of
    // the bucket above the target and move that bucket's start up by one.
    this.items.push(piece);
    this.positions[piece] = this.items.length - 1;
    for (let bucket = this.starts.length - 1; bucket > key; bucket--) {
      const first = this.startOf(bucket);
      this.swap(this.positionOf(piece), first);
      this.starts[bucket] = first + 1;
    }
  }

  /** Takes a piece out of the queue (it must be in it, under its current key). */
  remove(piece: number): void {
    const key = this.keyOf(piece);
    // Mirror of insert: sink to the end of each bucket from its own upwards, moving each next
    // bucket's start down so the piece always sits on a boundary, until it is last of all.
    for (let bucket = key; bucket < this.starts.length; bucket++) {
      const last = this.endOf(bucket) - 1;
      this.swap(this.positionOf(piece), last);
      if (bucket + 1 < this.starts.length) this.starts[bucket + 1] = last;
    }
    this.items.pop();
    this.positions[piece] = -1;
    this.trim();
  }

  /** Call after raising the piece's key by one. */
  incremented(piece: number): void {
    const oldKey = this.keyOf(piece) - 1;
    this.growTo(oldKey + 1);
    const last = this.endOf(oldKey) - 1;
    this.swap(this.positionOf(piece), last);
    this.starts[oldKey + 1] = last;
  }

  /** Call after lowering the piece's key by one. */
  decremented(piece: number): void {
    const oldKey = this.keyOf(piece) + 1;
    const first = this.startOf(oldKey);
    this.swap(this.positionOf(piece), first);
    this.starts[oldKey] = first + 1;
    this.trim();
  }

  /** Number of buckets (keys 0..bucketCount-1; some may be empty). */
  get bucketCount(): number {
    return this.starts.length;
  }

  /** The half-open range of `items` indices holding key `bucket`. */
  bucketRange(bucket: number): readonly [start: number, end: number] {
    return [this.startOf(bucket), this.endOf(bucket)];
  }

  /** The piece at position `index` (0 <= index < size). */
  at(index: number): number {
    return this.items[index] ?? -1;
  }

  /** Every piece, in key order. For tests and invariant checks. */
  toArray(): number[] {
    return this.items.slice();
  }

  private keyOf(piece: number): number {
    return this.keys[piece] ?? 0;
  }

  private positionOf(piece: number): number {
    return this.positions[piece] ?? -1;
  }

  private startOf(bucket: number): number {
    return this.starts[bucket] ?? this.items.length;
  }

  private endOf(bucket: number): number {
    return bucket + 1 < this.starts.length ? this.startOf(bucket + 1) : this.items.length;
  }

  /** Adds empty buckets at the end so that key `key` has one. */
  private growTo(key: number): void {
    while (this.starts.length <= key) this.starts.push(this.items.length);
  }

  /** Drops empty buckets at the end, so inserts and removes stay proportional to the keys in use. */
  private trim(): void {
    while (this.starts.length > 1 && this.startOf(this.starts.length - 1) === this.items.length) {
      this.starts.pop();
    }
  }

  private swap(a: number, b: number): void {
    if (a === b) return;
    const pa = this.items[a] ?? -1;
    const pb = this.items[b] ?? -1;
    this.items[a] = pb;
    this.items[b] = pa;
    this.positions[pb] = a;
    this.positions[pa] = b;
  }
}
