import { checksumValid, pseudoHeaderSum } from "./checksum.js";

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;

/**
 * Every checksum of an IP datagram that does not verify: "ip", "tcp",
 * "udp", "icmp", "icmpv6", and for an ICMP error the datagram it quotes
 * ("quoted ip", "quoted tcp", …; a quote cut short is checked as far as it
 * goes). An empty list when all are right. An IPv4 UDP checksum of 0 means
 * "none" and passes; a fragment's transport checksum is not checked.
 *
 * For NAT tests: whatever a translation rewrote, the result must verify.
 *
 * @example
 * ```ts
 * expect(checksumProblems(engine.process(packet, 1).outBytes!)).toEqual([]);
 * ```
 */
export function checksumProblems(datagram: Uint8Array, offset = 0, length = datagram.length - offset): string[] {
  return problemsAt(datagram, offset, length, "");
}

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
  if (available - header < length) return problems;
  const name = protocol === TCP ? "tcp" : protocol === UDP ? "udp" : protocol === ICMP ? "icmp" : protocol === ICMPV6 ? "icmpv6" : null;
  if (name === null) return problems;
  const noUdpChecksum = protocol === UDP && version === 4 && b[l4 + 6] === 0 && b[l4 + 7] === 0;
  const pseudo = protocol === ICMP ? 0 : pseudoHeaderSum(src, dst, protocol, length);
  if (!noUdpChecksum && !checksumValid(b, l4, length, pseudo)) problems.push(`${prefix}${name}`);
  const type = b[l4]!;
  const isError = protocol === ICMP ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : protocol === ICMPV6 && type < 128;
  if (isError && prefix === "" && length > 8) problems.push(...problemsAt(b, l4 + 8, length - 8, "quoted "));
  return problems;
}
