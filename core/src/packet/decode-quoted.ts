import { ReasonCode } from "../constants.js";
import type { TrackerRegistry } from "../proto/registry.js";
import { Ipv6Walk, walkIpv6Headers, WalkResult } from "./ipv6-headers.js";
import type { ParsedPacket } from "./parsed-packet.js";

const walk = new Ipv6Walk();

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/**
 * Decodes the tuple of a datagram quoted inside an ICMP error: the IP header
 * must be whole, but the quote may stop early, so only the bytes the tuple
 * needs are required (the tracker's `decodeQuoted` says which), as Linux's
 * `nf_ct_get_tuplepr` reads them. Fills family, protocol, addresses and the
 * keys. Returns a {@link Reason}.
 */
export function decodeQuoted(b: Uint8Array, offset: number, length: number, out: ParsedPacket, trackers: TrackerRegistry): number {
  out.bytes = b;
  out.l3Offset = offset;
  out.clearTransport();
  const end = offset + length;
  if (length < 1 || offset < 0 || end > b.length) return ReasonCode.ICMP_ERROR_TOO_SHORT;
  const version = b[offset]! >> 4;
  if (version === 4) {
    if (length < 20) return ReasonCode.ICMP_ERROR_TOO_SHORT;
    const ihl = (b[offset]! & 0x0f) << 2;
    if (ihl < 20) return ReasonCode.BAD_IP_HEADER_LENGTH;
    if (ihl > length) return ReasonCode.ICMP_ERROR_TOO_SHORT;
    // A quoted non-first fragment has no transport header to name a connection.
    if ((((b[offset + 6]! << 8) | b[offset + 7]!) & 0x1fff) !== 0) return ReasonCode.BAD_FRAGMENT;
    out.family = 4;
    out.protocol = b[offset + 9]!;
    out.src.fill(0);
    out.dst.fill(0);
    out.src[0] = readU32(b, offset + 12);
    out.dst[0] = readU32(b, offset + 16);
    out.l4Offset = offset + ihl;
  } else if (version === 6) {
    if (length < 40) return ReasonCode.ICMP_ERROR_TOO_SHORT;
    out.family = 6;
    for (let w = 0; w < 4; w++) {
      out.src[w] = readU32(b, offset + 8 + w * 4);
      out.dst[w] = readU32(b, offset + 24 + w * 4);
    }
    if (walkIpv6Headers(b, offset + 40, end, b[offset + 6]!, offset + 6, walk) !== WalkResult.WALK_OK) return ReasonCode.ICMP_ERROR_TOO_SHORT;
    if (walk.fragHeader >= 0 && walk.fragOffset !== 0) return ReasonCode.BAD_FRAGMENT;
    out.protocol = walk.next;
    out.l4Offset = walk.offset;
  } else {
    return ReasonCode.BAD_VERSION;
  }
  out.l3End = end;
  out.l4Length = end - out.l4Offset;
  return trackers.get(out.protocol).decodeQuoted(out, end);
}
