/**
 * Decimal numbers read straight from payload bytes, with the arithmetic of
 * the kernel parsers they reproduce (no range checks: values wrap as the
 * kernel's fixed-size integers do).
 */

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** True for an ASCII decimal digit. */
export function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/** What {@link readDecimal} found; one instance is reused. */
export class DecimalCursor {
  /** The value modulo the requested modulus. */
  value = 0;
  /** Position just past the last digit. */
  pos = 0;
  /** Digits read (0: no number at all, the value is then 0). */
  digits = 0;
}

/** 2^32, for addresses. */
export const MOD_32 = 0x1_0000_0000;
/** 2^16, for ports. */
export const MOD_16 = 0x1_0000;

/**
 * An unsigned decimal number as the kernel's `simple_strtoul` reads it: no
 * sign, no leading blanks, digits until the first other byte (or `end`),
 * and an overlong number wraps modulo `modulus` instead of failing.
 */
export function readDecimal(buf: Uint8Array, at: number, end: number, modulus: number, out: DecimalCursor): void {
  let value = 0;
  let p = at;
  while (p < end) {
    const d = buf[p]! - DIGIT_0;
    if (d < 0 || d > 9) break;
    // value < 2^32, so value * 10 + 9 < 2^36 stays an exact double.
    value = (value * 10 + d) % modulus;
    p++;
  }
  out.value = value;
  out.pos = p;
  out.digits = p - at;
}

/**
 * `count` unsigned decimal numbers separated by `sep`, ended by `term` after
 * the last one (`term` 0: any other byte ends it), as nf_conntrack_ftp's
 * `try_number`: values wrap at 32 bits, no range check. Returns the
 * terminator's position relative to `start`, or 0 when the text does not
 * parse (which the kernel cannot tell from "parsed nothing" either).
 */
export function readNumberList(b: Uint8Array, start: number, end: number, out: Uint32Array, count: number, sep: number, term: number): number {
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
 * A port from `start` up to `delim`, in 16-bit arithmetic (nf_conntrack_ftp's
 * `get_port`). A port of 0, or one that wraps to 0, is refused. Returns the
 * offset just past the delimiter relative to `base`, or 0; the port is left
 * in `port[0]`.
 */
export function readDelimitedPort(b: Uint8Array, base: number, start: number, end: number, delim: number, port: Uint32Array): number {
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
