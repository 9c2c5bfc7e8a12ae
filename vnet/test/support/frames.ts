// The link layer of the gateway tests: Ethernet frames, ARP and IPv6
// neighbour discovery, written from the RFCs independently of the gateway's
// own builders so a shared mistake cannot hide. IP datagrams come from
// @alg-sdk/testing, the repository's one packet builder.
import { addressBytes, checksumProblems, icmpv6, readU16 } from "@alg-sdk/testing";

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;

export function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(":").map((h) => parseInt(h, 16)));
}

function put16(b: Uint8Array, o: number, v: number) {
  b[o] = v >>> 8;
  b[o + 1] = v & 255;
}

/** A frame (padded to Ethernet's 60-byte minimum) carrying `payload`. */
export function ethernet(dst: string, src: string, type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(Math.max(60, 14 + payload.length));
  f.set(mac(dst), 0);
  f.set(mac(src), 6);
  put16(f, 12, type);
  f.set(payload, 14);
  return f;
}

/** An ARP packet for IPv4 over Ethernet (RFC 826); `targetMac` is all zeros in a request. */
function arp(op: 1 | 2, senderMac: string, senderIp: string, targetMac: string, targetIp: string): Uint8Array {
  const a = new Uint8Array(28);
  put16(a, 0, 1);
  put16(a, 2, ETHERTYPE_IPV4);
  a[4] = 6;
  a[5] = 4;
  put16(a, 6, op);
  a.set(mac(senderMac), 8);
  a.set(addressBytes(senderIp).bytes, 14);
  a.set(mac(targetMac), 18);
  a.set(addressBytes(targetIp).bytes, 24);
  return a;
}

export function arpRequest(srcMac: string, srcIp: string, targetIp: string): Uint8Array {
  return ethernet("ff:ff:ff:ff:ff:ff", srcMac, ETHERTYPE_ARP, arp(1, srcMac, srcIp, "00:00:00:00:00:00", targetIp));
}

export function arpReply(srcMac: string, srcIp: string, dstMac: string, dstIp: string): Uint8Array {
  return ethernet(dstMac, srcMac, ETHERTYPE_ARP, arp(2, srcMac, srcIp, dstMac, dstIp));
}

/** Addresses of a neighbour discovery message; hop limit 255, as RFC 4861 requires. */
export interface NdAddresses {
  readonly src: string;
  readonly dst: string;
}

/** The target address and one link-layer address option (type 1: source, 2: target), after the 8-byte ICMPv6 header. */
function ndBody(target: string, option: 1 | 2, linkAddress: string): Uint8Array {
  const b = new Uint8Array(24);
  b.set(addressBytes(target).bytes, 0);
  b[16] = option;
  b[17] = 1;
  b.set(mac(linkAddress), 18);
  return b;
}

/** A neighbour solicitation (RFC 4861 §4.3) for `target`, with the sender's link-layer address. */
export function neighborSolicit(at: NdAddresses, target: string, srcMac: string): Uint8Array {
  return icmpv6({ ...at, ttl: 255, type: 135, rest: 0, payload: ndBody(target, 1, srcMac) });
}

/** A solicited, overriding neighbour advertisement (RFC 4861 §4.4) for `target`, with its link-layer address. */
export function neighborAdvert(at: NdAddresses, target: string, targetMac: string): Uint8Array {
  return icmpv6({ ...at, ttl: 255, type: 136, rest: 0x60000000, payload: ndBody(target, 2, targetMac) });
}

export function formatMacAt(f: Uint8Array, o: number): string {
  return Array.from(f.subarray(o, o + 6), (b) => b.toString(16).padStart(2, "0")).join(":");
}
export function ipv4At(f: Uint8Array, o: number): string {
  return Array.from(f.subarray(o, o + 4)).join(".");
}
/** A 16-bit field of a frame (network byte order). */
export const u16 = readU16;

/**
 * What does not verify in the IP datagram of a frame: the checksums
 * `checksumProblems` checks (IP header, transport, and an ICMP error's
 * quoted datagram), and "truncated" when the frame is shorter than the
 * datagram its header announces.
 */
export function frameChecksumProblems(f: Uint8Array): string[] {
  const total = f[14]! >> 4 === 4 ? u16(f, 16) : 40 + u16(f, 18);
  return [...(f.length < 14 + total ? ["truncated"] : []), ...checksumProblems(f, 14, total)];
}
