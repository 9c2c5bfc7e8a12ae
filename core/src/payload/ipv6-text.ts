/**
 * IPv6 address text as the kernel's `in6_pton()` reads it (net/core/utils.c),
 * which is what EPRT `|2|` goes through: the same accepted forms, the same
 * refusals and the same end position. It is a small state machine over
 * character classes; the class bits below say which classes may come next.
 */

const HEX = 0x0001_0000;
const DEC = 0x0002_0000;
/** A colon, in the three roles it can play. */
const COLON_ANY = 0x0070_0000;
const COLON_ONE = 0x0010_0000; // a single ':' between groups
const COLON_SECOND = 0x0020_0000; // the second ':' of "::"
const COLON_FIRST_OF_PAIR = 0x0040_0000; // a ':' that may start "::"
const DOT = 0x0080_0000;
const END = 0x1000_0000;
/** Nothing to store yet (a leading "::" or a full address). */
const NO_GROUP = 0x2000_0000;
const OTHER = 0x4000_0000;

/** Class bits of one character; `c` -1 stands for "past the end". */
function classOf(c: number, delim: number): number {
  if (c === delim || c === 0 || c < 0) return END;
  if (c === 0x3a) return COLON_ANY;
  if (c === 0x2e) return DOT;
  if (c >= 0x30 && c <= 0x39) return (c - 0x30) | HEX | DEC;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return (l - 0x61 + 10) | HEX;
  return OTHER;
}

/**
 * Dotted-quad tail of an IPv6 address (the kernel's `in4_pton()` with the
 * same delimiter rules). Writes 4 bytes at `out[at]` and returns the end
 * position, or -1.
 */
function readDottedQuad(b: Uint8Array, start: number, limit: number, delim: number, out: Uint8Array, at: number): number {
  const quad = scratchQuad;
  let n = 0;
  // The kernel adds the class bits into the accumulator too; only its low 16 bits are ever tested, with C's 32-bit wrap.
  let w = 0;
  for (let p = start; ; p++) {
    const c = classOf(p < limit ? b[p]! : -1, delim);
    if ((c & (DEC | DOT | END | COLON_ANY)) === 0) return -1;
    if ((c & (DOT | END | COLON_ANY)) !== 0) {
      if (w === 0) return -1;
      quad[n++] = w & 0xff;
      w = 0;
      if ((c & (END | COLON_ANY)) !== 0) {
        if (n !== 4) return -1;
        out.set(quad, at);
        return p;
      }
    } else {
      w = (Math.imul(w, 10) + c) | 0;
      if ((w & 0xffff) > 255) return -1;
    }
    if (n >= 4) return -1;
  }
}
const scratchQuad = new Uint8Array(4);
const scratchGroups = new Uint8Array(16);

/**
 * Parses IPv6 text from `start`, reading at most up to `limit`, ended by
 * `delim` (or by the limit). On success writes 16 bytes to `out` and
 * returns the position of the character that ended the address; returns -1
 * when the text is not an address.
 */
export function readIpv6Text(b: Uint8Array, start: number, limit: number, delim: number, out: Uint8Array): number {
  const g = scratchGroups;
  g.fill(0);
  let d = 0; // bytes of groups written
  let gap = -1; // where "::" was, in g
  let groupStart = -1; // start of the current group in b (for a dotted tail)
  let allowed = COLON_FIRST_OF_PAIR | HEX | NO_GROUP;
  let w = 0;
  let p = start;
  for (;;) {
    const c = classOf(p < limit ? b[p]! : -1, delim);
    if ((c & allowed) === 0) return -1;
    if ((c & (END | COLON_ANY)) !== 0) {
      // A group ends here.
      if ((allowed & NO_GROUP) === 0) {
        g[d++] = (w >> 8) & 0xff;
        g[d++] = w & 0xff;
      }
      w = 0;
      if ((c & END) !== 0) break;
      switch (allowed & COLON_ANY) {
        case COLON_SECOND:
          gap = d;
          allowed = HEX | END;
          if (gap >= 16) allowed |= NO_GROUP;
          break;
        case COLON_ONE | COLON_FIRST_OF_PAIR:
          allowed = HEX | COLON_SECOND;
          break;
        case COLON_ONE:
          allowed = HEX;
          break;
        case COLON_FIRST_OF_PAIR:
          allowed = COLON_SECOND;
          break;
        default:
          allowed = 0;
      }
      groupStart = p + 1;
    } else if ((c & DOT) !== 0) {
      // The current group was the start of a dotted quad: read it again as one.
      const from = groupStart >= 0 ? groupStart : start;
      const e = readDottedQuad(b, from, limit, delim, g, d);
      if (e < 0) return -1;
      d += 4;
      p = e;
      break;
    } else {
      w = (w << 4) | (c & 0xff);
      allowed = COLON_ONE | END;
      if ((w & 0xf000) === 0) allowed |= HEX;
      if (gap < 0 && d + 2 < 16) {
        allowed |= COLON_FIRST_OF_PAIR;
        allowed &= ~END;
      }
      if (d + 2 >= 16) allowed &= ~(COLON_ONE | COLON_FIRST_OF_PAIR);
    }
    if ((gap >= 0 && d + 4 < 16) || d + 4 === 16) allowed |= DOT;
    if (d >= 16) allowed &= ~(HEX | COLON_ANY);
    p++;
  }
  if (gap >= 0) {
    // Move the groups after "::" to the end and zero the gap.
    let i = 15;
    let s = d - 1;
    while (s >= gap) out[i--] = g[s--]!;
    while (i >= gap) out[i--] = 0;
    while (i >= 0) out[i--] = g[s--]!;
  } else out.set(g);
  return p;
}

const scratchBytes = new Uint8Array(16);

/**
 * {@link readIpv6Text} writing four address words (network order, as the
 * engine keeps addresses) into `out` instead of 16 bytes.
 */
export function readIpv6Words(b: Uint8Array, start: number, limit: number, delim: number, out: Uint32Array): number {
  const end = readIpv6Text(b, start, limit, delim, scratchBytes);
  if (end < 0) return -1;
  for (let i = 0; i < 4; i++) {
    out[i] = ((scratchBytes[i * 4]! << 24) | (scratchBytes[i * 4 + 1]! << 16) | (scratchBytes[i * 4 + 2]! << 8) | scratchBytes[i * 4 + 3]!) >>> 0;
  }
  return end;
}
