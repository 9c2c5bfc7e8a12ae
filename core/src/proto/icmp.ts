import { IpProto, ReasonCode } from "../constants.js";
import { recomputePlain, recomputePseudo, replaceAddress, replaceHalf } from "../nat/checksum.js";
import { plainChecksumOk, pseudoChecksumOk } from "../packet/checksum.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import { type ProtocolTracker, PacketKindCode, TrackResult } from "./tracker.js";

/**
 * ICMP and ICMPv6 (nf_conntrack_proto_icmp.c, nf_conntrack_proto_icmpv6.c).
 * Queries: a request and its reply form one connection keyed by identifier,
 * type and code (`sport` is the identifier, `dport` is `type << 8 | code`);
 * only a request may create one, so a reply without its request is INVALID.
 * Errors quote another datagram: classified RELATE, the relation hooks
 * place them. ICMPv6 neighbour discovery and MLD are never tracked.
 */

/** Reply type of each query type that can start a connection, -1 otherwise. */
const V4_REPLY_OF = new Int16Array(256).fill(-1);
V4_REPLY_OF[8] = 0; // echo
V4_REPLY_OF[13] = 14; // timestamp
V4_REPLY_OF[15] = 16; // information
V4_REPLY_OF[17] = 18; // address mask
const V6_REPLY_OF = new Int16Array(256).fill(-1);
V6_REPLY_OF[128] = 129; // echo
V6_REPLY_OF[139] = 140; // node information

/** The type of the other direction's tuple, for requests and replies alike (Linux's `invmap`). */
function inverseTable(replyOf: Int16Array): Int16Array {
  const inv = new Int16Array(256).fill(-1);
  for (let t = 0; t < 256; t++) {
    const r = replyOf[t]!;
    if (r >= 0) {
      inv[t] = r;
      inv[r] = t;
    }
  }
  return inv;
}
const V4_INVERSE = inverseTable(V4_REPLY_OF);
const V6_INVERSE = inverseTable(V6_REPLY_OF);

/** ICMPv4 queries and their replies: echo, timestamp, information, address mask. */
function isV4Query(type: number): boolean {
  return type === 0 || type === 8 || (type >= 13 && type <= 18);
}

/** The highest ICMPv4 type Linux accepts (`NR_ICMP_TYPES`). */
const V4_MAX_TYPE = 18;

/** ICMPv4 types that are errors quoting another datagram (`icmp_is_err`). */
function isV4Error(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/**
 * ICMPv6 types Linux leaves untracked (`noct_valid_new[]` of
 * nf_conntrack_icmpv6_error): MLD query, report and done (130-132), router
 * and neighbour solicitation and advertisement (133-136), MLDv2 report
 * (143), multicast router advertisement and solicitation (151, 152; since
 * Linux 6.9). A redirect (137) is not among them (see {@link redirectKind}).
 */
function isV6Untracked(type: number): boolean {
  return (type >= 130 && type <= 136) || type === 143 || type === 151 || type === 152;
}

/** ICMPv6 redirect (RFC 4861 4.5) and the redirected-header option its quote is in. */
const REDIRECT = 137;
/** Bytes of a redirect before its options: the ICMPv6 header, the target and the destination address. */
const REDIRECT_FIXED = 40;
const OPTION_REDIRECTED_HEADER = 4;
/** Bytes of the redirected-header option before the quoted packet (type, length, 6 reserved). */
const OPTION_HEADER = 8;

/** `ipv6_addr_type(a) & IPV6_ADDR_LINKLOCAL`: fe80::/10, or a multicast address of link-local scope (ff02::/16 and its flags). */
function isLinkLocal(a: Uint32Array): boolean {
  const w = a[0]!;
  return (w & 0xffc00000) >>> 0 === 0xfe800000 || ((w >>> 24 === 0xff) && ((w >>> 16) & 0x0f) === 2);
}

/**
 * What Linux makes of an ICMPv6 redirect (`nf_conntrack_icmpv6_redirect`,
 * Linux 6.2+): RELATED to the connection its redirected-header option
 * quotes, when it is at least 40 bytes long, code 0, sent from a
 * link-local address with hop limit 255, and has options of which the
 * first is that header. Short, from elsewhere, or without options:
 * INVALID. Another code, or another first option: tracked as a query,
 * which a redirect cannot start, so INVALID as well.
 */
function redirectKind(p: ParsedPacket): number {
  const b = p.bytes;
  const o = p.l4Offset;
  if (p.l4Length < REDIRECT_FIXED) return ReasonCode.ICMPV6_BAD_REDIRECT;
  if (b[o + 1] !== 0) return PacketKindCode.TRACK;
  if (p.ttl !== 255 || !isLinkLocal(p.src)) return ReasonCode.ICMPV6_BAD_REDIRECT;
  if (p.l4Length < REDIRECT_FIXED + 2 || b[o + REDIRECT_FIXED + 1] === 0) return ReasonCode.ICMPV6_BAD_REDIRECT;
  if (b[o + REDIRECT_FIXED] !== OPTION_REDIRECTED_HEADER) return PacketKindCode.TRACK;
  return PacketKindCode.RELATE;
}

function decode(p: ParsedPacket): number {
  p.clearTransport();
  const b = p.bytes;
  const o = p.l4Offset;
  if (p.l4Length < 8) return ReasonCode.TRUNCATED;
  p.icmpType = b[o]!;
  p.icmpCode = b[o + 1]!;
  p.sport = (b[o + 4]! << 8) | b[o + 5]!;
  p.dport = (p.icmpType << 8) | p.icmpCode;
  p.payloadOffset = o + 8;
  p.payloadLength = p.l4Length - 8;
  return ReasonCode.NONE;
}

function decodeQuoted(p: ParsedPacket, end: number): number {
  if (p.l4Offset + 8 > end) return ReasonCode.ICMP_ERROR_TOO_SHORT;
  const b = p.bytes;
  const o = p.l4Offset;
  p.icmpType = b[o]!;
  p.icmpCode = b[o + 1]!;
  p.sport = (b[o + 4]! << 8) | b[o + 5]!;
  p.dport = (p.icmpType << 8) | p.icmpCode;
  return ReasonCode.NONE;
}

function makeTracker(v6: boolean): ProtocolTracker {
  const replyOf = v6 ? V6_REPLY_OF : V4_REPLY_OF;
  const inverse = v6 ? V6_INVERSE : V4_INVERSE;
  const isError = v6 ? (type: number) => type < 128 : isV4Error;
  return {
    name: v6 ? "icmpv6" : "icmp",
    protocols: [v6 ? IpProto.ICMPV6 : IpProto.ICMP],
    hasPorts: false,
    minHeaderLength: 8,
    decode,
    decodeQuoted,
    classify(p) {
      const type = p.icmpType;
      // Each family's error handler runs only for its own protocol; the other's messages cannot be tracked (the `state->pf` checks).
      if (p.family !== (v6 ? 6 : 4)) return ReasonCode.ICMP_WRONG_FAMILY;
      if (v6 && isV6Untracked(type)) return PacketKindCode.UNTRACKED;
      if (v6 && type === REDIRECT) return redirectKind(p);
      if (isError(type)) return PacketKindCode.RELATE;
      if (!v6 && type > V4_MAX_TYPE) return ReasonCode.ICMP_UNKNOWN_TYPE;
      return PacketKindCode.TRACK;
    },
    // An error quoting an error, or quoting a message that is no query or reply, relates to nothing.
    quotable: (p) => (isError(p.icmpType) || inverse[p.icmpType]! < 0 ? ReasonCode.ICMP_ERROR_NESTED : ReasonCode.NONE),
    invert(p) {
      const inv = inverse[p.icmpType]!;
      if (inv < 0) return ReasonCode.ICMP_UNKNOWN_TYPE;
      p.replySport = p.sport;
      p.replyDport = (inv << 8) | p.icmpCode;
      return ReasonCode.NONE;
    },
    invertKeys(sport, dport, out) {
      const inv = inverse[dport >> 8]!;
      if (inv < 0) return ReasonCode.ICMP_UNKNOWN_TYPE;
      out[0] = sport;
      out[1] = (inv << 8) | (dport & 255);
      return ReasonCode.NONE;
    },
    natRewrite(b, l4, end, _side, sport, _dport, oldAt, addr, words) {
      if (l4 + 8 > end) return false;
      const type = b[l4]!;
      // ICMPv6's checksum covers the pseudo-header (icmpv6_manip_pkt); ICMPv4's does not.
      if (v6) replaceAddress(b, l4 + 2, oldAt, addr, words);
      // Only queries carry an identifier; an error's bytes 4-7 are left alone (icmp_manip_pkt).
      if (!(v6 ? type === 128 || type === 129 : isV4Query(type))) return true;
      replaceHalf(b, l4 + 2, (b[l4 + 4]! << 8) | b[l4 + 5]!, sport);
      b[l4 + 4] = sport >>> 8;
      b[l4 + 5] = sport & 0xff;
      return true;
    },
    natError: {
      quoteAt: (p) => (v6 && p.icmpType === REDIRECT ? p.l4Offset + REDIRECT_FIXED + OPTION_HEADER : p.l4Offset + 8),
      isRedirect: (p) => p.icmpType === (v6 ? 137 : 5),
      fixChecksum(p) {
        if (v6) recomputePseudo(p.bytes, p.l3Offset, p.l4Offset, p.l3End, p.protocol, p.l4Offset + 2, false);
        else recomputePlain(p.bytes, p.l4Offset, p.l3End, p.l4Offset + 2);
      },
    },
    canCreate(p) {
      if (replyOf[p.icmpType]! >= 0) return ReasonCode.NONE;
      return inverse[p.icmpType]! >= 0 ? ReasonCode.ICMP_REPLY_WITHOUT_REQUEST : ReasonCode.ICMP_UNKNOWN_TYPE;
    },
    init() {},
    packet(t, s, _dir, p, cfg) {
      t.setExpires(s, p.time[0]! + (v6 ? cfg.timeouts.icmpv6 : cfg.timeouts.icmp));
      return TrackResult.OK;
    },
    canEarlyDrop: () => false,
    stateName: () => "",
    keys: (sport, dport) => ({ srcPort: 0, dstPort: 0, icmp: { type: dport >> 8, code: dport & 255, id: sport } }),
    checksumOk: (p) => (v6 ? pseudoChecksumOk(p, p.l3End) : plainChecksumOk(p.bytes, p.l4Offset, p.l3End)),
  };
}

/** ICMP (protocol 1). */
export const icmpTracker: ProtocolTracker = makeTracker(false);
/** ICMPv6 (protocol 58). */
export const icmpv6Tracker: ProtocolTracker = makeTracker(true);
