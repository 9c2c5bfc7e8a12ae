/**
 * Growable output shared by the writers: bytes are appended into large
 * preallocated chunks and handed out as views that are never written again.
 *
 * @internal
 */

/** Default size of a writer's output chunk. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;

/** @internal */
export class ByteSink {
  /** Current chunk; callers write into `buf[pos..]` after {@link reserve}. */
  buf: Uint8Array;
  pos = 0;
  private start = 0;
  private done: Uint8Array[] = [];
  private total = 0;
  private readonly chunkSize: number;

  constructor(chunkSize = DEFAULT_CHUNK_SIZE) {
    this.chunkSize = Number.isFinite(chunkSize) && chunkSize >= 64 ? Math.floor(chunkSize) : DEFAULT_CHUNK_SIZE;
    this.buf = new Uint8Array(this.chunkSize);
  }

  /** Makes room for `n` contiguous bytes at `buf[pos..]`. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > this.start) this.done.push(this.buf.subarray(this.start, this.pos));
    this.buf = new Uint8Array(Math.max(this.chunkSize, n));
    this.pos = 0;
    this.start = 0;
  }

  /** Marks `n` bytes written at the old `pos`. */
  advance(n: number): void {
    this.pos += n;
    this.total += n;
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.total;
  }

  /** Bytes written since the last flush, as views that stay valid. */
  flush(): Uint8Array[] {
    if (this.pos > this.start) {
      this.done.push(this.buf.subarray(this.start, this.pos));
      this.start = this.pos;
    }
    const out = this.done;
    this.done = [];
    return out;
  }

  /** Bytes written since the last flush, as one buffer. */
  flushBytes(): Uint8Array {
    const parts = this.flush();
    if (parts.length === 1) return parts[0]!;
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
