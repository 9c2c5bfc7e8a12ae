import { IpProto, Reason } from "../constants.js";
import type { ParsedPacket } from "./parsed-packet.js";

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/**
 * Decodes the tuple of a datagram quoted inside an ICMP error: the IP header
 * must be whole, but the quote may stop early, so only the bytes the tuple
 * needs are required (4 bytes of TCP/UDP ports, 8 of an ICMP header), as
 * Linux's `nf_ct_get_tuplepr` reads them. Fills family, protocol, src, dst,
 * sport, dport and icmpType/icmpCode. Returns a {@link Reason}.
 */
export function decodeQuoted(b: Uint8Array, offset: number, length: number, out: ParsedPacket): number {
  out.bytes = b;
  out.sport = 0;
  out.dport = 0;
  out.icmpType = 0;
  out.icmpCode = 0;
  const end = offset + length;
  if (length < 1 || offset < 0 || end > b.length) return Reason.ICMP_ERROR_TOO_SHORT;
  const version = b[offset]! >> 4;
  let p: number;
  if (version === 4) {
    if (length < 20) return Reason.ICMP_ERROR_TOO_SHORT;
    const ihl = (b[offset]! & 0x0f) << 2;
    if (ihl < 20) return Reason.BAD_IP_HEADER_LENGTH;
    if (ihl > length) return Reason.ICMP_ERROR_TOO_SHORT;
    // A quoted non-first fragment has no transport header to name a connection.
    if ((((b[offset + 6]! << 8) | b[offset + 7]!) & 0x1fff) !== 0) return Reason.BAD_FRAGMENT;
    out.family = 4;
    out.protocol = b[offset + 9]!;
    out.src.fill(0);
    out.dst.fill(0);
    out.src[0] = readU32(b, offset + 12);
    out.dst[0] = readU32(b, offset + 16);
    p = offset + ihl;
  } else if (version === 6) {
    if (length < 40) return Reason.ICMP_ERROR_TOO_SHORT;
    out.family = 6;
    for (let w = 0; w < 4; w++) {
      out.src[w] = readU32(b, offset + 8 + w * 4);
      out.dst[w] = readU32(b, offset + 24 + w * 4);
    }
    let next = b[offset + 6]!;
    p = offset + 40;
    for (;;) {
      if (next === IpProto.HOPOPTS || next === IpProto.ROUTING || next === IpProto.DSTOPTS) {
        if (p + 8 > end) return Reason.ICMP_ERROR_TOO_SHORT;
        next = b[p]!;
        p += (b[p + 1]! + 1) << 3;
      } else if (next === IpProto.AH) {
        if (p + 8 > end) return Reason.ICMP_ERROR_TOO_SHORT;
        next = b[p]!;
        p += (b[p + 1]! + 2) << 2;
      } else if (next === IpProto.FRAGMENT) {
        if (p + 8 > end) return Reason.ICMP_ERROR_TOO_SHORT;
        if ((((b[p + 2]! << 8) | b[p + 3]!) & 0xfff8) !== 0) return Reason.BAD_FRAGMENT;
        next = b[p]!;
        p += 8;
      } else break;
    }
    out.protocol = next;
  } else {
    return Reason.BAD_VERSION;
  }
  out.l4Offset = p;
  switch (out.protocol) {
    case IpProto.TCP:
    case IpProto.UDP:
    case IpProto.UDPLITE:
    case IpProto.SCTP:
      if (p + 4 > end) return Reason.ICMP_ERROR_TOO_SHORT;
      out.sport = (b[p]! << 8) | b[p + 1]!;
      out.dport = (b[p + 2]! << 8) | b[p + 3]!;
      return Reason.NONE;
    case IpProto.ICMP:
    case IpProto.ICMPV6:
      if (p + 8 > end) return Reason.ICMP_ERROR_TOO_SHORT;
      out.icmpType = b[p]!;
      out.icmpCode = b[p + 1]!;
      out.sport = (b[p + 4]! << 8) | b[p + 5]!;
      out.dport = (out.icmpType << 8) | out.icmpCode;
      return Reason.NONE;
    default:
      if (p > end) return Reason.ICMP_ERROR_TOO_SHORT;
      return Reason.NONE;
  }
}
