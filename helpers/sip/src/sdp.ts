import { ascii, caselessPrefix, matchesAt } from "@alg-sdk/core/payload";
import { readSdpAddress } from "./address-text.js";
import { SipClass } from "./constants.js";
import { Match, MatchKind, matchLength } from "./header-match.js";
import { nextLineStart, searchSdpLine } from "./line-scan.js";
import { Found } from "./sip-headers.js";

/**
 * Reading a session description (RFC 4566) as Linux's SIP helper does
 * (`ct_sip_get_sdp_header`, `ct_sip_parse_sdp_addr`, `sdp_media_type`).
 * Linux does not look for the body: it scans the whole message for lines
 * starting with the SDP type letters.
 */

/** One SDP line type: its "x=" prefix (compared without case), the text after which the match starts, and what it is. */
export interface SdpLine {
  readonly prefix: Uint8Array;
  /** Compared exactly, within the line. */
  readonly search: Uint8Array | null;
  readonly match: MatchKind;
}

export const SDP_VERSION: SdpLine = { prefix: ascii("v="), search: null, match: MatchKind.DIGITS };
export const SDP_MEDIA: SdpLine = { prefix: ascii("m="), search: null, match: MatchKind.MEDIA };
const CONNECTION_V4: SdpLine = { prefix: ascii("c="), search: ascii("IN IP4 "), match: MatchKind.SDP_ADDRESS };
const CONNECTION_V6: SdpLine = { prefix: ascii("c="), search: ascii("IN IP6 "), match: MatchKind.SDP_ADDRESS };

/** The connection line of the master's family: an IPv4 session only reads "IN IP4" addresses. */
export function sdpConnection(family: number): SdpLine {
  return family === 6 ? CONNECTION_V6 : CONNECTION_V4;
}

/**
 * The first line of type `line` after `from`, stopping (NO) at a line of
 * type `stop` if one comes first. BAD when the line is there but its
 * value does not parse: the search then ends, it does not go on to the
 * next such line.
 */
export function findSdpLine(line: SdpLine, stop: SdpLine | null, b: Uint8Array, from: number, limit: number, family: number, m: Match): Found {
  let p = from;
  while ((p = nextLineStart(b, p, limit)) >= 0) {
    if (stop !== null && limit - p >= stop.prefix.length && caselessPrefix(b, p, stop.prefix, stop.prefix.length)) return Found.NO;
    if (!(limit - p >= line.prefix.length && caselessPrefix(b, p, line.prefix, line.prefix.length))) {
      p++;
      continue;
    }
    p += line.prefix.length;
    m.off = p;
    if (line.search !== null) {
      const at = searchSdpLine(b, p, limit, line.search);
      if (at < 0) return Found.BAD;
      p = at + line.search.length;
    }
    m.shift = 0;
    const len = matchLength(line.match, b, p, limit, family, m);
    if (len === 0) return Found.BAD;
    m.off = p;
    m.len = len;
    return Found.YES;
  }
  return Found.NO;
}

/**
 * Linux's `ct_sip_parse_sdp_addr`: the address of the first `c=` line after
 * `from`, before the next `m=` line. YES with the address in `out`.
 */
export function findSdpAddress(b: Uint8Array, from: number, limit: number, family: number, m: Match, out: Uint32Array): Found {
  const r = findSdpLine(sdpConnection(family), SDP_MEDIA, b, from, limit, family, m);
  if (r !== Found.YES) return r;
  return readSdpAddress(b, m.off, m.off + m.len, family, out) < 0 ? Found.BAD : Found.YES;
}

/** A media type Linux expects streams for, with its trailing space (Linux's `sdp_media_types`). */
export interface SdpMediaType {
  readonly name: Uint8Array;
  readonly cls: SipClass;
}

const MEDIA_TYPES: readonly SdpMediaType[] = [
  { name: ascii("audio "), cls: SipClass.AUDIO },
  { name: ascii("video "), cls: SipClass.VIDEO },
  { name: ascii("image "), cls: SipClass.IMAGE },
];

/**
 * The most media lines one message gets expectations for: Linux bounds its
 * loop by the number of media types it knows (3), whatever their types.
 */
export const MAX_MEDIA_LINES = MEDIA_TYPES.length;

/** The type of the `m=` value at `m` (case matters: "Audio" is no type), or null. */
export function mediaTypeOf(b: Uint8Array, m: Match): SdpMediaType | null {
  for (let i = 0; i < MEDIA_TYPES.length; i++) {
    const t = MEDIA_TYPES[i]!;
    if (m.len >= t.name.length && matchesAt(b, m.off, m.off + m.len, t.name)) return t;
  }
  return null;
}
