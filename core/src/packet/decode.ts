import { IpProto, Reason } from "../constants.js";
import { ParsedPacket, TcpFlag } from "./parsed-packet.js";

/**
 * Decodes one IP datagram (IPv4 or IPv6) into `out` and returns a
 * {@link Reason}: `Reason.NONE` when the headers are well formed. Never throws
 * and never allocates; fragments are decoded up to the fragment header so the
 * defragmenter can take them.
 */
export function decodePacket(bytes: Uint8Array, offset: number, length: number, out: ParsedPacket): number {
  out.bytes = bytes;
  out.l3Offset = offset;
  // Nothing of the previous packet may survive a rejection. Fields that every
  // successful path writes anyway are reset by that path, not here.
  out.family = 0;
  out.protocol = 0;
  out.ttl = 0;
  out.l3End = offset;
  out.l4Offset = offset;
  out.l4Length = 0;
  out.fragment = false;
  out.fragOffset = 0;
  out.moreFragments = false;
  out.fragHeaderOffset = -1;
  out.prevNextHeaderOffset = -1;
  out.sport = 0;
  out.dport = 0;
  out.hasPorts = false;
  out.payloadOffset = 0;
  out.payloadLength = 0;
  if (length < 1 || offset < 0 || offset + length > bytes.length) return Reason.TRUNCATED;
  const version = bytes[offset]! >> 4;
  let r: number;
  if (version === 4) r = decodeIpv4(bytes, offset, length, out);
  else if (version === 6) r = decodeIpv6(bytes, offset, length, out);
  else return Reason.BAD_VERSION;
  // A fragment, even the first one that carries the transport header, is
  // decoded further only once reassembled.
  if (r !== Reason.NONE || out.fragment) {
    clearTransport(out);
    return r;
  }
  return decodeTransport(bytes, out);
}

/** Transport fields other protocols leave at zero (helpers read them for any packet). */
function clearTransport(out: ParsedPacket): void {
  out.tcpFlags = 0;
  out.seq = 0;
  out.ack = 0;
  out.window = 0;
  out.tcpHeaderLength = 0;
  out.wscale = -1;
  out.sackPermitted = false;
  out.icmpType = 0;
  out.icmpCode = 0;
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function decodeIpv4(b: Uint8Array, o: number, length: number, out: ParsedPacket): number {
  out.family = 4;
  if (length < 20) return Reason.TRUNCATED;
  const ihl = (b[o]! & 0x0f) << 2;
  if (ihl < 20) return Reason.BAD_IP_HEADER_LENGTH;
  if (ihl > length) return Reason.TRUNCATED;
  const total = (b[o + 2]! << 8) | b[o + 3]!;
  if (total < ihl) return Reason.BAD_TOTAL_LENGTH;
  if (total > length) return Reason.TRUNCATED;
  if (ihl > 20 && !optionsWellFormed(b, o + 20, o + ihl)) return Reason.BAD_IP_OPTIONS;
  const frag = (b[o + 6]! << 8) | b[o + 7]!;
  out.moreFragments = (frag & 0x2000) !== 0;
  out.fragOffset = (frag & 0x1fff) << 3;
  out.fragment = out.moreFragments || out.fragOffset !== 0;
  out.fragId = (b[o + 4]! << 8) | b[o + 5]!;
  out.ttl = b[o + 8]!;
  out.protocol = b[o + 9]!;
  out.src[0] = readU32(b, o + 12);
  out.src[1] = 0;
  out.src[2] = 0;
  out.src[3] = 0;
  out.dst[0] = readU32(b, o + 16);
  out.dst[1] = 0;
  out.dst[2] = 0;
  out.dst[3] = 0;
  out.l3End = o + total;
  out.l4Offset = o + ihl;
  out.l4Length = total - ihl;
  return Reason.NONE;
}

/** IPv4 options: END, NOP, or type-length-value with a length that fits. */
function optionsWellFormed(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const type = b[i]!;
    if (type === 0) return true;
    if (type === 1) {
      i++;
      continue;
    }
    if (i + 1 >= end) return false;
    const len = b[i + 1]!;
    if (len < 2 || i + len > end) return false;
    i += len;
  }
  return true;
}

function decodeIpv6(b: Uint8Array, o: number, length: number, out: ParsedPacket): number {
  out.family = 6;
  if (length < 40) return Reason.TRUNCATED;
  const payloadLength = (b[o + 4]! << 8) | b[o + 5]!;
  const total = 40 + payloadLength;
  if (total > length) return Reason.TRUNCATED;
  out.ttl = b[o + 7]!;
  for (let w = 0; w < 4; w++) {
    out.src[w] = readU32(b, o + 8 + w * 4);
    out.dst[w] = readU32(b, o + 24 + w * 4);
  }
  const end = o + total;
  out.l3End = end;
  let next = b[o + 6]!;
  let nextOffset = o + 6;
  let p = o + 40;
  // Walk extension headers (as ipv6_skip_exthdr does) to the transport header.
  for (;;) {
    if (next === IpProto.HOPOPTS || next === IpProto.ROUTING || next === IpProto.DSTOPTS) {
      if (p + 8 > end) return Reason.BAD_EXTENSION_HEADER;
      const len = (b[p + 1]! + 1) << 3;
      if (p + len > end) return Reason.BAD_EXTENSION_HEADER;
      nextOffset = p;
      next = b[p]!;
      p += len;
    } else if (next === IpProto.AH) {
      if (p + 8 > end) return Reason.BAD_EXTENSION_HEADER;
      const len = (b[p + 1]! + 2) << 2;
      if (p + len > end) return Reason.BAD_EXTENSION_HEADER;
      nextOffset = p;
      next = b[p]!;
      p += len;
    } else if (next === IpProto.FRAGMENT) {
      if (out.fragHeaderOffset >= 0) return Reason.BAD_EXTENSION_HEADER;
      if (p + 8 > end) return Reason.BAD_EXTENSION_HEADER;
      const field = (b[p + 2]! << 8) | b[p + 3]!;
      out.fragOffset = field & 0xfff8;
      out.moreFragments = (field & 1) !== 0;
      out.fragId = readU32(b, p + 4);
      out.fragHeaderOffset = p;
      out.prevNextHeaderOffset = nextOffset;
      // An atomic fragment (offset 0, no more fragments) is a whole datagram (RFC 6946).
      out.fragment = out.moreFragments || out.fragOffset !== 0;
      nextOffset = p;
      next = b[p]!;
      p += 8;
      if (out.fragOffset !== 0) break;
    } else {
      break;
    }
  }
  out.protocol = next;
  out.l4Offset = p;
  out.l4Length = end - p;
  return Reason.NONE;
}

function decodeTransport(b: Uint8Array, out: ParsedPacket): number {
  const o = out.l4Offset;
  const len = out.l4Length;
  if (out.protocol !== IpProto.TCP) clearTransport(out);
  switch (out.protocol) {
    case IpProto.TCP: {
      if (len < 20) {
        clearTransport(out);
        return Reason.TRUNCATED;
      }
      const doff = (b[o + 12]! >> 4) << 2;
      if (doff < 20 || doff > len) {
        clearTransport(out);
        return doff < 20 ? Reason.BAD_L4_HEADER : Reason.TRUNCATED;
      }
      out.sport = (b[o]! << 8) | b[o + 1]!;
      out.dport = (b[o + 2]! << 8) | b[o + 3]!;
      out.seq = readU32(b, o + 4);
      out.ack = readU32(b, o + 8);
      out.tcpFlags = b[o + 13]!;
      out.window = (b[o + 14]! << 8) | b[o + 15]!;
      out.tcpHeaderLength = doff;
      out.hasPorts = true;
      out.payloadOffset = o + doff;
      out.payloadLength = len - doff;
      out.wscale = -1;
      out.sackPermitted = false;
      out.icmpType = 0;
      out.icmpCode = 0;
      if ((out.tcpFlags & TcpFlag.SYN) !== 0 && doff > 20) readSynOptions(b, o + 20, o + doff, out);
      return Reason.NONE;
    }
    case IpProto.UDP:
    case IpProto.UDPLITE: {
      if (len < 8) return Reason.TRUNCATED;
      const udpLength = (b[o + 4]! << 8) | b[o + 5]!;
      if (out.protocol === IpProto.UDP) {
        if (udpLength < 8 || udpLength > len) return Reason.BAD_L4_HEADER;
      } else if (udpLength !== 0 && (udpLength < 8 || udpLength > len)) {
        // UDP-Lite: the field is the checksum coverage; 0 covers the whole datagram.
        return Reason.BAD_L4_HEADER;
      }
      out.sport = (b[o]! << 8) | b[o + 1]!;
      out.dport = (b[o + 2]! << 8) | b[o + 3]!;
      out.hasPorts = true;
      out.payloadOffset = o + 8;
      out.payloadLength = (out.protocol === IpProto.UDP ? udpLength : len) - 8;
      return Reason.NONE;
    }
    case IpProto.ICMP:
    case IpProto.ICMPV6: {
      if (len < 8) return Reason.TRUNCATED;
      out.icmpType = b[o]!;
      out.icmpCode = b[o + 1]!;
      out.sport = (b[o + 4]! << 8) | b[o + 5]!;
      out.dport = (out.icmpType << 8) | out.icmpCode;
      out.payloadOffset = o + 8;
      out.payloadLength = len - 8;
      return Reason.NONE;
    }
    default:
      out.payloadOffset = o;
      out.payloadLength = len;
      return Reason.NONE;
  }
}

/** Window scale and SACK-permitted, the options window tracking needs from a SYN. */
function readSynOptions(b: Uint8Array, start: number, end: number, out: ParsedPacket): void {
  let i = start;
  while (i < end) {
    const kind = b[i]!;
    if (kind === 0) return;
    if (kind === 1) {
      i++;
      continue;
    }
    if (i + 1 >= end) return;
    const size = b[i + 1]!;
    if (size < 2 || i + size > end) return;
    if (kind === 3 && size === 3) out.wscale = b[i + 2]! > 14 ? 14 : b[i + 2]!;
    else if (kind === 4 && size === 2) out.sackPermitted = true;
    i += size;
  }
}
