// Builds and reads the Ethernet frames the gateway tests send and expect,
// written from the RFCs independently of the gateway's own builders so a
// shared mistake cannot hide. The IP datagrams inside come from the test kit
// (@alg-sdk/testing); here are only the link layer's own messages.
import { addressBytes, concatBytes, icmpv6 } from "@alg-sdk/testing";

export function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(":").map((h) => parseInt(h, 16)));
}

function put16(b: Uint8Array, o: number, v: number) {
  b[o] = v >>> 8;
  b[o + 1] = v & 255;
}
const addrBytes = (text: string): Uint8Array => addressBytes(text).bytes;

export function ethernet(dst: string, src: string, type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(Math.max(60, 14 + payload.length));
  f.set(mac(dst), 0);
  f.set(mac(src), 6);
  put16(f, 12, type);
  f.set(payload, 14);
  return f;
}

export function arpRequest(srcMac: string, srcIp: string, targetIp: string): Uint8Array {
  const a = new Uint8Array(28);
  put16(a, 0, 1);
  put16(a, 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  put16(a, 6, 1);
  a.set(mac(srcMac), 8);
  a.set(addrBytes(srcIp), 14);
  a.set(addrBytes(targetIp), 24);
  return ethernet("ff:ff:ff:ff:ff:ff", srcMac, 0x0806, a);
}

export function arpReply(srcMac: string, srcIp: string, dstMac: string, dstIp: string): Uint8Array {
  const a = new Uint8Array(28);
  put16(a, 0, 1);
  put16(a, 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  put16(a, 6, 2);
  a.set(mac(srcMac), 8);
  a.set(addrBytes(srcIp), 14);
  a.set(mac(dstMac), 18);
  a.set(addrBytes(dstIp), 24);
  return ethernet(dstMac, srcMac, 0x0806, a);
}

/**
 * A neighbour solicitation (RFC 4861 §4.3) for `target` from `srcMac`, with
 * the source link-layer address option, hop limit 255 as ND requires.
 */
export function neighborSolicit(src: string, dst: string, target: string, srcMac: string): Uint8Array {
  return icmpv6({ src, dst, ttl: 255, type: 135, payload: concatBytes(addrBytes(target), Uint8Array.of(1, 1), mac(srcMac)) });
}

/** A solicited, override neighbour advertisement (RFC 4861 §4.4) of `target` at `targetMac`. */
export function neighborAdvert(src: string, dst: string, target: string, targetMac: string): Uint8Array {
  // Flags S (solicited) and O (override) in the first byte after the checksum.
  return icmpv6({ src, dst, ttl: 255, type: 136, rest: 0x60000000, payload: concatBytes(addrBytes(target), Uint8Array.of(2, 1), mac(targetMac)) });
}

export function formatMacAt(f: Uint8Array, o: number): string {
  return Array.from(f.subarray(o, o + 6), (b) => b.toString(16).padStart(2, "0")).join(":");
}
export function ipv4At(f: Uint8Array, o: number): string {
  return Array.from(f.subarray(o, o + 4)).join(".");
}
export function u16(f: Uint8Array, o: number): number {
  return (f[o]! << 8) | f[o + 1]!;
}
