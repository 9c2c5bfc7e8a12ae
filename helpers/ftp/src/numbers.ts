/**
 * Number grammars of nf_conntrack_ftp, read straight from bytes. Each
 * returns how many bytes it consumed counted from `start` (the terminator
 * excluded for try_number, the closing delimiter included for get_port),
 * or 0 when the text does not parse, exactly like the kernel's helpers
 * (which cannot tell "parsed nothing" from "failed" either).
 */

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * Reads `count` unsigned decimal numbers separated by `sep` into `out`,
 * stopping at `term` after the last one (`term` 0: any other byte ends
 * it). Values wrap at 32 bits like the kernel's `u32` array: no range
 * check. Returns the position of the terminator relative to `start`, or 0.
 */
export function readNumbers(
  b: Uint8Array,
  start: number,
  end: number,
  out: Uint32Array,
  count: number,
  sep: number,
  term: number,
): number {
  out.fill(0, 0, count);
  let i = 0;
  for (let p = start; p < end && i < count; p++) {
    const c = b[p]!;
    if (c >= DIGIT_0 && c <= DIGIT_9) out[i] = Math.imul(out[i]!, 10) + (c - DIGIT_0);
    else if (c === sep) i++;
    // Any other byte ends the list: fine only if it is the terminator after the last number.
    else return (c === term || term === 0) && i === count - 1 ? p - start : 0;
  }
  return 0;
}

/**
 * Reads a port from `start` up to `delim`, in 16-bit arithmetic like the
 * kernel's `u16`. A port of 0 (or one that wraps to 0) is refused. Returns
 * the offset just past the delimiter, relative to `base`, or 0; the port is
 * left in `port[0]`.
 */
export function readPort(b: Uint8Array, base: number, start: number, end: number, delim: number, port: Uint32Array): number {
  let v = 0;
  for (let p = start; p < end; p++) {
    const c = b[p]!;
    if (c === delim) {
      if (v === 0) return 0;
      port[0] = v;
      return p + 1 - base;
    }
    if (c < DIGIT_0 || c > DIGIT_9) return 0;
    v = (v * 10 + (c - DIGIT_0)) & 0xffff;
  }
  return 0;
}

/** True for an ASCII decimal digit. */
export function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}
