import { ReasonCode } from "../constants.js";
import { defaultTrackers, type TrackerRegistry } from "../proto/registry.js";
import { Ipv6Walk, walkIpv6Headers, WalkResult } from "./ipv6-headers.js";
import type { ProtocolTracker } from "../proto/tracker.js";
import type { ParsedPacket } from "./parsed-packet.js";

const walk = new Ipv6Walk();

/**
 * Decodes one IP datagram (IPv4 or IPv6) into `out` and returns a
 * {@link Reason}: `Reason.NONE` when the headers are well formed. The IP
 * layer is read here; the transport header by the tracker registered for
 * the protocol. Never throws and never allocates; fragments are decoded up
 * to the fragment header so the defragmenter can take them.
 */
export function decodePacket(
  bytes: Uint8Array,
  offset: number,
  length: number,
  out: ParsedPacket,
  trackers: TrackerRegistry = defaultTrackers,
): number {
  const r = decodeNetwork(bytes, offset, length, out);
  return decodeTransport(r, out, trackers.get(out.protocol));
}

/**
 * The IP layer of {@link decodePacket}: addresses, protocol, lengths and
 * fragmentation. Each successful path writes every network field, so only
 * a rejection resets them (nothing of the previous packet survives it).
 * @internal
 */
export function decodeNetwork(bytes: Uint8Array, offset: number, length: number, out: ParsedPacket): number {
  out.bytes = bytes;
  out.l3Offset = offset;
  let r: number;
  if (length < 1 || offset < 0 || offset + length > bytes.length) {
    out.family = 0;
    r = ReasonCode.TRUNCATED;
  } else {
    const version = bytes[offset]! >> 4;
    if (version === 4) r = decodeIpv4(bytes, offset, length, out);
    else if (version === 6) r = decodeIpv6(bytes, offset, length, out);
    else {
      out.family = 0;
      r = ReasonCode.BAD_VERSION;
    }
  }
  if (r !== ReasonCode.NONE) clearNetwork(out, offset);
  return r;
}

/**
 * The transport layer of {@link decodePacket}, by `tracker` (the one of
 * `out.protocol`), after the network layer answered `reason`. A fragment,
 * even the first one that carries the transport header, is decoded further
 * only once reassembled. The tracker's decoder writes every transport field
 * of its protocol and clears the others.
 * @internal
 */
export function decodeTransport(reason: number, out: ParsedPacket, tracker: ProtocolTracker): number {
  let r = reason;
  if (r === ReasonCode.NONE && !out.fragment) r = tracker.decode(out);
  if (r !== ReasonCode.NONE || out.fragment) out.clearTransport();
  return r;
}

/** The network fields of a rejected datagram (its family stays as its version said). */
function clearNetwork(out: ParsedPacket, offset: number): void {
  out.protocol = 0;
  out.ttl = 0;
  out.l3End = offset;
  out.l4Offset = offset;
  out.l4Length = 0;
  noFragment(out);
}

/** Not a fragment, and no IPv6 fragment header. */
function noFragment(out: ParsedPacket): void {
  out.fragment = false;
  out.fragOffset = 0;
  out.moreFragments = false;
  out.fragHeaderOffset = -1;
  out.prevNextHeaderOffset = -1;
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function decodeIpv4(b: Uint8Array, o: number, length: number, out: ParsedPacket): number {
  out.family = 4;
  if (length < 20) return ReasonCode.TRUNCATED;
  const ihl = (b[o]! & 0x0f) << 2;
  if (ihl < 20) return ReasonCode.BAD_IP_HEADER_LENGTH;
  if (ihl > length) return ReasonCode.TRUNCATED;
  const total = (b[o + 2]! << 8) | b[o + 3]!;
  if (total < ihl) return ReasonCode.BAD_TOTAL_LENGTH;
  if (total > length) return ReasonCode.TRUNCATED;
  if (ihl > 20 && !optionsWellFormed(b, o + 20, o + ihl)) return ReasonCode.BAD_IP_OPTIONS;
  const frag = (b[o + 6]! << 8) | b[o + 7]!;
  out.moreFragments = (frag & 0x2000) !== 0;
  out.fragOffset = (frag & 0x1fff) << 3;
  out.fragment = out.moreFragments || out.fragOffset !== 0;
  out.fragId = (b[o + 4]! << 8) | b[o + 5]!;
  out.ttl = b[o + 8]!;
  out.protocol = b[o + 9]!;
  // Written out rather than through a helper: this runs for every IPv4 packet.
  out.src[0] = ((b[o + 12]! << 24) | (b[o + 13]! << 16) | (b[o + 14]! << 8) | b[o + 15]!) >>> 0;
  out.src[1] = 0;
  out.src[2] = 0;
  out.src[3] = 0;
  out.dst[0] = ((b[o + 16]! << 24) | (b[o + 17]! << 16) | (b[o + 18]! << 8) | b[o + 19]!) >>> 0;
  out.dst[1] = 0;
  out.dst[2] = 0;
  out.dst[3] = 0;
  out.l3End = o + total;
  out.l4Offset = o + ihl;
  out.l4Length = total - ihl;
  out.fragHeaderOffset = -1;
  out.prevNextHeaderOffset = -1;
  return ReasonCode.NONE;
}

/** IPv4 options: END, NOP, or type-length-value with a length that fits. */
function optionsWellFormed(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const type = b[i]!;
    if (type === 0) return true;
    if (type === 1) {
      i++;
      continue;
    }
    if (i + 1 >= end) return false;
    const len = b[i + 1]!;
    if (len < 2 || i + len > end) return false;
    i += len;
  }
  return true;
}

function decodeIpv6(b: Uint8Array, o: number, length: number, out: ParsedPacket): number {
  out.family = 6;
  if (length < 40) return ReasonCode.TRUNCATED;
  const payloadLength = (b[o + 4]! << 8) | b[o + 5]!;
  const total = 40 + payloadLength;
  if (total > length) return ReasonCode.TRUNCATED;
  out.ttl = b[o + 7]!;
  for (let w = 0; w < 4; w++) {
    out.src[w] = readU32(b, o + 8 + w * 4);
    out.dst[w] = readU32(b, o + 24 + w * 4);
  }
  const end = o + total;
  out.l3End = end;
  if (walkIpv6Headers(b, o + 40, end, b[o + 6]!, o + 6, walk) !== WalkResult.WALK_OK) return ReasonCode.BAD_EXTENSION_HEADER;
  if (walk.fragHeader < 0) noFragment(out);
  else {
    out.fragOffset = walk.fragOffset;
    out.moreFragments = walk.moreFragments;
    out.fragId = walk.fragId;
    out.fragHeaderOffset = walk.fragHeader;
    out.prevNextHeaderOffset = walk.fragNamedAt;
    // An atomic fragment (offset 0, no more fragments) is a whole datagram (RFC 6946).
    out.fragment = out.moreFragments || out.fragOffset !== 0;
  }
  out.protocol = walk.next;
  out.l4Offset = walk.offset;
  out.l4Length = end - walk.offset;
  return ReasonCode.NONE;
}
