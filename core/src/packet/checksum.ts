import type { ParsedPacket } from "./parsed-packet.js";

/**
 * Internet checksum arithmetic (RFC 1071) over the packet's bytes, without
 * knowing any protocol: trackers say which range and which pseudo-header
 * their checksum covers.
 */

/** One's-complement sum of `b[start..end)` as 16-bit big-endian words, added to `sum` (not folded). */
export function sum16(b: Uint8Array, start: number, end: number, sum: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8;
  return sum;
}

/** Folds a sum to 16 bits with end-around carries. */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** Sum of the addresses of a packet (the pseudo-header's address part). */
export function addressSum(p: ParsedPacket): number {
  let sum = 0;
  const words = p.family === 4 ? 1 : 4;
  for (let w = 0; w < words; w++) {
    const s = p.src[w]!;
    const d = p.dst[w]!;
    sum += (s >>> 16) + (s & 0xffff) + (d >>> 16) + (d & 0xffff);
  }
  return sum;
}

/** True when the IPv4 header checksum of the datagram at `p.l3Offset` verifies. */
export function ipv4HeaderChecksumOk(p: ParsedPacket): boolean {
  const b = p.bytes;
  const o = p.l3Offset;
  return fold(sum16(b, o, o + ((b[o]! & 0x0f) << 2), 0)) === 0xffff;
}

/** True when `b[start..end)` sums to all ones (a checksum without pseudo-header, as ICMPv4's). */
export function plainChecksumOk(b: Uint8Array, start: number, end: number): boolean {
  return fold(sum16(b, start, end, 0)) === 0xffff;
}

/**
 * True when the transport checksum verifies with the pseudo-header
 * (addresses, protocol, transport length from `p.l4Offset` to the end of the
 * datagram), summing the bytes from `p.l4Offset` to `coveredEnd`.
 */
export function pseudoChecksumOk(p: ParsedPacket, coveredEnd: number): boolean {
  const length = p.l3End - p.l4Offset;
  const sum = addressSum(p) + p.protocol + (length >>> 16) + (length & 0xffff);
  return fold(sum16(p.bytes, p.l4Offset, coveredEnd, sum)) === 0xffff;
}
