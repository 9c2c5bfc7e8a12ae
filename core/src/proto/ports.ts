import { Reason } from "../constants.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { TupleKeys } from "./tracker.js";

/**
 * What every protocol whose tuple keys are its first two 16-bit fields (the
 * source and destination ports) shares: TCP, UDP, UDP-Lite.
 */

/** Reads the two ports of a quoted header: 4 bytes are enough (RFC 792 guarantees 8). */
export function decodeQuotedPorts(p: ParsedPacket, end: number): number {
  const o = p.l4Offset;
  if (o + 4 > end) return Reason.ICMP_ERROR_TOO_SHORT;
  const b = p.bytes;
  p.sport = (b[o]! << 8) | b[o + 1]!;
  p.dport = (b[o + 2]! << 8) | b[o + 3]!;
  p.hasPorts = true;
  return Reason.NONE;
}

/** The reply tuple of a ported protocol: the ports swapped. */
export function invertPorts(p: ParsedPacket): number {
  p.replySport = p.dport;
  p.replyDport = p.sport;
  return Reason.NONE;
}

/** Printable ports. */
export function portKeys(sport: number, dport: number): TupleKeys {
  return { srcPort: sport, dstPort: dport };
}
