/**
 * The Internet checksum (RFC 1071): one's complement of the one's complement
 * sum of 16-bit words. `initial` lets a caller fold in a pseudo-header sum.
 * Returns the value to store in the header (already complemented).
 */
export function internetChecksum(b: Uint8Array, offset = 0, length = b.length - offset, initial = 0): number {
  let sum = initial;
  const end = offset + length;
  let i = offset;
  for (; i + 1 < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8; // an odd last byte is padded with a zero
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * Unfolded sum of the TCP/UDP/ICMPv6 pseudo-header (RFC 793, RFC 8200 §8.1):
 * both addresses, the protocol and the transport length.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < src.length; i += 2) sum += (src[i]! << 8) | src[i + 1]!;
  for (let i = 0; i < dst.length; i += 2) sum += (dst[i]! << 8) | dst[i + 1]!;
  sum += protocol;
  // IPv6 uses a 32-bit length; both halves count.
  sum += (length >>> 16) + (length & 0xffff);
  return sum;
}

/**
 * True when the checksum field of the range is right: summing a range that
 * includes its own correct checksum gives 0xffff, i.e. a complement of 0.
 */
export function checksumValid(b: Uint8Array, offset: number, length: number, initial = 0): boolean {
  return internetChecksum(b, offset, length, initial) === 0;
}
