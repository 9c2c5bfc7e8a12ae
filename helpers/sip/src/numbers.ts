import { DecimalCursor, MOD_32, readDecimal } from "@alg-sdk/core/payload";
import { isHexDigit } from "./chars.js";

/**
 * Numbers as Linux's SIP helper reads them: `simple_strtoul` stored in an
 * `unsigned int`, so an overlong number wraps modulo 2^32 instead of
 * failing, and nothing (not even a sign or a blank) may precede the digits.
 * One cursor is reused; read it before the next call.
 */
export const number = new DecimalCursor();

/** `simple_strtoul(p, &end, 10)` as an `unsigned int`; the value and end are left in {@link number}. */
export function readUnsigned(b: Uint8Array, at: number, end: number): number {
  readDecimal(b, at, end, MOD_32, number);
  return number.value;
}

/**
 * `simple_strtoul(p, &end, 0)` as an `unsigned int`: the base comes from
 * the text, as C literals ("0x1f" hexadecimal, "017" octal, else decimal).
 * Linux reads a Contact's `expires=` parameter this way. Leaves the value
 * and end in {@link number} (`digits` counts every byte consumed).
 */
export function readUnsignedAnyBase(b: Uint8Array, at: number, end: number): number {
  let base = 10;
  let p = at;
  if (p < end && b[p] === 0x30) {
    // "0x" counts as a prefix only when a hexadecimal digit follows it.
    if (p + 2 < end && (b[p + 1]! | 0x20) === 0x78 && isHexDigit(b[p + 2]!)) {
      base = 16;
      p += 2;
    } else base = 8;
  }
  let value = 0;
  for (; p < end; p++) {
    const c = b[p]!;
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) digit = (c | 0x20) - 0x61 + 10;
    else break;
    if (digit >= base) break;
    // value < 2^32, so value * 16 + 15 stays an exact double.
    value = (value * base + digit) % MOD_32;
  }
  number.value = value;
  number.pos = p;
  number.digits = p - at;
  return value;
}
