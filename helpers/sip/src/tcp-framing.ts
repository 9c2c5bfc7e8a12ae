import { HelperVerdict } from "@alg-sdk/core";
import { CR, LF } from "./chars.js";
import type { Match } from "./header-match.js";
import { number, readUnsigned } from "./numbers.js";
import { CONTENT_LENGTH, Found, findHeader } from "./sip-headers.js";

const U32 = 0x1_0000_0000;

/** Position of the first CRLFCRLF at or after `p` (the end of a message's headers), or -1. */
function headersEnd(b: Uint8Array, p: number, limit: number): number {
  for (; p + 4 <= limit; p++) {
    if (b[p] === CR && b[p + 1] === LF && b[p + 2] === CR && b[p + 3] === LF) return p;
  }
  return -1;
}

/**
 * Linux's `sip_help_tcp` framing: a segment may hold several messages, each
 * made of its headers up to the first empty line and `Content-Length`
 * bytes of body. Linux does not reassemble: the first message must start
 * the segment, and framing stops (the rest of the segment passes
 * unparsed) at a message without a Content-Length header, without the end
 * of its headers, or that does not end inside the segment.
 *
 * `each` is called with every complete message; its first non-ACCEPT
 * verdict ends the segment's processing and is the packet's verdict.
 *
 * As in Linux, the length is computed in 32 bits: a huge Content-Length
 * wraps around and can make a "message" shorter than its own headers. A
 * wrap to exactly 0 would make Linux parse the same bytes forever; this
 * stops framing there instead.
 */
export function forEachTcpMessage(
  b: Uint8Array,
  start: number,
  limit: number,
  family: number,
  m: Match,
  each: (start: number, end: number) => HelperVerdict,
): HelperVerdict {
  let at = start;
  while (at < limit) {
    if (findHeader(CONTENT_LENGTH, b, at, limit, family, m) !== Found.YES) break;
    const bodyLength = readUnsigned(b, m.off, limit);
    const blank = headersEnd(b, number.pos, limit);
    if (blank < 0) break;
    const length = (blank + 4 - at + bodyLength) % U32;
    if (length > limit - at) break;
    if (length === 0) break;
    const v = each(at, at + length);
    if (v !== HelperVerdict.ACCEPT) return v;
    at += length;
  }
  return HelperVerdict.ACCEPT;
}
