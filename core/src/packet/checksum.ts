import { IpProto } from "../constants.js";
import type { ParsedPacket } from "./parsed-packet.js";

/** One's-complement sum of `b[start..end)` as 16-bit big-endian words, added to `sum` (not folded). */
function sum16(b: Uint8Array, start: number, end: number, sum: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** True when the IPv4 header checksum of the datagram at `p.l3Offset` verifies. */
export function ipv4HeaderChecksumOk(p: ParsedPacket): boolean {
  const b = p.bytes;
  const o = p.l3Offset;
  return fold(sum16(b, o, o + ((b[o]! & 0x0f) << 2), 0)) === 0xffff;
}

/**
 * True when the transport checksum of a whole (not fragmented) datagram
 * verifies, as Linux checks it at PRE_ROUTING when nf_conntrack_checksum is
 * on: TCP, UDP (a zero checksum on IPv4 means "none"), UDP-Lite (over its
 * coverage), ICMP (no pseudo-header) and ICMPv6. Other protocols: true.
 */
export function transportChecksumOk(p: ParsedPacket): boolean {
  const b = p.bytes;
  const start = p.l4Offset;
  let end = p.l3End;
  const proto = p.protocol;
  if (proto === IpProto.ICMP) return fold(sum16(b, start, end, 0)) === 0xffff;
  if (proto !== IpProto.TCP && proto !== IpProto.UDP && proto !== IpProto.UDPLITE && proto !== IpProto.ICMPV6) return true;
  if (proto === IpProto.UDP && p.family === 4 && (b[start + 6]! | b[start + 7]!) === 0) return true;
  if (proto === IpProto.UDPLITE) {
    const coverage = (b[start + 4]! << 8) | b[start + 5]!;
    if (coverage !== 0) end = start + coverage;
  }
  // Pseudo-header: addresses, protocol, transport length.
  let sum = 0;
  const words = p.family === 4 ? 1 : 4;
  for (let w = 0; w < words; w++) {
    const s = p.src[w]!;
    const d = p.dst[w]!;
    sum += (s >>> 16) + (s & 0xffff) + (d >>> 16) + (d & 0xffff);
  }
  const length = p.l3End - start;
  sum += proto + (length >>> 16) + (length & 0xffff);
  return fold(sum16(b, start, end, sum)) === 0xffff;
}
