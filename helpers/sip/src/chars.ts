/** Bytes the SIP and SDP grammars care about. */
export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const TAB = 0x09;
export const COLON = 0x3a;
export const DOT = 0x2e;
export const AT = 0x40;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;

/**
 * The kernel's `isalpha()` (lib/ctype.c): ASCII letters and the Latin-1
 * letters 0xC0-0xFF except × (0xD7) and ÷ (0xF7). Linux's SIP helper uses
 * it for method names, media types and compact header names, so "é" counts
 * as a letter there.
 */
export function isAlpha(c: number): boolean {
  if (c < 0x80) {
    const l = c | 0x20;
    return l >= 0x61 && l <= 0x7a;
  }
  return c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7;
}

/** An ASCII hexadecimal letter (a-f, A-F): a digit to `in4_pton`'s class table, but not a decimal one. */
export function isHexLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66;
}

/** An ASCII hexadecimal digit. */
export function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || isHexLetter(c);
}

/** A line end: Linux's SIP parsers accept CR, LF or CRLF (RFC 2543). */
export function isLineEnd(c: number): boolean {
  return c === CR || c === LF;
}

/** Blank inside a header (space or tab). */
export function isBlank(c: number): boolean {
  return c === SP || c === TAB;
}
