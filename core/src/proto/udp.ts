import type { EngineConfig } from "../config.js";
import { IpProto, ReasonCode, StatusBit } from "../constants.js";
import { recomputePseudo } from "../nat/checksum.js";
import { pseudoChecksumOk } from "../packet/checksum.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { TrackerTable } from "./tracker-table.js";
import { PortChecksum, decodeQuotedPorts, invertPortKeys, invertPorts, portKeys, portRewrite } from "./ports.js";
import { type ProtocolTracker, PacketKindCode, TrackResult } from "./tracker.js";

/** Seconds after its first packet before a replied flow gets the long timeout (Linux: 2 s). */
const STREAM_AFTER = 2;

/**
 * The timer and ASSURED rule UDP and UDP-Lite share (nf_conntrack_udp_packet):
 * after a reply every packet assures the flow, and a stream (UDP-Lite at
 * once, UDP after two seconds) gets the replied timeout. Time is read from
 * the packet, never passed as a float.
 */
function refresh(t: TrackerTable, s: number, p: ParsedPacket, cfg: EngineConfig, streamAtOnce: boolean): void {
  const now = p.time[0]!;
  const status = t.status(s);
  if ((status & StatusBit.SEEN_REPLY) !== 0) {
    const stream = streamAtOnce || now > t.created(s) + STREAM_AFTER;
    t.setExpires(s, now + (stream ? cfg.timeouts.udpReplied : cfg.timeouts.udpUnreplied));
    t.setStatus(s, status | StatusBit.ASSURED);
  } else {
    t.setExpires(s, now + cfg.timeouts.udpUnreplied);
  }
}

/** The 8-byte header: ports, then the length (UDP) or checksum coverage (UDP-Lite, 0 = all). */
function decodeHeader(p: ParsedPacket, lite: boolean): number {
  p.clearTransport();
  const b = p.bytes;
  const o = p.l4Offset;
  const len = p.l4Length;
  if (len < 8) return ReasonCode.TRUNCATED;
  const field = (b[o + 4]! << 8) | b[o + 5]!;
  if (!lite) {
    if (field < 8 || field > len) return ReasonCode.BAD_L4_HEADER;
  } else if (field !== 0 && (field < 8 || field > len)) {
    return ReasonCode.BAD_L4_HEADER;
  }
  p.sport = (b[o]! << 8) | b[o + 1]!;
  p.dport = (b[o + 2]! << 8) | b[o + 3]!;
  p.hasPorts = true;
  p.payloadOffset = o + 8;
  p.payloadLength = (lite ? len : field) - 8;
  return ReasonCode.NONE;
}

function hasChecksum(b: Uint8Array, l4: number): boolean {
  return (b[l4 + 6]! | b[l4 + 7]!) !== 0;
}

function makeTracker(lite: boolean): ProtocolTracker {
  return {
    name: lite ? "udplite" : "udp",
    protocols: [lite ? IpProto.UDPLITE : IpProto.UDP],
    hasPorts: true,
    minHeaderLength: 8,
    decode: (p) => decodeHeader(p, lite),
    decodeQuoted: decodeQuotedPorts,
    classify: () => PacketKindCode.TRACK,
    quotable: () => ReasonCode.NONE,
    invert: invertPorts,
    invertKeys: invertPortKeys,
    natRewrite: portRewrite(lite ? PortChecksum.UDPLITE : PortChecksum.UDP),
    natPayloadChanged: lite
      ? undefined
      : (b, l3, l4, end) => {
          // nf_nat_mangle_udp_packet: the new length, and the checksum when there was one.
          const len = end - l4;
          b[l4 + 4] = len >>> 8;
          b[l4 + 5] = len & 0xff;
          if (b[l4 + 6] === 0 && b[l4 + 7] === 0) return;
          recomputePseudo(b, l3, l4, end, IpProto.UDP, l4 + 6, true);
        },
    // UDP-Lite's checksum is mandatory (udplite_error).
    canCreate: (p) => (!lite || hasChecksum(p.bytes, p.l4Offset) ? ReasonCode.NONE : ReasonCode.BAD_CHECKSUM),
    init() {},
    packet(t, s, _dir, p, cfg) {
      if (lite && !hasChecksum(p.bytes, p.l4Offset)) return ReasonCode.BAD_CHECKSUM;
      refresh(t, s, p, cfg, lite);
      return TrackResult.OK;
    },
    canEarlyDrop: () => false,
    stateName: () => "",
    keys: portKeys,
    checksumOk(p) {
      const b = p.bytes;
      const o = p.l4Offset;
      if (!lite) {
        // An IPv4 UDP checksum of 0 means "none was computed".
        if (p.family === 4 && !hasChecksum(b, o)) return true;
        return pseudoChecksumOk(p, p.l3End);
      }
      const coverage = (b[o + 4]! << 8) | b[o + 5]!;
      return pseudoChecksumOk(p, coverage === 0 ? p.l3End : o + coverage);
    },
  };
}

/** UDP (nf_conntrack_proto_udp.c): unreplied flows get the short timeout, replied streams the long one. */
export const udpTracker: ProtocolTracker = makeTracker(false);

/** UDP-Lite: the checksum is mandatory, and a replied flow is a stream at once. */
export const udpliteTracker: ProtocolTracker = makeTracker(true);
