import { readU16, setIpv4HeaderChecksum, writeU16 } from "./checksum.js";

/** The Don't Fragment flag of the IPv4 flags/offset word. */
export const IPV4_DF = 0x4000;
const IPV4_MF = 0x2000;

/**
 * Splits the IPv4 datagram `d[off..off+len)` into fragments of at most `mtu`
 * bytes (RFC 791): each carries the header (options that are not copied on
 * fragmentation are kept in all, which receivers accept), a payload that is
 * a multiple of 8 bytes except the last, and the right offset and MF flag.
 * The engine reassembles fragments before tracking them, so a datagram can
 * leave larger than the link it came from; this is how it goes out again.
 * Returns null when the datagram has DF set (the sender must be told).
 */
export function fragmentIpv4(d: Uint8Array, off: number, len: number, mtu: number): Uint8Array[] | null {
  const flags = readU16(d, off + 6);
  if ((flags & IPV4_DF) !== 0) return null;
  const ihl = (d[off]! & 15) * 4;
  const chunk = (mtu - ihl) & ~7;
  if (chunk <= 0) return null;
  const baseOffset = (flags & 0x1fff) * 8;
  const moreAfter = (flags & IPV4_MF) !== 0;
  const out: Uint8Array[] = [];
  for (let p = ihl; p < len; p += chunk) {
    const size = Math.min(chunk, len - p);
    const f = new Uint8Array(ihl + size);
    f.set(d.subarray(off, off + ihl), 0);
    f.set(d.subarray(off + p, off + p + size), ihl);
    writeU16(f, 2, ihl + size);
    const last = p + size >= len;
    writeU16(f, 6, ((baseOffset + p - ihl) / 8) | (last && !moreAfter ? 0 : IPV4_MF));
    setIpv4HeaderChecksum(f, 0, ihl);
    out.push(f);
  }
  return out;
}
