import { setIcmpv6Checksum, writeU16 } from "./checksum.js";
import { ETH_HEADER, ETHERTYPE_IPV6, newFrame } from "./ethernet.js";
import { readIpv6, writeWords } from "./prefix.js";

/** ICMPv6 types of neighbour discovery (RFC 4861). */
export const ND_NEIGHBOR_SOLICIT = 135;
export const ND_NEIGHBOR_ADVERT = 136;
const OPT_SOURCE_LL = 1;
const OPT_TARGET_LL = 2;
/** Router, Solicited, Override flags of an advertisement. */
const NA_ROUTER = 0x80;
const NA_SOLICITED = 0x40;
const NA_OVERRIDE = 0x20;

/**
 * Finds the link-layer address option of `kind` in the ND message at
 * `icmp` (options start at `icmp + 24`), or null.
 */
export function ndLinkOption(bytes: Uint8Array, icmp: number, end: number, kind: number): Uint8Array | null {
  let o = icmp + 24;
  while (o + 8 <= end) {
    const len = (bytes[o + 1] ?? 0) * 8;
    if (len === 0) return null;
    if (bytes[o] === kind && len >= 8) return bytes.subarray(o + 2, o + 8);
    o += len;
  }
  return null;
}

export function sourceLinkOption(bytes: Uint8Array, icmp: number, end: number): Uint8Array | null {
  return ndLinkOption(bytes, icmp, end, OPT_SOURCE_LL);
}

export function targetLinkOption(bytes: Uint8Array, icmp: number, end: number): Uint8Array | null {
  return ndLinkOption(bytes, icmp, end, OPT_TARGET_LL);
}

/** Reads the target address of an NS or NA into `out`. */
export function ndTarget(bytes: Uint8Array, icmp: number, out: Uint32Array): Uint32Array {
  return readIpv6(bytes, icmp + 8, out);
}

/** An IPv6 header for a link-local ND message (hop limit 255, as RFC 4861 requires). */
function ndFrame(dstMac: Uint8Array, srcMac: Uint8Array, src: Uint32Array, dst: Uint32Array, icmpLength: number): Uint8Array {
  const frame = newFrame(dstMac, srcMac, ETHERTYPE_IPV6, 40 + icmpLength);
  const ip = ETH_HEADER;
  frame[ip] = 0x60;
  writeU16(frame, ip + 4, icmpLength);
  frame[ip + 6] = 58;
  frame[ip + 7] = 255;
  writeWords(frame, ip + 8, src);
  writeWords(frame, ip + 24, dst);
  return frame;
}

/** A solicited advertisement of `target` (one of ours) answering `dst` at `dstMac`. */
export function buildNeighborAdvert(srcMac: Uint8Array, target: Uint32Array, dstMac: Uint8Array, dst: Uint32Array): Uint8Array {
  const frame = ndFrame(dstMac, srcMac, target, dst, 32);
  const icmp = ETH_HEADER + 40;
  frame[icmp] = ND_NEIGHBOR_ADVERT;
  frame[icmp + 4] = NA_ROUTER | NA_SOLICITED | NA_OVERRIDE;
  writeWords(frame, icmp + 8, target);
  frame[icmp + 24] = OPT_TARGET_LL;
  frame[icmp + 25] = 1;
  frame.set(srcMac, icmp + 26);
  setIcmpv6Checksum(frame, ETH_HEADER, icmp, 32);
  return frame;
}

/** A multicast solicitation for `target`, to its solicited-node group, from `src` (one of ours). */
export function buildNeighborSolicit(srcMac: Uint8Array, src: Uint32Array, target: Uint32Array): Uint8Array {
  // ff02::1:ffXX:XXXX and its MAC 33:33:ff:XX:XX:XX (RFC 4291 2.7.1, RFC 2464 7).
  const low = target[3]! & 0xffffff;
  const group = new Uint32Array([0xff020000, 0, 1, (0xff000000 | low) >>> 0]);
  const mac = new Uint8Array([0x33, 0x33, 0xff, (low >>> 16) & 255, (low >>> 8) & 255, low & 255]);
  const frame = ndFrame(mac, srcMac, src, group, 32);
  const icmp = ETH_HEADER + 40;
  frame[icmp] = ND_NEIGHBOR_SOLICIT;
  writeWords(frame, icmp + 8, target);
  frame[icmp + 24] = OPT_SOURCE_LL;
  frame[icmp + 25] = 1;
  frame.set(srcMac, icmp + 26);
  setIcmpv6Checksum(frame, ETH_HEADER, icmp, 32);
  return frame;
}
