/** Most separate pieces kept ahead of the stream (so at most this many holes are bridged). */
export const MAX_PIECES = 8;

/**
 * Data of one direction that arrived ahead of the next expected byte:
 * a window of `capacity` bytes starting at sequence number `base` (the
 * stream's next byte), with the received pieces as sorted, disjoint,
 * non-adjacent intervals of offsets into it.
 */
export class AheadStore {
  base = 0;
  count = 0;
  readonly starts: Int32Array = new Int32Array(MAX_PIECES);
  readonly ends: Int32Array = new Int32Array(MAX_PIECES);
  readonly bytes: Uint8Array;

  constructor(readonly capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /**
   * Keeps `b[off..off+len)`, which starts at `seq`, ahead of `next` (the
   * stream's next byte). Returns false, keeping nothing, when it would not
   * fit in the window or would make more than {@link MAX_PIECES} pieces.
   */
  add(next: number, seq: number, b: Uint8Array, off: number, len: number): boolean {
    if (this.count === 0) this.base = next;
    const a = (seq - this.base) | 0;
    const z = a + len;
    if (a <= 0 || z > this.capacity) return false;
    // Where [a, z) goes: pieces it overlaps or touches merge with it.
    let first = 0;
    while (first < this.count && this.ends[first]! < a) first++;
    let last = first;
    while (last < this.count && this.starts[last]! <= z) last++;
    const merged = last - first; // pieces replaced by one
    if (this.count - merged + 1 > MAX_PIECES) return false;
    const lo = merged > 0 ? Math.min(a, this.starts[first]!) : a;
    const hi = merged > 0 ? Math.max(z, this.ends[last - 1]!) : z;
    for (let i = 0; i < len; i++) this.bytes[a + i] = b[off + i]!;
    const shift = 1 - merged;
    if (shift !== 0) {
      this.starts.copyWithin(last + shift, last, this.count);
      this.ends.copyWithin(last + shift, last, this.count);
    }
    this.starts[first] = lo;
    this.ends[first] = hi;
    this.count += shift;
    return true;
  }

  /**
   * Forgets the first `n` pieces (consumed, or overtaken) and moves the
   * window to start at `next`.
   */
  consume(n: number, next: number): void {
    this.starts.copyWithin(0, n, this.count);
    this.ends.copyWithin(0, n, this.count);
    this.count -= n;
    if (this.count === 0) return;
    const by = (next - this.base) | 0;
    if (by <= 0) return;
    this.bytes.copyWithin(0, by, this.capacity);
    for (let i = 0; i < this.count; i++) {
      this.starts[i] = this.starts[i]! - by;
      this.ends[i] = this.ends[i]! - by;
    }
    this.base = next;
  }

  clear(): void {
    this.count = 0;
  }
}
