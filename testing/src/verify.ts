import { readU16 } from "./bytes.js";
import { checksumValid, pseudoHeaderSum } from "./checksum.js";
import { walkIpv6Headers } from "./ipv6-extensions.js";

const TCP = 6;
const UDP = 17;
const UDPLITE = 136;
const ICMP = 1;
const ICMPV6 = 58;
const FRAGMENT = 44;

/**
 * Every checksum of an IP datagram that does not verify: "ip", "tcp",
 * "udp", "udplite", "icmp", "icmpv6", and for an ICMP error the datagram it quotes
 * ("quoted ip", "quoted tcp", …; a quote cut short is checked as far as it
 * goes). An empty list when all are right. An IPv4 UDP checksum of 0 means
 * "none" and passes; a fragment's transport checksum is not checked. IPv6
 * extension headers are walked to the transport header; the pseudo-header
 * uses the destination as written (not a routing header's final one).
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
    if (available < 40) return problems;
    let fragmented = false;
    const chain = walkIpv6Headers(b, start, start + available, (next, at) => {
      // Offset or MF set: a real fragment, whose transport header may be elsewhere.
      fragmented = next === FRAGMENT && (readU16(b, at + 2) & 0xfff9) !== 0;
      return !fragmented;
    });
    if (fragmented) return problems;
    header = chain.end - start;
    protocol = chain.protocol;
    length = 40 + readU16(b, start + 4) - header;
    src = b.subarray(start + 8, start + 24);
    dst = b.subarray(start + 24, start + 40);
  } else {
    return [`${prefix}not ip`];
  }
  const l4 = start + header;
  if (available - header < length) return problems;
  const name = protocol === TCP ? "tcp" : protocol === UDP ? "udp" : protocol === UDPLITE ? "udplite" : protocol === ICMP ? "icmp" : protocol === ICMPV6 ? "icmpv6" : null;
  if (name === null) return problems;
  const noUdpChecksum = protocol === UDP && version === 4 && b[l4 + 6] === 0 && b[l4 + 7] === 0;
  const pseudo = protocol === ICMP ? 0 : pseudoHeaderSum(src, dst, protocol, length);
  // UDP-Lite covers the bytes its coverage field names (0: all of them), RFC 3828 §3.1; an impossible coverage cannot verify.
  const coverage = protocol === UDPLITE && length >= 8 ? readU16(b, l4 + 4) : 0;
  const covered = coverage === 0 ? length : coverage >= 8 && coverage <= length ? coverage : -1;
  if (!noUdpChecksum && (covered < 0 || !checksumValid(b, l4, covered, pseudo))) problems.push(`${prefix}${name}`);
  const type = b[l4]!;
  const isError = protocol === ICMP ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : protocol === ICMPV6 && type < 128;
  if (isError && prefix === "" && length > 8) problems.push(...problemsAt(b, l4 + 8, length - 8, "quoted "));
  return problems;
}
