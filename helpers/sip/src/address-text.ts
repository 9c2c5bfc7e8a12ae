import { readIpv6Words } from "@alg-sdk/core/payload";
import { CLOSE_BRACKET, COLON, DOT, OPEN_BRACKET, isHexDigit, isHexLetter } from "./chars.js";

/**
 * Address text as Linux's SIP helper reads it: `in4_pton` / `in6_pton`
 * with the delimiter -1, which makes every byte that cannot belong to an
 * address (anything but hexadecimal digits, ':' and '.') end it, like the
 * end of the data does. Results are address words (network order, IPv4 in
 * word 0); functions return the position of the byte that ended the
 * address, or -1 when the text is not an address.
 */

/**
 * `in4_pton(text, limit - start, out, -1, &end)`: four decimal numbers of
 * at most 255 separated by dots, ended by ':' or any byte that is not a
 * digit, a dot or a hexadecimal letter (a hexadecimal letter fails it).
 * Leading zeros are allowed; an empty number or a fifth dot fails.
 */
export function readIpv4(b: Uint8Array, start: number, limit: number, out: Uint32Array): number {
  let address = 0;
  let octets = 0;
  let value = 0;
  let digits = 0;
  for (let p = start; ; p++) {
    const c = p < limit ? b[p]! : 0;
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      digits++;
      if (value > 255) return -1;
      continue;
    }
    if (isHexLetter(c)) return -1;
    // A dot, a colon or any other byte ends a number.
    if (digits === 0) return -1;
    address = ((address << 8) | value) >>> 0;
    octets++;
    value = 0;
    digits = 0;
    if (c !== DOT) {
      if (octets !== 4) return -1;
      out[0] = address;
      out[1] = out[2] = out[3] = 0;
      return p;
    }
    if (octets >= 4) return -1;
  }
}

/**
 * `in6_pton(text, limit - start, out, -1, &end)`: the address runs up to
 * the first byte that is not a hexadecimal digit, ':' or '.', which then
 * acts as the end of the data (core's reader has the kernel's rules for
 * what lies inside).
 */
export function readIpv6(b: Uint8Array, start: number, limit: number, out: Uint32Array): number {
  let run = start;
  while (run < limit) {
    const c = b[run]!;
    if (!isHexDigit(c) && c !== COLON && c !== DOT) break;
    run++;
  }
  return readIpv6Words(b, start, run, -1, out);
}

/**
 * Linux's `sip_parse_addr`: an address in a SIP header or URI. IPv6 may be
 * in brackets; with `bracketed` (URIs, Via) the brackets are required.
 */
export function readSipAddress(b: Uint8Array, start: number, limit: number, family: number, bracketed: boolean, out: Uint32Array): number {
  if (family === 4) return readIpv4(b, start, limit, out);
  let p = start;
  if (p < limit && b[p] === OPEN_BRACKET) p++;
  else if (bracketed) return -1;
  let end = readIpv6(b, p, limit, out);
  if (end < 0) return -1;
  if (end < limit && b[end] === CLOSE_BRACKET) end++;
  else if (bracketed) return -1;
  return end;
}

/** Linux's `sdp_parse_addr`: an SDP connection address, of the master's family, never bracketed. */
export function readSdpAddress(b: Uint8Array, start: number, limit: number, family: number, out: Uint32Array): number {
  return family === 4 ? readIpv4(b, start, limit, out) : readIpv6(b, start, limit, out);
}
