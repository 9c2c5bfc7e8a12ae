import { crc32c } from "@alg-sdk/core";
import { toBytes, writeU16, writeU32, type PayloadInput } from "./bytes.js";
import { ipEnds, wrapIp, type IpLayerOptions } from "./ip.js";

const SCTP = 132;

/** SCTP chunk types (RFC 9260 3.2), for {@link SctpChunk.type}. */
export const SctpChunkType = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  SHUTDOWN_COMPLETE: 14,
} as const;

/** One chunk of an {@link sctp} packet. */
export interface SctpChunk {
  readonly type: number;
  /** Chunk flags (the T bit of ABORT and SHUTDOWN COMPLETE is 1). Default 0. */
  readonly flags?: number;
  /** The bytes after the 4-byte chunk header; padded to a multiple of 4 on the wire. */
  readonly body?: PayloadInput;
  /** Store this length instead of the right one (4 + body). */
  readonly length?: number;
}

/** An SCTP packet inside an IP datagram. */
export interface SctpPacketOptions extends IpLayerOptions {
  readonly sport: number;
  readonly dport: number;
  /** Verification tag. */
  readonly vtag: number;
  readonly chunks: readonly SctpChunk[];
  /** Store this checksum (as sent, least significant byte first) instead of the right CRC-32C. */
  readonly checksum?: number;
}

/** Builds an IPv4 or IPv6 datagram carrying one SCTP packet with a correct CRC-32C. */
export function sctp(o: SctpPacketOptions): Uint8Array {
  const ends = ipEnds(o);
  const bodies = o.chunks.map((c) => toBytes(c.body));
  const size = bodies.reduce((n, b) => n + 4 + ((b.length + 3) & ~3), 12);
  const seg = new Uint8Array(size);
  writeU16(seg, 0, o.sport);
  writeU16(seg, 2, o.dport);
  writeU32(seg, 4, o.vtag >>> 0);
  let at = 12;
  o.chunks.forEach((c, i) => {
    const body = bodies[i]!;
    seg[at] = c.type;
    seg[at + 1] = c.flags ?? 0;
    writeU16(seg, at + 2, c.length ?? 4 + body.length);
    seg.set(body, at + 4);
    at += 4 + ((body.length + 3) & ~3);
  });
  const sum = o.checksum ?? crc32c(seg, 0, seg.length, 8);
  seg[8] = sum & 0xff;
  seg[9] = (sum >>> 8) & 0xff;
  seg[10] = (sum >>> 16) & 0xff;
  seg[11] = sum >>> 24;
  return wrapIp(o, ends, SCTP, seg);
}

/** The 16 fixed bytes of an INIT or INIT ACK body: initiate tag, receiver window, stream counts, initial TSN. */
export function sctpInitBody(initiateTag: number, o: { readonly window?: number; readonly streams?: number; readonly tsn?: number } = {}): Uint8Array {
  const b = new Uint8Array(16);
  writeU32(b, 0, initiateTag >>> 0);
  writeU32(b, 4, o.window ?? 65535);
  writeU16(b, 8, o.streams ?? 1);
  writeU16(b, 10, o.streams ?? 1);
  writeU32(b, 12, o.tsn ?? 1);
  return b;
}
