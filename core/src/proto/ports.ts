import { ReasonCode } from "../constants.js";
import { addDeltas, addressDelta, applyDelta, halfDelta } from "../nat/checksum.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ProtocolTracker, TupleKeys } from "./tracker.js";

/**
 * What every protocol whose tuple keys are its first two 16-bit fields (the
 * source and destination ports) shares: TCP, UDP, UDP-Lite.
 */

/** Reads the two ports of a quoted header: 4 bytes are enough (RFC 792 guarantees 8). */
export function decodeQuotedPorts(p: ParsedPacket, end: number): number {
  const o = p.l4Offset;
  if (o + 4 > end) return ReasonCode.ICMP_ERROR_TOO_SHORT;
  const b = p.bytes;
  p.sport = (b[o]! << 8) | b[o + 1]!;
  p.dport = (b[o + 2]! << 8) | b[o + 3]!;
  p.hasPorts = true;
  return ReasonCode.NONE;
}

/** The reply tuple of a ported protocol: the ports swapped. */
export function invertPorts(p: ParsedPacket): number {
  p.replySport = p.dport;
  p.replyDport = p.sport;
  return ReasonCode.NONE;
}

/** Printable ports. */
export function portKeys(sport: number, dport: number): TupleKeys {
  return { srcPort: sport, dstPort: dport };
}

/** The inverse tuple's ports: swapped. */
export function invertPortKeys(sport: number, dport: number, out: Uint16Array): number {
  out[0] = dport;
  out[1] = sport;
  return ReasonCode.NONE;
}

/** How a ported protocol's checksum takes a NAT rewrite. */
export const PortChecksum = {
  /** TCP: at offset 16, updated only when the whole 20-byte header is there (a quote may hold 8). */
  TCP: 0,
  /** UDP: at offset 6; 0 (no checksum) stays 0, and a computed 0 is sent as 0xffff. */
  UDP: 1,
  /** UDP-Lite: at offset 6, always updated; a computed 0 is sent as 0xffff. */
  UDPLITE: 2,
} as const;

/**
 * The NAT rewrite of a ported protocol (Linux's `tcp_manip_pkt`,
 * `udp_manip_pkt`, `udplite_manip_pkt`): the port of the manipulated side,
 * and the checksum updated for the pseudo-header address and the port.
 * Linux makes two updates (`inet_proto_csum_replace4`, then `_replace2`);
 * one's-complement sums do not care where the fold happens, so their
 * deltas are added and applied once.
 */
export function natRewritePorts(
  kind: number,
  b: Uint8Array,
  l4: number,
  end: number,
  side: 0 | 1,
  sport: number,
  dport: number,
  oldAddrAt: number,
  newAddr: ArrayLike<number>,
  words: number,
): boolean {
  // Conntrack guarantees 8 bytes of transport header (the ports and, for UDP, the checksum).
  if (l4 + 8 > end) return false;
  const portAt = l4 + (side === 0 ? 0 : 2);
  const newPort = side === 0 ? sport : dport;
  const delta = addDeltas(addressDelta(b, oldAddrAt, newAddr, words), halfDelta((b[portAt]! << 8) | b[portAt + 1]!, newPort));
  return rewritePortWithDelta(kind, b, l4, end, side, newPort, delta);
}

/**
 * The per-packet part of {@link natRewritePorts}, given the checksum delta
 * of the address and port change (computed from the packet, or once per
 * connection when its binding is decided): the checksum, where this kind
 * of header has one present, and the port written.
 */
export function rewritePortWithDelta(kind: number, b: Uint8Array, l4: number, end: number, side: number, newPort: number, delta: number): boolean {
  if (l4 + 8 > end) return false;
  let sumAt = -1;
  if (kind === PortChecksum.TCP) {
    if (l4 + 20 <= end) sumAt = l4 + 16;
  } else {
    sumAt = l4 + 6;
    if (kind === PortChecksum.UDP && b[sumAt] === 0 && b[sumAt + 1] === 0) sumAt = -1;
  }
  // UDP: 0 on the wire means "no checksum", so a computed 0 goes out as 0xffff (CSUM_MANGLED_0).
  if (sumAt >= 0 && applyDelta(b, sumAt, delta) === 0 && kind !== PortChecksum.TCP) {
    b[sumAt] = 0xff;
    b[sumAt + 1] = 0xff;
  }
  const portAt = l4 + (side === 0 ? 0 : 2);
  b[portAt] = newPort >>> 8;
  b[portAt + 1] = newPort & 0xff;
  return true;
}

type NatRewrite = NonNullable<ProtocolTracker["natRewrite"]>;
/** The rewrites made by {@link portRewrite}, with their kind. */
const portRewrites = new WeakMap<NatRewrite, number>();

/** A tracker's `natRewrite` for ported headers of kind `kind` (a `PortChecksum`). */
export function portRewrite(kind: number): NatRewrite {
  const rewrite: NatRewrite = (b, l4, end, side, sport, dport, oldAt, addr, words) => natRewritePorts(kind, b, l4, end, side, sport, dport, oldAt, addr, words);
  portRewrites.set(rewrite, kind);
  return rewrite;
}

/**
 * The `PortChecksum` kind of a tracker's `natRewrite` when it is a port
 * rewrite (its checksum delta can then be computed once per connection
 * and applied with {@link rewritePortWithDelta}), else -1.
 */
export function portRewriteKind(rewrite: ProtocolTracker["natRewrite"]): number {
  return rewrite === undefined ? -1 : (portRewrites.get(rewrite) ?? -1);
}
