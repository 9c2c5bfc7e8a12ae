/**
 * Byte comparisons for payload parsers. Positions are absolute offsets into
 * the buffer and `end` bounds what may be read: a pattern that would run
 * past `end` never matches, so a scanner can probe ahead without bounds
 * checks of its own and never reads outside its window (Linux's C code may
 * peek a byte or two past it, where the content is undefined).
 */

/** Latin-1 bytes of an ASCII pattern (build patterns once, at module load). */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** True when `buf[at..]` holds exactly `pattern` within `end`. */
export function matchesAt(buf: Uint8Array, at: number, end: number, pattern: Uint8Array): boolean {
  if (at < 0 || at + pattern.length > end) return false;
  for (let i = 0; i < pattern.length; i++) if (buf[at + i] !== pattern[i]) return false;
  return true;
}

/**
 * True when `buf[at..]` holds `pattern` within `end`, ASCII letters compared
 * without case (the kernel's `strncasecmp`; its Latin-1 case folding never
 * maps a byte above 0x7f onto an ASCII letter, so ASCII folding is exact).
 * `pattern` must be lower case.
 */
export function matchesCaselessAt(buf: Uint8Array, at: number, end: number, pattern: Uint8Array): boolean {
  if (at < 0 || at + pattern.length > end) return false;
  return caselessPrefix(buf, at, pattern, pattern.length);
}

/**
 * True when the `n` bytes at `buf[at]` equal the first `n` bytes of the
 * lower-case `pattern` without case (for "the data stops inside the
 * keyword": a partial match). The caller guarantees `n` bytes are there.
 */
export function caselessPrefix(buf: Uint8Array, at: number, pattern: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    let c = buf[at + i]!;
    // Only fold letters: folding every byte would make e.g. 0x00 equal 0x20.
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== pattern[i]) return false;
  }
  return true;
}

/** Position of the first `byte` in `[from, end)`, or -1. */
export function indexOfByte(buf: Uint8Array, from: number, end: number, byte: number): number {
  for (let p = from; p < end; p++) if (buf[p] === byte) return p;
  return -1;
}

/** Position of the last `byte` in `[from, end)`, or -1. */
export function lastIndexOfByte(buf: Uint8Array, from: number, end: number, byte: number): number {
  for (let p = end - 1; p >= from; p--) if (buf[p] === byte) return p;
  return -1;
}

/**
 * Position of the first occurrence of `pattern` wholly inside `[from, end)`,
 * or -1 (the kernel's `skb_find_text` over a linear buffer). An empty
 * pattern is found at `from`.
 */
export function indexOfBytes(buf: Uint8Array, from: number, end: number, pattern: Uint8Array): number {
  const last = end - pattern.length;
  const first = pattern[0];
  for (let p = from; p <= last; p++) {
    if (first !== undefined && buf[p] !== first) continue;
    if (matchesAt(buf, p, end, pattern)) return p;
  }
  return -1;
}
