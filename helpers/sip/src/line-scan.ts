import { caselessPrefix, matchesAt } from "@alg-sdk/core/payload";
import { CR, LF, isBlank, isLineEnd } from "./chars.js";

/**
 * Walking SIP and SDP text line by line as Linux's SIP helper does. A
 * header may be folded over several lines, each continuation starting with
 * a blank. Positions are absolute offsets into the packet; `limit` ends the
 * message. Nothing here reads at or beyond `limit` (where Linux's C code
 * sometimes peeks one byte, this code sees "no byte").
 */

/**
 * The start of the next line at or after `p`: the byte after the next CR,
 * LF or CRLF (the line walk of `ct_sip_get_header` and
 * `ct_sip_get_sdp_header`). -1 when the message ends first.
 */
export function nextLineStart(b: Uint8Array, p: number, limit: number): number {
  for (; p < limit; p++) {
    if (!isLineEnd(b[p]!)) continue;
    if (++p >= limit) return -1;
    if (b[p - 1] === CR && b[p] === LF && ++p >= limit) return -1;
    return p;
  }
  return -1;
}

/**
 * Linux's `sip_follow_continuation`: at a line end `p`, steps over it and
 * returns the first non-blank byte of the next line if that line continues
 * the header (starts with a blank), else -1.
 */
export function followContinuation(b: Uint8Array, p: number, limit: number): number {
  if (++p >= limit) return -1;
  if (b[p - 1] === CR && b[p] === LF && ++p >= limit) return -1;
  if (!isBlank(b[p]!)) return -1;
  while (p < limit && isBlank(b[p]!)) p++;
  return p;
}

/**
 * Linux's `sip_skip_whitespace`: skips blanks, and at most one line fold.
 * Returns the position reached (possibly `limit`), or -1 when a line ends
 * without a continuation.
 */
export function skipWhitespace(b: Uint8Array, p: number, limit: number): number {
  for (; p < limit; p++) {
    const c = b[p]!;
    if (isBlank(c)) continue;
    if (isLineEnd(c)) return followContinuation(b, p, limit);
    break;
  }
  return p;
}

/**
 * Linux's `ct_sip_header_search`: the first position of the lower-case
 * `needle`, compared without case, within the current header (its folded
 * lines included). The needle must end before the last byte of the
 * message. As in Linux, the first byte of a continuation line is never
 * where a match starts. -1 when not found.
 */
export function searchHeader(b: Uint8Array, p: number, limit: number, needle: Uint8Array): number {
  const last = limit - needle.length;
  for (; p < last; p++) {
    if (isLineEnd(b[p]!)) {
      p = followContinuation(b, p, last);
      if (p < 0) return -1;
      continue;
    }
    if (caselessPrefix(b, p, needle, needle.length)) return p;
  }
  return -1;
}

/**
 * Linux's `ct_sdp_header_search`: the first position of `needle`, compared
 * exactly (case matters), before the end of the current SDP line; the
 * needle must end before the last byte of the message. -1 when not found.
 */
export function searchSdpLine(b: Uint8Array, p: number, limit: number, needle: Uint8Array): number {
  const last = limit - needle.length;
  for (; p < last; p++) {
    if (isLineEnd(b[p]!)) return -1;
    if (matchesAt(b, p, limit, needle)) return p;
  }
  return -1;
}
