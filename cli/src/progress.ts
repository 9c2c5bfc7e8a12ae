import type { OutputStream } from "./io.js";

/**
 * A one-line progress bar on stderr. It exists only for a person watching a
 * terminal: the command creates it only when stderr is a TTY (or with
 * `--progress`), so nothing of it ever reaches a file or a pipe.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private visible = false;

  /**
   * @param stream - stderr.
   * @param total - bytes in the capture, when known (for the percentage).
   * @param delayMs - nothing is drawn before this: a small capture finishes without a bar.
   */
  constructor(
    private readonly stream: OutputStream,
    private readonly total: number | null,
    private readonly delayMs = 300,
  ) {}

  /** Called after each chunk; redraws at most ten times a second. */
  update(bytes: number, packets: number): void {
    const now = Date.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.visible = true;
    this.stream.write(`\r${this.render(bytes, packets, now)}\x1b[K`);
  }

  /** Erases the bar (before other output to the same terminal, and at the end). */
  clear(): void {
    if (!this.visible) return;
    this.visible = false;
    this.stream.write("\r\x1b[K");
  }

  /** The bar's text, e.g. `[#########-----------]  45%  450,000 packets  1.2M packets/s  ETA 3s`. */
  render(bytes: number, packets: number, now: number): string {
    const seconds = Math.max((now - this.started) / 1000, 1e-3);
    const rate = packets / seconds;
    const parts: string[] = [];
    if (this.total !== null && this.total > 0) {
      const fraction = Math.min(bytes / this.total, 1);
      const width = 24;
      const filled = Math.round(fraction * width);
      parts.push(`[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`);
      const eta = fraction > 0 ? (seconds / fraction) * (1 - fraction) : 0;
      parts.push(`${packets.toLocaleString("en")} packets`, `${compact(rate)} packets/s`, `ETA ${Math.ceil(eta)}s`);
    } else {
      parts.push(`${packets.toLocaleString("en")} packets`, `${compact(rate)} packets/s`);
    }
    return parts.join("  ");
  }
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}
