import { HelperVerdict } from "../helper/types.js";
import { AheadStore } from "./ahead-store.js";

/** Bounds of a {@link LineReassembler}, per direction of a connection. */
export interface LineStreamOptions {
  /**
   * Longest line kept while it is split across segments, in bytes (default
   * 1024). A line that arrives whole in one segment is parsed whatever its
   * length; a split line that grows beyond this is skipped (accepted, not
   * parsed) up to its "\n".
   */
  readonly maxLine?: number;
  /**
   * Bytes of the stream kept ahead of a gap, counted from the next expected
   * byte (default 4096), in at most 8 separate pieces. A segment that
   * would end beyond this window, or make a ninth piece, makes the helper
   * lose its place: it forgets what it kept, restarts at that segment and
   * skips to the segment's first "\n" (it cannot know where the line it
   * lands in starts). Parsing resumes from there.
   */
  readonly maxOutOfOrder?: number;
}

/** Called for every complete line (the "\n" included); returns ACCEPT, DROP or PARTIAL. */
export interface LineHandler {
  line(buf: Uint8Array, start: number, end: number): HelperVerdict;
}

const NL = 0x0a;

const SYNCED = 1;
const SKIPPING = 2;
const OVERFLOW = 4;

/**
 * Where one direction of a control connection stands. One is kept per
 * tracked connection (made at its SYN), so it is kept small: three flags in
 * one field, the sequence number as a 32-bit integer (never a boxed
 * double), and buffers created only the first time data needs them (a line
 * split across segments, data ahead of a gap): a connection whose lines
 * arrive whole and in order, or that never sends data (a SYN flood), never
 * allocates them.
 */
export class LineStream {
  /** @internal SYNCED, SKIPPING and OVERFLOW bits. */
  bits = 0;
  /** @internal Sequence number of the next byte expected, as an int32. */
  seq = 0;
  /** Start of the current line, received in earlier segments. */
  lineLen = 0;
  line: Uint8Array | null = null;
  /** @internal Data received ahead of a gap. */
  ahead: AheadStore | null = null;

  /** `next` is known (a SYN was seen, or data was). */
  get synced(): boolean {
    return (this.bits & SYNCED) !== 0;
  }
  set synced(on: boolean) {
    this.bits = on ? this.bits | SYNCED : this.bits & ~SYNCED;
  }
  /** Sequence number of the next byte expected. */
  get next(): number {
    return this.seq >>> 0;
  }
  set next(seq: number) {
    this.seq = seq | 0;
  }
  /** Discard up to the next "\n" (the stream was picked up, or lost, mid-line). */
  get skipping(): boolean {
    return (this.bits & SKIPPING) !== 0;
  }
  set skipping(on: boolean) {
    this.bits = on ? this.bits | SKIPPING : this.bits & ~SKIPPING;
  }
  /** The current line outgrew `maxLine`: discard up to the next "\n". */
  get overflow(): boolean {
    return (this.bits & OVERFLOW) !== 0;
  }
  set overflow(on: boolean) {
    this.bits = on ? this.bits | OVERFLOW : this.bits & ~OVERFLOW;
  }

  /** The stream starts at `seq` at a line start (the byte after a SYN's sequence number). */
  startAt(seq: number): void {
    this.bits = SYNCED;
    this.seq = seq | 0;
    this.lineLen = 0;
    this.ahead?.clear();
  }
}

/**
 * Reassembles one direction of a TCP byte stream in sequence order and
 * hands complete lines to a {@link LineHandler}: commands split across
 * segments, and several commands in one segment, are all seen. Shared by
 * every helper that parses a line protocol (FTP, IRC, SIP over TCP).
 *
 * - In order: the segment continues the stream. Partly old (an overlapping
 *   retransmission): only the new bytes count; wholly old: nothing new.
 * - Ahead of a gap: kept (within `maxOutOfOrder` bytes, in at most 8
 *   pieces) until the gap is filled, then parsed in order.
 * - Beyond those bounds, or picked up mid-stream: the stream restarts at
 *   that segment and skips to its first "\n" (a line start is unknown).
 *
 * Nothing is committed for a packet the engine will drop (a DROP, or a
 * PARTIAL under the "drop" policy): its retransmission is then parsed again
 * and gets the same verdict, as with Linux's line tracking. Buffers are
 * allocated only when data needs them: a line split across segments, or
 * data ahead of a gap.
 */
export class LineReassembler {
  readonly maxLine: number;
  readonly maxOutOfOrder: number;
  /** Working copy of the current line (shared: one packet is processed at a time). */
  private readonly scratch: Uint8Array;
  private carry = 0;
  private skipping = false;
  private overflow = false;
  private partialSeen = false;

  constructor(options: LineStreamOptions = {}, private readonly lenient = false) {
    this.maxLine = positive(options.maxLine ?? 1024, "maxLine");
    this.maxOutOfOrder = positive(options.maxOutOfOrder ?? 4096, "maxOutOfOrder");
    this.scratch = new Uint8Array(this.maxLine);
  }

  /**
   * Takes the payload `b[off..off+len)` starting at sequence number `seq`.
   * Lines are handed to `handler` only when `parse` is true (otherwise the
   * bytes only move the stream on). Returns the packet's verdict.
   */
  feed(st: LineStream, seq: number, b: Uint8Array, off: number, len: number, parse: boolean, handler: LineHandler): HelperVerdict {
    let restart = (st.bits & SYNCED) === 0;
    let d = restart ? 0 : (seq - st.seq) | 0;
    if (d > 0) {
      // Ahead of the stream: keep it until the gap is filled.
      const ahead = st.ahead ?? (st.ahead = new AheadStore(this.maxOutOfOrder));
      if (ahead.add(st.seq >>> 0, seq, b, off, len)) return HelperVerdict.ACCEPT;
      restart = true;
      d = 0;
    }
    if (d < 0 && -d >= len) return HelperVerdict.ACCEPT; // all of it was seen before
    if (restart) {
      this.carry = 0;
      this.skipping = true;
      this.overflow = false;
    } else {
      this.carry = st.lineLen;
      for (let i = 0; i < this.carry; i++) this.scratch[i] = st.line![i]!;
      this.skipping = (st.bits & SKIPPING) !== 0;
      this.overflow = (st.bits & OVERFLOW) !== 0;
    }
    this.partialSeen = false;
    let v = this.scan(b, d < 0 ? off - d : off, off + len, parse, handler);
    if (v !== HelperVerdict.ACCEPT) return v;
    let next = (seq + len) >>> 0;
    // Pieces kept ahead that now follow on (or were overtaken).
    const ahead = restart ? null : st.ahead;
    let used = 0;
    if (ahead) {
      for (; used < ahead.count; used++) {
        const at = (next - ahead.base) | 0;
        if (ahead.starts[used]! > at) break; // still a hole before it
        const end = ahead.ends[used]!;
        if (end > at) {
          v = this.scan(ahead.bytes, at, end, parse, handler);
          if (v !== HelperVerdict.ACCEPT) return v;
          next = (ahead.base + end) >>> 0;
        }
      }
    }
    // Commit: only now, so a dropped packet leaves no trace.
    st.bits = SYNCED | (this.skipping ? SKIPPING : 0) | (this.overflow ? OVERFLOW : 0);
    st.seq = next | 0;
    if (restart) st.ahead?.clear();
    else ahead?.consume(used, next);
    st.lineLen = this.carry;
    if (this.carry > 0) {
      const line = st.line ?? (st.line = new Uint8Array(this.maxLine));
      for (let i = 0; i < this.carry; i++) line[i] = this.scratch[i]!;
    }
    return this.partialSeen ? HelperVerdict.PARTIAL : HelperVerdict.ACCEPT;
  }

  /** Splits `buf[s..e)` into lines; returns a verdict that stops the packet, or ACCEPT. */
  private scan(buf: Uint8Array, s: number, e: number, parse: boolean, handler: LineHandler): HelperVerdict {
    while (s < e) {
      let nl = s;
      while (nl < e && buf[nl] !== NL) nl++;
      if (nl === e) {
        this.hold(buf, s, e);
        return HelperVerdict.ACCEPT;
      }
      const lineEnd = nl + 1;
      if (this.skipping) this.skipping = false;
      else if (this.overflow) this.overflow = false;
      else if (parse) {
        let v: HelperVerdict;
        if (this.carry === 0) v = handler.line(buf, s, lineEnd);
        else if (this.carry + (lineEnd - s) <= this.maxLine) {
          for (let i = s; i < lineEnd; i++) this.scratch[this.carry++] = buf[i]!;
          v = handler.line(this.scratch, 0, this.carry);
        } else v = HelperVerdict.ACCEPT; // too long to have kept: skipped
        if (v === HelperVerdict.DROP) return HelperVerdict.DROP;
        if (v === HelperVerdict.PARTIAL) {
          if (!this.lenient) return HelperVerdict.PARTIAL;
          this.partialSeen = true;
        }
      }
      this.carry = 0;
      s = lineEnd;
    }
    return HelperVerdict.ACCEPT;
  }

  /** Keeps the unfinished end of a line, within `maxLine`. */
  private hold(buf: Uint8Array, s: number, e: number): void {
    if (this.skipping || this.overflow) return;
    if (this.carry + (e - s) > this.maxLine) {
      this.overflow = true;
      this.carry = 0;
      return;
    }
    for (let i = s; i < e; i++) this.scratch[this.carry++] = buf[i]!;
  }

  /**
   * Feeds one TCP segment: a SYN (flag bit 0x02) fixes where the stream
   * starts (the first one only: a late duplicate must not rewind it); a
   * segment with payload goes through {@link feed}.
   */
  segment(st: LineStream, tcpFlags: number, seq: number, b: Uint8Array, off: number, len: number, parse: boolean, handler: LineHandler): HelperVerdict {
    if ((tcpFlags & SYN) !== 0) {
      if ((st.bits & SYNCED) === 0) st.startAt((seq + 1) >>> 0);
      return HelperVerdict.ACCEPT;
    }
    if (len === 0) return HelperVerdict.ACCEPT;
    return this.feed(st, seq, b, off, len, parse, handler);
  }
}

const SYN = 0x02;

function positive(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`stream.${name} must be a positive integer, got ${v}`);
  return v;
}
