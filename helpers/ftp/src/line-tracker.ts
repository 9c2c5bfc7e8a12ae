/**
 * Linux's line tracking (`seq_aft_nl` in nf_conntrack_ftp): per direction it
 * remembers up to two sequence numbers that directly follow a segment
 * ending in "\n". A segment is parsed only when its sequence number is one
 * of them, i.e. when it starts a line; so the first segment of each
 * direction never is. Two positions survive a retransmission of the
 * previous line or one segment in flight.
 */
export class LineTracker {
  /** `[dir * 2 + slot]`. */
  private readonly seqs = new Uint32Array(4);
  private readonly counts = new Uint8Array(2);

  /** True when a segment of `dir` starting at `seq` starts a line. */
  startsLine(dir: number, seq: number): boolean {
    const n = this.counts[dir]!;
    const base = dir * 2;
    for (let i = 0; i < n; i++) if (this.seqs[base + i] === seq) return true;
    return false;
  }

  /**
   * Records that a segment of `dir` ended in "\n" just before `seq`. When
   * both slots are used, the older one is replaced, but only by a newer
   * position (so a late retransmission cannot push a live one out).
   */
  lineEndsBefore(dir: number, seq: number): void {
    const base = dir * 2;
    const n = this.counts[dir]!;
    for (let i = 0; i < n; i++) if (this.seqs[base + i] === seq) return;
    if (n < 2) {
      this.seqs[base + n] = seq;
      this.counts[dir] = n + 1;
      return;
    }
    const oldest = before(this.seqs[base]!, this.seqs[base + 1]!) ? 0 : 1;
    if (before(this.seqs[base + oldest]!, seq)) this.seqs[base + oldest] = seq;
  }

  /** The remembered positions of `dir`, oldest slot first (for tests and debugging). */
  positions(dir: number): number[] {
    return Array.from(this.seqs.subarray(dir * 2, dir * 2 + this.counts[dir]!));
  }
}

/** TCP sequence order with wrap-around (RFC 1982 style, as the kernel's `before()`). */
export function before(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
