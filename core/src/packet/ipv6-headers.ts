/**
 * The one walk over IPv6 extension headers (Linux's `ipv6_skip_exthdr`),
 * shared by the decoder, the ICMP quote decoder and the defragmenter.
 */

/** Next-header values of the extension headers the walk steps over. */
const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH = 51;
const DEST_OPTIONS = 60;

export enum WalkResult {
  /** The walk reached the upper-layer header (or a non-first fragment's data). */
  WALK_OK = 0,
  /** An extension header runs past the end of the bytes. */
  WALK_TRUNCATED = 1,
  /** A second fragment header. */
  WALK_TWO_FRAGMENT_HEADERS = 2,
}

/** Where the walk ended. One instance per user, reused: the walk allocates nothing. */
export class Ipv6Walk {
  /** Upper-layer protocol (or the header after a non-first fragment's fragment header). */
  next = 0;
  /** Offset of the upper-layer header. */
  offset = 0;
  /** Offset of the fragment header, -1 when there is none. */
  fragHeader = -1;
  /** Offset of the next-header byte that names the fragment header. */
  fragNamedAt = -1;
  /** The fragment header's offset field in bytes, "more fragments" flag and identification. */
  fragOffset = 0;
  moreFragments = false;
  fragId = 0;
}

/** True for the next-header values the walk steps over. */
export function isIpv6ExtensionHeader(next: number): boolean {
  return next === HOP_BY_HOP || next === ROUTING || next === DEST_OPTIONS || next === AUTH || next === FRAGMENT;
}

/**
 * Steps over the extension headers from `p` (the first one's offset;
 * `next` its type, named by the byte at `namedAt`) up to `end`. Stops at the
 * upper-layer header, or right after the fragment header of a non-first
 * fragment (its data is not a header). Returns WALK_OK, WALK_TRUNCATED or
 * WALK_TWO_FRAGMENT_HEADERS; fills `out`.
 */
export function walkIpv6Headers(b: Uint8Array, p: number, end: number, next: number, namedAt: number, out: Ipv6Walk): number {
  out.fragHeader = -1;
  out.fragNamedAt = -1;
  out.fragOffset = 0;
  out.moreFragments = false;
  out.fragId = 0;
  for (;;) {
    if (next === FRAGMENT) {
      if (out.fragHeader >= 0) return WalkResult.WALK_TWO_FRAGMENT_HEADERS;
      if (p + 8 > end) return WalkResult.WALK_TRUNCATED;
      const field = (b[p + 2]! << 8) | b[p + 3]!;
      out.fragHeader = p;
      out.fragNamedAt = namedAt;
      out.fragOffset = field & 0xfff8;
      out.moreFragments = (field & 1) !== 0;
      out.fragId = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
      namedAt = p;
      next = b[p]!;
      p += 8;
      if (out.fragOffset !== 0) break;
    } else if (next === HOP_BY_HOP || next === ROUTING || next === DEST_OPTIONS || next === AUTH) {
      if (p + 8 > end) return WalkResult.WALK_TRUNCATED;
      const len = next === AUTH ? (b[p + 1]! + 2) << 2 : (b[p + 1]! + 1) << 3;
      if (p + len > end) return WalkResult.WALK_TRUNCATED;
      namedAt = p;
      next = b[p]!;
      p += len;
    } else {
      break;
    }
  }
  out.next = next;
  out.offset = p;
  return WalkResult.WALK_OK;
}
