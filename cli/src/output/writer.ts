import type { OutputStream } from "../io.js";

/**
 * Buffered output straight into bytes.
 *
 * Why bytes and not strings: a replay prints one line per packet, and
 * building that line as a JavaScript string, appending it to a bigger one
 * and encoding the lot to UTF-8 cost more than tracking the packet. The
 * per-packet formatters write into `buf` at `pos` with the functions of
 * `bytes.ts` after `reserve()`; everything else goes through `write()`. The
 * stream gets one 256 KiB chunk at a time, and the writer tells the replay
 * loop when the stream is full, so reading pauses instead of memory growing.
 */
export class BufferedWriter {
  /** The current chunk; hot paths write into it directly (after `reserve`). */
  buf: Buffer;
  /** Bytes used in `buf`. */
  pos = 0;
  private broken = false;
  /** A write error other than a closed pipe (disk full, …), reported by the command. */
  failure: Error | null = null;

  /**
   * @param stream - where the bytes go (stdout).
   * @param beforeFlush - called before each write (the progress bar clears itself from a shared terminal).
   * @param size - bytes buffered before a write.
   */
  constructor(
    private readonly stream: OutputStream,
    private readonly beforeFlush: (() => void) | null = null,
    private readonly size = 256 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(size);
    // A closed pipe (`alg-sdk replay … | head`) is not an error of ours: stop writing.
    stream.on("error", (error) => {
      this.broken = true;
      if (error.code !== "EPIPE") this.failure = error;
    });
  }

  /** True once the reader of the output went away. */
  get closed(): boolean {
    return this.broken;
  }

  /** Guarantees `n` free bytes in `buf` (flushing first if needed), so a line is never split. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
  }

  /** Any text, UTF-8 encoded (callers include the newlines). */
  write(text: string): void {
    if (text.length * 3 > this.buf.length - this.pos) {
      this.flush();
      if (text.length * 3 > this.buf.length) {
        this.send(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.pos += this.buf.write(text, this.pos, "utf8");
  }

  /** Hands the buffered bytes to the stream. */
  flush(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    // The stream may hold on to the chunk until it is written: never reuse it.
    this.buf = Buffer.allocUnsafe(this.size);
    this.pos = 0;
    this.send(chunk);
  }

  /** A promise to await when the stream asks us to wait (backpressure), else null. */
  ready(): Promise<void> | null {
    const s = this.stream;
    if (this.broken || !s.writableNeedDrain) return null;
    return new Promise((resolve) => {
      const done = () => {
        s.off("drain", done);
        s.off("close", done);
        s.off("error", done);
        resolve();
      };
      s.on("drain", done);
      s.on("close", done);
      s.on("error", done);
    });
  }

  /** Flushes and resolves once the stream has taken everything (before the process exits). */
  async end(): Promise<void> {
    if (this.pos > 0 && !this.broken) {
      const chunk = this.buf.subarray(0, this.pos);
      this.pos = 0;
      this.beforeFlush?.();
      await new Promise<void>((resolve) => this.stream.write(chunk, () => resolve()));
      return;
    }
    this.pos = 0;
    await this.ready();
  }

  private send(chunk: Buffer): void {
    if (this.broken) return;
    this.beforeFlush?.();
    this.stream.write(chunk);
  }
}
