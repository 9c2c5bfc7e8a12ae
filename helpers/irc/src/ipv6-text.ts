import { COLON, DOT } from "./bytes.js";

/**
 * IPv6 addresses in text, as some IRC clients put them in DCC offers on
 * IPv6 connections (an extension: Linux's helper is IPv4 only).
 *
 * Accepted grammar (RFC 4291 section 2.2, without extras):
 * ```
 * address  = full / compressed
 * full     = 6( h16 ":" ) tail
 * compressed = [ h16 *( ":" h16 ) ] "::" [ h16 *( ":" h16 ) [ ":" ipv4 ] / ipv4 ]
 *              ; "::" stands for one or more zero groups, at most once
 * tail     = h16 ":" h16 / ipv4
 * h16      = 1*4HEXDIG
 * ipv4     = dec-octet 3( "." dec-octet )
 * dec-octet = "0" / %x31-39 0*2DIGIT   ; at most 255, no leading zero
 * ```
 * Not accepted: brackets, zone identifiers (`%eth0`), prefix lengths. The
 * token ends at the first byte that cannot continue it; the caller decides
 * what must follow (a space).
 */

/** Groups of the address being read, reused across calls. */
const groups = new Uint16Array(8);

/** Byte at `i` of the window, or -1 past its end. */
function byteAt(buf: Uint8Array, off: number, end: number, i: number): number {
  return i < end ? buf[off + i]! : -1;
}

/** Value of a hex digit byte, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Reads a dotted IPv4 tail at `pos` into groups `n`, `n + 1`; returns the position after it or -1. */
function readIpv4Tail(buf: Uint8Array, off: number, end: number, pos: number, n: number): number {
  let value = 0;
  let p = pos;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (p >= end || buf[off + p] !== DOT) return -1;
      p++;
    }
    const first = p;
    let v = 0;
    while (p < end && p - first < 4) {
      const d = buf[off + p]! - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      p++;
    }
    const digits = p - first;
    // A leading zero would be ambiguous (octal in some parsers): refuse it.
    if (digits === 0 || digits > 3 || v > 255 || (digits > 1 && buf[off + first] === 0x30)) return -1;
    value = value * 256 + v;
  }
  groups[n] = Math.floor(value / 0x10000);
  groups[n + 1] = value & 0xffff;
  return p;
}

/**
 * Reads an IPv6 address at `pos` of the window into `out` (four words,
 * network order). Returns the position just after it, or -1 when the text
 * there is not an address of the grammar above.
 */
export function readIpv6Text(buf: Uint8Array, off: number, end: number, pos: number, out: Uint32Array): number {
  let n = 0;
  let gap = -1;
  let p = pos;
  if (byteAt(buf, off, end, p) === COLON) {
    if (byteAt(buf, off, end, p + 1) !== COLON) return -1;
    gap = 0;
    p += 2;
  }
  // After "::" a group may follow or the address may end; elsewhere a group is required.
  while (!(gap === n && hexValue(byteAt(buf, off, end, p)) < 0)) {
    let q = p;
    let v = 0;
    while (q < end && hexValue(buf[off + q]!) >= 0) {
      v = v * 16 + hexValue(buf[off + q]!);
      q++;
      if (q - p > 4) break;
    }
    if (byteAt(buf, off, end, q) === DOT) {
      if (n > 6) return -1;
      p = readIpv4Tail(buf, off, end, p, n);
      if (p < 0) return -1;
      n += 2;
      break;
    }
    const digits = q - p;
    if (digits === 0 || digits > 4 || n === 8) return -1;
    groups[n++] = v;
    p = q;
    if (byteAt(buf, off, end, p) !== COLON) break;
    if (byteAt(buf, off, end, p + 1) === COLON) {
      if (gap >= 0) return -1;
      gap = n;
      p += 2;
    } else {
      p++;
    }
  }
  if (gap < 0 ? n !== 8 : n > 7) return -1;
  // Spread the groups: those after the gap move to the end, zeros fill in.
  const tail = gap < 0 ? 0 : n - gap;
  for (let i = 0; i < 8; i++) {
    let g = 0;
    if (gap < 0 || i < gap) g = groups[i]!;
    else if (i >= 8 - tail) g = groups[gap + i - (8 - tail)]!;
    if ((i & 1) === 0) out[i >> 1] = g << 16;
    else out[i >> 1] = (out[i >> 1]! | g) >>> 0;
  }
  return p;
}
