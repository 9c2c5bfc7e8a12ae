/**
 * Linux's line tracking (`seq_aft_nl` in nf_conntrack_ftp): per direction it
 * remembers up to two sequence numbers that directly follow a segment
 * ending in "\n". A segment is parsed only when its sequence number is one
 * of them, i.e. when it starts a line; so the first segment of each
 * direction never is. Two positions survive a retransmission of the
 * previous line or one segment in flight.
 */
export class LineTracker {
  // Plain small-integer fields rather than typed arrays: one tracker lives
  // per FTP connection, and a typed array's buffer costs a few hundred
  // bytes. Sequence numbers are kept as int32 (compared as such).
  private a0 = 0;
  private a1 = 0;
  private b0 = 0;
  private b1 = 0;
  private na = 0;
  private nb = 0;

  /** True when a segment of `dir` starting at `seq` starts a line. */
  startsLine(dir: number, seq: number): boolean {
    const s = seq | 0;
    const n = dir === 0 ? this.na : this.nb;
    return (n > 0 && this.at(dir, 0) === s) || (n > 1 && this.at(dir, 1) === s);
  }

  /**
   * Records that a segment of `dir` ended in "\n" just before `seq`. When
   * both slots are used, the older one is replaced, but only by a newer
   * position (so a late retransmission cannot push a live one out).
   */
  lineEndsBefore(dir: number, seq: number): void {
    if (this.startsLine(dir, seq)) return;
    const s = seq | 0;
    const n = dir === 0 ? this.na : this.nb;
    if (n < 2) {
      this.put(dir, n, s);
      if (dir === 0) this.na = n + 1;
      else this.nb = n + 1;
      return;
    }
    const oldest = before(this.at(dir, 0), this.at(dir, 1)) ? 0 : 1;
    if (before(this.at(dir, oldest), s)) this.put(dir, oldest, s);
  }

  /** The remembered positions of `dir`, oldest slot first (for tests and debugging). */
  positions(dir: number): number[] {
    const n = dir === 0 ? this.na : this.nb;
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.at(dir, i) >>> 0);
    return out;
  }

  private at(dir: number, i: number): number {
    return dir === 0 ? (i === 0 ? this.a0 : this.a1) : i === 0 ? this.b0 : this.b1;
  }

  private put(dir: number, i: number, s: number): void {
    if (dir === 0) {
      if (i === 0) this.a0 = s;
      else this.a1 = s;
    } else if (i === 0) this.b0 = s;
    else this.b1 = s;
  }
}

/** TCP sequence order with wrap-around (RFC 1982 style, as the kernel's `before()`). */
export function before(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
