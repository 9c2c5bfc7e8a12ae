import { ascii, caselessPrefix } from "@alg-sdk/core/payload";
import { COLON, isAlpha, isBlank } from "./chars.js";
import { Match, MatchKind, matchLength } from "./header-match.js";
import { nextLineStart, searchHeader, skipWhitespace } from "./line-scan.js";

/**
 * The SIP headers Linux's connection tracking reads (its `ct_sip_hdrs`
 * table, less From, To and Call-ID, which only its NAT uses): full name,
 * compact form, text searched for inside the value, and what the match is.
 */
export interface SipHeader {
  /** Lower case; compared without case. */
  readonly name: Uint8Array;
  readonly compact: Uint8Array | null;
  readonly search: Uint8Array | null;
  readonly match: MatchKind;
}

const COMMA = ascii(",");

export const CSEQ: SipHeader = { name: ascii("cseq"), compact: null, search: null, match: MatchKind.DIGITS };
export const CONTACT: SipHeader = { name: ascii("contact"), compact: ascii("m"), search: ascii("sip:"), match: MatchKind.SIP_ADDRESS_AFTER_USER };
export const VIA_UDP: SipHeader = { name: ascii("via"), compact: ascii("v"), search: ascii("udp "), match: MatchKind.SIP_ADDRESS };
export const EXPIRES: SipHeader = { name: ascii("expires"), compact: null, search: null, match: MatchKind.DIGITS };
export const CONTENT_LENGTH: SipHeader = { name: ascii("content-length"), compact: ascii("l"), search: null, match: MatchKind.DIGITS };

/** What a header lookup found: Linux's 1 / 0 / -1. */
export const Found = {
  YES: 1,
  /** No such header (or the walk met a line it cannot get past: see {@link findHeader}). */
  NO: 0,
  /** The header is there but its value does not parse. */
  BAD: -1,
} as const;
export type Found = (typeof Found)[keyof typeof Found];

/** Measures the value at `p` into `m` (the tail of `ct_sip_get_header` / `ct_sip_next_header`). */
function measure(h: SipHeader, b: Uint8Array, p: number, limit: number, family: number, m: Match): Found {
  m.shift = 0;
  const len = matchLength(h.match, b, p, limit, family, m);
  if (len === 0) return Found.BAD;
  m.off = p + m.shift;
  m.len = len;
  return Found.YES;
}

/**
 * Linux's `ct_sip_get_header`: the first header `h` on a line after `from`
 * (never the first line of the message), by full or compact name (a
 * compact name must not be followed by a letter), then blanks or folds, a
 * colon and blanks. With a `search` text, the match starts after its first
 * occurrence in the value.
 *
 * Exactly as Linux, a line that starts with the header's name but has no
 * colon after it (e.g. "Contact-Foo: …" for Contact, or an SDP "m=" line
 * for the compact "m") ends the whole lookup with NO.
 *
 * On BAD, `m.off` is where the value starts (callers resume from there).
 */
export function findHeader(h: SipHeader, b: Uint8Array, from: number, limit: number, family: number, m: Match): Found {
  let p = from;
  while ((p = nextLineStart(b, p, limit)) >= 0) {
    if (isBlank(b[p]!)) {
      p++;
      continue;
    }
    const name = h.name;
    const compact = h.compact;
    if (limit - p >= name.length && caselessPrefix(b, p, name, name.length)) p += name.length;
    else if (compact !== null && limit - p >= compact.length + 1 && caselessPrefix(b, p, compact, compact.length) && !isAlpha(b[p + compact.length]!)) {
      p += compact.length;
    } else {
      p++;
      continue;
    }
    p = skipWhitespace(b, p, limit);
    if (p < 0 || p >= limit || b[p] !== COLON || ++p >= limit) return Found.NO;
    p = skipWhitespace(b, p, limit);
    if (p < 0) return Found.NO;
    m.off = p;
    if (h.search !== null) {
      const at = searchHeader(b, p, limit, h.search);
      if (at < 0) return Found.BAD;
      p = at + h.search.length;
    }
    return measure(h, b, p, limit, family, m);
  }
  return Found.NO;
}

/**
 * Linux's `ct_sip_next_header`: the next value of a comma-separated list in
 * the same header, after `from`. On BAD `m.off` is just past the search text.
 */
export function findNextInList(h: SipHeader, b: Uint8Array, from: number, limit: number, family: number, m: Match): Found {
  let p = searchHeader(b, from, limit, COMMA);
  if (p < 0) return Found.NO;
  p = searchHeader(b, p, limit, h.search!);
  if (p < 0) return Found.NO;
  p += h.search!.length;
  m.off = p;
  return measure(h, b, p, limit, family, m);
}

/** Whether {@link walkHeaders} is inside a header's list of values (Linux's `in_header`). */
export class ListPosition {
  inList = false;
}

/**
 * Linux's `ct_sip_walk_headers`: the next parsable value of header `h`
 * from `from`, skipping values that do not parse. With a `list`, it first
 * continues the comma-separated list it was in, then moves on to the next
 * header line. YES or NO (never BAD).
 */
export function walkHeaders(h: SipHeader, b: Uint8Array, from: number, limit: number, family: number, list: ListPosition | null, m: Match): Found {
  if (list !== null && list.inList) {
    for (;;) {
      const r = findNextInList(h, b, from, limit, family, m);
      if (r === Found.YES) return r;
      if (r === Found.NO) break;
      from = m.off;
    }
    list.inList = false;
  }
  for (;;) {
    const r = findHeader(h, b, from, limit, family, m);
    if (r === Found.YES) break;
    if (r === Found.NO) return Found.NO;
    from = m.off;
  }
  if (list !== null) list.inList = true;
  return Found.YES;
}
