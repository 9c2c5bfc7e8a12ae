/** The Internet checksum (RFC 1071), for the headers the gateway writes itself. */

/** One's-complement sum of `bytes[start..end)` added to `sum` (not folded). */
export function sumBytes(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

/** Folds a sum to 16 bits and complements it: the value to store. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 8) & 255;
  bytes[offset + 1] = value & 255;
}

export function readU16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

/** Recomputes an IPv4 header's checksum in place (header at `ip`, `ihl` bytes). */
export function setIpv4HeaderChecksum(bytes: Uint8Array, ip: number, ihl: number): void {
  bytes[ip + 10] = 0;
  bytes[ip + 11] = 0;
  writeU16(bytes, ip + 10, finishChecksum(sumBytes(bytes, ip, ip + ihl)));
}

/** The IPv4 header checksum verifies. */
export function ipv4HeaderValid(bytes: Uint8Array, ip: number, ihl: number): boolean {
  return finishChecksum(sumBytes(bytes, ip, ip + ihl)) === 0;
}

/**
 * Sets the ICMPv6 checksum of the message at `icmp` (length `len`) inside an
 * IPv6 packet whose header is at `ip` (pseudo-header: addresses, length, 58).
 */
export function setIcmpv6Checksum(bytes: Uint8Array, ip: number, icmp: number, len: number): void {
  bytes[icmp + 2] = 0;
  bytes[icmp + 3] = 0;
  let sum = sumBytes(bytes, ip + 8, ip + 40);
  sum += Math.floor(len / 0x10000) + (len & 0xffff) + 58;
  writeU16(bytes, icmp + 2, finishChecksum(sumBytes(bytes, icmp, icmp + len, sum)));
}
