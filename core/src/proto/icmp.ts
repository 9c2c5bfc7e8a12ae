import { IpProto, Reason } from "../constants.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ProtoTracker } from "./tracker.js";
import { TRACK_OK } from "./tracker.js";
import { D_EXPIRES } from "../table/layout.js";

/**
 * ICMP and ICMPv6 queries (nf_conntrack_proto_icmp.c, _icmpv6.c): a request
 * and its reply form one connection keyed by identifier, type and code. Only
 * a request may create one, so a reply without its request is INVALID.
 * Errors never reach this tracker: the engine classifies them first.
 */

/** Reply type of each ICMPv4 query type that can start a connection, -1 otherwise. */
const V4_REPLY_OF = new Int16Array(256).fill(-1);
V4_REPLY_OF[8] = 0; // echo
V4_REPLY_OF[13] = 14; // timestamp
V4_REPLY_OF[15] = 16; // information
V4_REPLY_OF[17] = 18; // address mask

/** Request type of each reply type: the tuple of a reply inverts to its request. */
const V4_INVERSE = new Int16Array(256).fill(-1);
for (let t = 0; t < 256; t++) {
  const r = V4_REPLY_OF[t]!;
  if (r >= 0) {
    V4_INVERSE[t] = r;
    V4_INVERSE[r] = t;
  }
}

const V6_REPLY_OF = new Int16Array(256).fill(-1);
V6_REPLY_OF[128] = 129; // echo
V6_REPLY_OF[139] = 140; // node information
const V6_INVERSE = new Int16Array(256).fill(-1);
for (let t = 0; t < 256; t++) {
  const r = V6_REPLY_OF[t]!;
  if (r >= 0) {
    V6_INVERSE[t] = r;
    V6_INVERSE[r] = t;
  }
}

/** ICMPv4 types that are errors quoting another datagram. */
export function isIcmpError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/** ICMPv6 errors: every type below 128 (the informational bit clear). */
export function isIcmpv6Error(type: number): boolean {
  return type < 128;
}

/** ICMPv6 neighbour discovery and MLD: never tracked (nf_conntrack_proto_icmpv6.c). */
export function isIcmpv6Untracked(type: number): boolean {
  return (type >= 130 && type <= 137) || type === 143;
}

/**
 * The type of the other direction's tuple for a query or reply type, or -1
 * when the type has no inverse (Linux cannot track it: INVALID).
 */
export function icmpInverseType(protocol: number, type: number): number {
  return protocol === IpProto.ICMPV6 ? V6_INVERSE[type]! : V4_INVERSE[type]!;
}

function canCreate(p: ParsedPacket): number {
  const starts = p.protocol === IpProto.ICMPV6 ? V6_REPLY_OF[p.icmpType]! : V4_REPLY_OF[p.icmpType]!;
  if (starts >= 0) return Reason.NONE;
  return icmpInverseType(p.protocol, p.icmpType) >= 0 ? Reason.ICMP_REPLY_WITHOUT_REQUEST : Reason.ICMP_UNKNOWN_TYPE;
}

export const icmpTracker: ProtoTracker = {
  canCreate,
  init() {},
  packet(t, s, _dir, p, cfg) {
    t.f64[(s << 4) + D_EXPIRES] = p.time[0]! + (p.protocol === IpProto.ICMPV6 ? cfg.timeouts.icmpv6 : cfg.timeouts.icmp);
    return TRACK_OK;
  },
  stateName() {
    return "";
  },
};
