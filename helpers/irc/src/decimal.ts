/**
 * Unsigned decimal numbers as the kernel's `simple_strtoul` reads them: no
 * sign, no leading blanks, digits until the first other byte, and an
 * overlong number wraps instead of failing. Linux then stores the result in
 * a 32-bit address or a 16-bit port, so only the value modulo 2^32 or 2^16
 * survives (`4462739714` is the address 10.0.1.2, port `70536` is 5000).
 */

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
export const MOD_ADDRESS = 0x1_0000_0000;
/** 2^16, for ports. */
export const MOD_PORT = 0x1_0000;

/** Reads decimal digits of the window from `pos`, keeping the value modulo `modulus`. */
export function readDecimal(buf: Uint8Array, off: number, end: number, pos: number, modulus: number, out: DecimalCursor): void {
  let value = 0;
  let p = pos;
  while (p < end) {
    const d = buf[off + p]! - 0x30;
    if (d < 0 || d > 9) break;
    // value < 2^32, so value * 10 + 9 < 2^36 stays an exact double.
    value = (value * 10 + d) % modulus;
    p++;
  }
  out.value = value;
  out.pos = p;
  out.digits = p - pos;
}
