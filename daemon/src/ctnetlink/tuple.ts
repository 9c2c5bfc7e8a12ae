import type { MessageBuilder } from "../netlink/builder.js";
import type { Attrs } from "../netlink/reader.js";
import { IpAttr, ProtoAttr, TupleAttr } from "./constants.js";

/**
 * A conntrack tuple as ctnetlink carries it: addresses as bytes (4 or 16),
 * ports in host order. For ICMP, `srcPort` is the identifier and `dstPort`
 * holds type << 8 | code, as the kernel's tuple does.
 */
export interface CtTuple {
  readonly family: 4 | 6;
  readonly protocol: number;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
}

const ICMP = 1;
const ICMPV6 = 58;

/** Writes a CTA_TUPLE_* style nest (ctnetlink_parse_tuple reads it back). */
export function writeTuple(b: MessageBuilder, attr: number, t: CtTuple): void {
  b.nest(attr);
  b.nest(TupleAttr.IP);
  if (t.family === 4) {
    b.bytes(IpAttr.V4_SRC, t.src.subarray(0, 4));
    b.bytes(IpAttr.V4_DST, t.dst.subarray(0, 4));
  } else {
    b.bytes(IpAttr.V6_SRC, t.src.subarray(0, 16));
    b.bytes(IpAttr.V6_DST, t.dst.subarray(0, 16));
  }
  b.end();
  b.nest(TupleAttr.PROTO);
  b.u8(ProtoAttr.NUM, t.protocol);
  if (t.protocol === ICMP || t.protocol === ICMPV6) {
    const v6 = t.protocol === ICMPV6;
    b.be16(v6 ? ProtoAttr.ICMPV6_ID : ProtoAttr.ICMP_ID, t.srcPort);
    b.u8(v6 ? ProtoAttr.ICMPV6_TYPE : ProtoAttr.ICMP_TYPE, (t.dstPort >> 8) & 0xff);
    b.u8(v6 ? ProtoAttr.ICMPV6_CODE : ProtoAttr.ICMP_CODE, t.dstPort & 0xff);
  } else {
    b.be16(ProtoAttr.SRC_PORT, t.srcPort);
    b.be16(ProtoAttr.DST_PORT, t.dstPort);
  }
  b.end();
  b.end();
}

/**
 * Writes an expectation mask (CTA_EXPECT_MASK). ctnetlink_parse_tuple checks
 * the mask like a tuple, so it carries the protocol number and a destination
 * part although only the source fields mean anything (struct
 * nf_conntrack_tuple_mask has only `src`).
 */
export function writeMask(b: MessageBuilder, attr: number, family: 4 | 6, protocol: number, src: Uint8Array, srcPort: number): void {
  const full = new Uint8Array(family === 4 ? 4 : 16).fill(0xff);
  writeTuple(b, attr, { family, protocol, src, dst: full, srcPort, dstPort: 0xffff });
}

/** Reads a tuple nest; null when it is not complete. */
export function readTuple(a: Attrs | null): CtTuple | null {
  if (!a) return null;
  const ip = a.nested(TupleAttr.IP);
  const proto = a.nested(TupleAttr.PROTO);
  if (!ip || !proto) return null;
  const protocol = proto.u8(ProtoAttr.NUM);
  if (protocol === null) return null;
  let family: 4 | 6;
  let src: Uint8Array | null;
  let dst: Uint8Array | null;
  if (ip.has(IpAttr.V4_SRC)) {
    family = 4;
    src = ip.raw(IpAttr.V4_SRC);
    dst = ip.raw(IpAttr.V4_DST);
    if (!src || !dst || src.length !== 4 || dst.length !== 4) return null;
  } else {
    family = 6;
    src = ip.raw(IpAttr.V6_SRC);
    dst = ip.raw(IpAttr.V6_DST);
    if (!src || !dst || src.length !== 16 || dst.length !== 16) return null;
  }
  let srcPort: number;
  let dstPort: number;
  if (protocol === ICMP || protocol === ICMPV6) {
    const v6 = protocol === ICMPV6;
    srcPort = proto.be16(v6 ? ProtoAttr.ICMPV6_ID : ProtoAttr.ICMP_ID) ?? 0;
    dstPort = ((proto.u8(v6 ? ProtoAttr.ICMPV6_TYPE : ProtoAttr.ICMP_TYPE) ?? 0) << 8) | (proto.u8(v6 ? ProtoAttr.ICMPV6_CODE : ProtoAttr.ICMP_CODE) ?? 0);
  } else {
    srcPort = proto.be16(ProtoAttr.SRC_PORT) ?? 0;
    dstPort = proto.be16(ProtoAttr.DST_PORT) ?? 0;
  }
  return { family, protocol, src: src.slice(), dst: dst.slice(), srcPort, dstPort };
}

/** The tuple of the other direction (nf_ct_invert_tuple for ported protocols). */
export function invertTuple(t: CtTuple): CtTuple {
  return { family: t.family, protocol: t.protocol, src: t.dst, dst: t.src, srcPort: t.dstPort, dstPort: t.srcPort };
}

export function tuplesEqual(a: CtTuple, b: CtTuple): boolean {
  if (a.family !== b.family || a.protocol !== b.protocol || a.srcPort !== b.srcPort || a.dstPort !== b.dstPort) return false;
  for (let i = 0; i < a.src.length; i++) if (a.src[i] !== b.src[i] || a.dst[i] !== b.dst[i]) return false;
  return true;
}
