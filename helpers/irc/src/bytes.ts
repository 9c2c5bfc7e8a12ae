/**
 * Byte comparisons on a window `[off, off + end)` of a packet. Positions are
 * relative to `off`; a position at or past `end` never matches, so the
 * scanner can probe ahead without bounds checks of its own and never reads
 * outside the window (Linux's C code may peek a byte or two past it, where
 * the content is undefined).
 */

/** Byte codes the scanner looks for. */
export const SPACE = 0x20;
export const CR = 0x0d;
export const LF = 0x0a;
export const COLON = 0x3a;
export const DOT = 0x2e;
export const CTCP_MARK = 0x01;

/** Latin-1 bytes of an ASCII pattern, built once at module load. */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** True when the window holds exactly `pattern` at `pos`. */
export function matchesAt(buf: Uint8Array, off: number, end: number, pos: number, pattern: Uint8Array): boolean {
  if (pos < 0 || pos + pattern.length > end) return false;
  for (let i = 0; i < pattern.length; i++) if (buf[off + pos + i] !== pattern[i]) return false;
  return true;
}

/**
 * True when the window holds `pattern` at `pos`, ASCII letters compared
 * without case (the kernel's `strncasecmp`; its Latin-1 case folding never
 * maps a byte above 0x7f onto an ASCII letter, so ASCII folding is exact).
 * `pattern` must be lower case.
 */
export function matchesCaselessAt(buf: Uint8Array, off: number, end: number, pos: number, pattern: Uint8Array): boolean {
  if (pos < 0 || pos + pattern.length > end) return false;
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    let got = buf[off + pos + i]!;
    // Only fold letters: folding every byte would make e.g. 0x00 equal 0x20.
    if (got >= 0x41 && got <= 0x5a) got |= 0x20;
    if (got !== want) return false;
  }
  return true;
}

/** Position of the first `byte` in `[from, end)`, or -1. */
export function indexOfByte(buf: Uint8Array, off: number, end: number, from: number, byte: number): number {
  for (let p = from; p < end; p++) if (buf[off + p] === byte) return p;
  return -1;
}

/** Position of the last `byte` in `[from, end)`, or -1. */
export function lastIndexOfByte(buf: Uint8Array, off: number, end: number, from: number, byte: number): number {
  for (let p = end - 1; p >= from; p--) if (buf[off + p] === byte) return p;
  return -1;
}
