import { finishChecksum, setIcmpv6Checksum, setIpv4HeaderChecksum, sumBytes, writeU16 } from "./checksum.js";
import { writeIpv4, writeWords } from "./prefix.js";

/** TTL / hop limit of datagrams the gateway sends itself (Linux's default). */
const OWN_TTL = 64;
/** ICMPv4 errors quote up to 576 bytes in all (RFC 1812 4.3.2.3). */
const ICMP4_ERROR_MAX = 576;
/** ICMPv6 errors must fit the minimum MTU (RFC 4443 2.4). */
const ICMP6_ERROR_MAX = 1280;

/** The echo reply to the IPv4 echo request `req[ip..ip+len)` (IHL `ihl`), as a new datagram. */
export function ipv4EchoReply(req: Uint8Array, ip: number, len: number, ihl: number): Uint8Array {
  const out = req.slice(ip, ip + len);
  out.copyWithin(12, 16, 20);
  out.set(req.subarray(ip + 12, ip + 16), 16);
  out[8] = OWN_TTL;
  out[ihl] = 0; // echo reply
  out[ihl + 2] = 0;
  out[ihl + 3] = 0;
  writeU16(out, ihl + 2, finishChecksum(sumBytes(out, ihl, len)));
  setIpv4HeaderChecksum(out, 0, ihl);
  return out;
}

/** The echo reply to the ICMPv6 echo request `req[ip..ip+len)` (no extension headers). */
export function ipv6EchoReply(req: Uint8Array, ip: number, len: number, from: Uint32Array): Uint8Array {
  const out = req.slice(ip, ip + len);
  out.set(req.subarray(ip + 8, ip + 24), 24);
  writeWords(out, 8, from);
  out[7] = OWN_TTL;
  out[40] = 129; // echo reply
  setIcmpv6Checksum(out, 0, 40, len - 40);
  return out;
}

let ipId = 1;

/** ICMP time exceeded in transit, from `from`, quoting the datagram `orig[ip..ip+len)`. */
export function ipv4TimeExceeded(orig: Uint8Array, ip: number, len: number, from: number): Uint8Array {
  const quote = Math.min(len, ICMP4_ERROR_MAX - 28);
  const out = new Uint8Array(28 + quote);
  out[0] = 0x45;
  writeU16(out, 2, out.length);
  writeU16(out, 4, ipId);
  ipId = (ipId + 1) & 0xffff;
  out[8] = OWN_TTL;
  out[9] = 1;
  writeIpv4(out, 12, from);
  out.set(orig.subarray(ip + 12, ip + 16), 16);
  setIpv4HeaderChecksum(out, 0, 20);
  out[20] = 11; // time exceeded, code 0: TTL exceeded in transit
  out.set(orig.subarray(ip, ip + quote), 28);
  writeU16(out, 22, finishChecksum(sumBytes(out, 20, out.length)));
  return out;
}

/** ICMPv6 time exceeded (hop limit), from `from`, quoting `orig[ip..ip+len)`. */
export function ipv6TimeExceeded(orig: Uint8Array, ip: number, len: number, from: Uint32Array): Uint8Array {
  const quote = Math.min(len, ICMP6_ERROR_MAX - 48);
  const out = new Uint8Array(48 + quote);
  out[0] = 0x60;
  writeU16(out, 4, 8 + quote);
  out[6] = 58;
  out[7] = OWN_TTL;
  writeWords(out, 8, from);
  out.set(orig.subarray(ip + 8, ip + 24), 24);
  out[40] = 3; // time exceeded, code 0: hop limit exceeded in transit
  out.set(orig.subarray(ip, ip + quote), 48);
  setIcmpv6Checksum(out, 0, 40, 8 + quote);
  return out;
}

/** ICMP destination unreachable, fragmentation needed (RFC 1191), with the next hop's MTU. */
export function ipv4FragmentationNeeded(orig: Uint8Array, ip: number, len: number, from: number, mtu: number): Uint8Array {
  const out = ipv4TimeExceeded(orig, ip, len, from);
  out[20] = 3;
  out[21] = 4;
  writeU16(out, 26, mtu);
  out[22] = 0;
  out[23] = 0;
  writeU16(out, 22, finishChecksum(sumBytes(out, 20, out.length)));
  return out;
}

/** ICMPv6 packet too big (RFC 4443 3.2), with the link's MTU. */
export function ipv6PacketTooBig(orig: Uint8Array, ip: number, len: number, from: Uint32Array, mtu: number): Uint8Array {
  const out = ipv6TimeExceeded(orig, ip, len, from);
  out[40] = 2;
  out[41] = 0;
  writeU16(out, 44, mtu >>> 16);
  writeU16(out, 46, mtu & 0xffff);
  setIcmpv6Checksum(out, 0, 40, out.length - 40);
  return out;
}
