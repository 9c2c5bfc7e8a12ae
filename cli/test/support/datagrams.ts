import { checksumValid, pseudoHeaderSum } from "@alg-sdk/testing";

/**
 * Looking at IP datagrams as they left a router: what routing changes
 * (TTL / hop limit) set aside, and every checksum checked.
 */

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

/**
 * The datagram in hex with the TTL (IPv4) or hop limit (IPv6) and the IPv4
 * header checksum blanked: forwarding decrements the one and so changes the
 * other, which is routing, not NAT. The checksum is checked on its own
 * ({@link checksumProblems}), so a wrong one is still caught.
 */
export function withoutRouting(datagram: Uint8Array): string {
  const b = Uint8Array.from(datagram);
  if (b[0]! >> 4 === 4) {
    b[8] = 0;
    b[10] = 0;
    b[11] = 0;
  } else if (b[0]! >> 4 === 6) {
    b[7] = 0;
  }
  return toHex(b);
}

/** A checksum that does not verify, e.g. "ip", "tcp", "quoted ip", "quoted udp"; none when all are right. */
export function checksumProblems(datagram: Uint8Array): string[] {
  return problemsAt(datagram, 0, datagram.length, "");
}

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;

function problemsAt(b: Uint8Array, start: number, available: number, prefix: string): string[] {
  const problems: string[] = [];
  const version = b[start]! >> 4;
  let header: number;
  let protocol: number;
  let length: number;
  let src: Uint8Array;
  let dst: Uint8Array;
  if (version === 4) {
    header = (b[start]! & 0x0f) * 4;
    if (available < header) return problems;
    if (!checksumValid(b, start, header)) problems.push(`${prefix}ip`);
    protocol = b[start + 9]!;
    length = ((b[start + 2]! << 8) | b[start + 3]!) - header;
    src = b.subarray(start + 12, start + 16);
    dst = b.subarray(start + 16, start + 20);
    // A fragment's transport checksum covers bytes this datagram does not have.
    if ((((b[start + 6]! << 8) | b[start + 7]!) & 0x3fff) !== 0) return problems;
  } else if (version === 6) {
    header = 40;
    if (available < header) return problems;
    protocol = b[start + 6]!;
    length = (b[start + 4]! << 8) | b[start + 5]!;
    src = b.subarray(start + 8, start + 24);
    dst = b.subarray(start + 24, start + 40);
  } else {
    return [`${prefix}not ip`];
  }
  const l4 = start + header;
  // A quoted datagram may be cut short: its transport checksum can only be checked when it is all there.
  if (available - header < length) return problems;
  const name = protocol === TCP ? "tcp" : protocol === UDP ? "udp" : protocol === ICMP ? "icmp" : protocol === ICMPV6 ? "icmpv6" : null;
  if (name === null) return problems;
  const noUdpChecksum = protocol === UDP && version === 4 && b[l4 + 6] === 0 && b[l4 + 7] === 0;
  const pseudo = protocol === ICMP ? 0 : pseudoHeaderSum(src, dst, protocol, length);
  if (!noUdpChecksum && !checksumValid(b, l4, length, pseudo)) problems.push(`${prefix}${name}`);
  // An ICMP error quotes the datagram it is about, whose checksums NAT rewrites too.
  const type = b[l4]!;
  const isError = protocol === ICMP ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : protocol === ICMPV6 && type < 128;
  if (isError && prefix === "" && length > 8) problems.push(...problemsAt(b, l4 + 8, length - 8, "quoted "));
  return problems;
}
