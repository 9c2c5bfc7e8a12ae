import { LF, lastIndexOfByte } from "./bytes.js";
import { SEARCH_LIMIT } from "./constants.js";
import type { IrcStreamState } from "./state.js";

/**
 * Longest unterminated line carried from one segment to the next: Linux's
 * search window, since nothing could be found in a longer line anyway.
 */
export const STREAM_CARRY_LIMIT = SEARCH_LIMIT;

/**
 * The client's byte stream in sequence order, for the `stream` option: it
 * keeps the unterminated last line of what the client sent (the bytes after
 * its last LF, at most {@link STREAM_CARRY_LIMIT}) so that a line split
 * across segments can be searched whole when the rest arrives.
 *
 * - In order (`seq` is the next expected byte): the segment continues the
 *   carried line.
 * - Partly old (a retransmission overlapping new data): only the new bytes
 *   count; wholly old: nothing new.
 * - A gap (bytes missing before `seq`: loss or reordering): the carried
 *   line cannot be completed and is dropped; the stream restarts here.
 * - A carried line longer than the limit is dropped: Linux only searches
 *   that many bytes, and nothing could be found in it.
 *
 * Memory: one buffer of {@link STREAM_CARRY_LIMIT} bytes per connection.
 */
export class StreamCarry implements IrcStreamState {
  /** The carried line, then (during a {@link join}) the start of the new segment. */
  readonly window = new Uint8Array(STREAM_CARRY_LIMIT);
  /** Length of the carried line (0: none). */
  carried = 0;
  /** The next sequence number expected from the client, once `synced`. */
  nextSeq = 0;
  synced = false;
  /** Where the new bytes of the segment being joined start in it, and how many there are. */
  private freshOffset = 0;
  private freshLength = 0;

  /**
   * Places segment `bytes[off, off + len)` with sequence number `seq` after
   * the carried line. Returns the length of the joined window in
   * {@link window} (carried line + the start of the new bytes), or 0 when
   * there is no carried line to join (or nothing new). Call {@link commit}
   * after searching the window.
   */
  join(seq: number, bytes: Uint8Array, off: number, len: number): number {
    let skip = 0;
    if (this.synced) {
      const delta = (seq - this.nextSeq) | 0;
      if (delta > 0) this.carried = 0;
      else if (delta < 0) skip = -delta;
    }
    if (skip >= len) {
      this.freshLength = 0;
      return 0;
    }
    this.synced = true;
    this.nextSeq = (seq + len) >>> 0;
    this.freshOffset = off + skip;
    this.freshLength = len - skip;
    if (this.carried === 0) return 0;
    const n = Math.min(STREAM_CARRY_LIMIT - this.carried, this.freshLength);
    copy(bytes, this.freshOffset, this.window, this.carried, n);
    return this.carried + n;
  }

  /** Carries the new bytes' unterminated last line to the next segment. */
  commit(bytes: Uint8Array): void {
    const len = this.freshLength;
    if (len === 0) return;
    const at = this.freshOffset;
    const lf = lastIndexOfByte(bytes, at, len, 0, LF);
    if (lf >= 0) {
      const tail = len - lf - 1;
      this.carried = tail <= STREAM_CARRY_LIMIT ? tail : 0;
      copy(bytes, at + lf + 1, this.window, 0, this.carried);
    } else if (this.carried + len <= STREAM_CARRY_LIMIT) {
      // join() already copied the bytes behind a carried line; a fresh line is copied here.
      if (this.carried === 0) copy(bytes, at, this.window, 0, len);
      this.carried += len;
    } else {
      this.carried = 0;
    }
    this.freshLength = 0;
  }
}

/** Byte copy without the view objects `subarray` would allocate. */
function copy(from: Uint8Array, fromOff: number, to: Uint8Array, toOff: number, n: number): void {
  for (let i = 0; i < n; i++) to[toOff + i] = from[fromOff + i]!;
}
