import { toBytes, writeU16, writeU32, type PayloadInput } from "./bytes.js";
import { internetChecksum, pseudoHeaderSum } from "./checksum.js";
import { ipEnds, wrapIp, type IpLayerOptions } from "./ip.js";
import { tcpFlagBits, type TcpFlagsInput } from "./tcp-flags.js";

const TCP = 6;

/** TCP options a SYN usually carries. Omitted ones are not written. */
export interface TcpOptionFields {
  /** Maximum segment size (kind 2). */
  readonly mss?: number;
  /** Window scale shift count, 0..14 (kind 3). */
  readonly wscale?: number;
  /** SACK permitted (kind 4). */
  readonly sackPerm?: boolean;
  /** Timestamps `[tsval, tsecr]` (kind 8). */
  readonly timestamp?: readonly [number, number];
  /** SACK blocks `[leftEdge, rightEdge]` (kind 5), at most 4 (3 beside timestamps). */
  readonly sack?: readonly (readonly [number, number])[];
  /** Raw option bytes written after the others, as given (e.g. a malformed option `[4, 3, 0]`). */
  readonly raw?: PayloadInput;
}

/** A TCP segment inside an IP datagram. */
export interface TcpPacketOptions extends IpLayerOptions {
  readonly sport: number;
  readonly dport: number;
  /** Sequence number. Default 0. */
  readonly seq?: number;
  /** Acknowledgement number. Default 0. */
  readonly ack?: number;
  /** Flags as letters ("S", "SA", "PA") or the raw byte. Default "A". */
  readonly flags?: TcpFlagsInput;
  /** Advertised window (the raw 16-bit field, before scaling). Default 65535. */
  readonly window?: number;
  /** Urgent pointer. Default 0. */
  readonly urgent?: number;
  readonly options?: TcpOptionFields;
  readonly payload?: PayloadInput;
  /** Store this checksum instead of the right one (to test a bad checksum). */
  readonly checksum?: number;
  /** Data offset field in 32-bit words, written as given (a malformed header). Default: the real header length. */
  readonly dataOffset?: number;
}

/** Encodes TCP options, padded with end-of-list bytes to a multiple of 4. */
export function encodeTcpOptions(o: TcpOptionFields | undefined): Uint8Array {
  if (!o) return new Uint8Array(0);
  const out: number[] = [];
  if (o.mss !== undefined) out.push(2, 4, (o.mss >>> 8) & 255, o.mss & 255);
  if (o.sackPerm) out.push(4, 2);
  if (o.timestamp) {
    const [v, e] = o.timestamp;
    out.push(8, 10, v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255, e >>> 24, (e >>> 16) & 255, (e >>> 8) & 255, e & 255);
  }
  if (o.wscale !== undefined) out.push(1, 3, 3, o.wscale & 255); // a NOP keeps it where Linux puts it
  if (o.sack && o.sack.length > 0) {
    out.push(1, 1, 5, 2 + 8 * o.sack.length); // two NOPs align the blocks, as Linux sends them
    for (const [left, right] of o.sack) {
      for (const v of [left >>> 0, right >>> 0]) out.push(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
    }
  }
  if (o.raw !== undefined) out.push(...toBytes(o.raw));
  while (out.length % 4 !== 0) out.push(0);
  if (out.length > 40) throw new RangeError("TCP options longer than 40 bytes");
  return Uint8Array.from(out);
}

/**
 * Builds an IPv4 or IPv6 datagram (chosen by the addresses) carrying one TCP
 * segment with a correct checksum.
 *
 * @example
 * ```ts
 * const syn = tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 21, flags: "S", seq: 100,
 *                   options: { mss: 1460, sackPerm: true, wscale: 7 } });
 * ```
 */
export function tcp(o: TcpPacketOptions): Uint8Array {
  const ends = ipEnds(o);
  const opts = encodeTcpOptions(o.options);
  const payload = toBytes(o.payload);
  const hl = 20 + opts.length;
  const seg = new Uint8Array(hl + payload.length);
  writeU16(seg, 0, o.sport);
  writeU16(seg, 2, o.dport);
  writeU32(seg, 4, (o.seq ?? 0) >>> 0);
  writeU32(seg, 8, (o.ack ?? 0) >>> 0);
  seg[12] = ((o.dataOffset ?? hl / 4) & 0x0f) << 4;
  seg[13] = tcpFlagBits(o.flags ?? "A");
  writeU16(seg, 14, o.window ?? 65535);
  writeU16(seg, 18, o.urgent ?? 0);
  seg.set(opts, 20);
  seg.set(payload, hl);
  const sum = o.checksum ?? internetChecksum(seg, 0, seg.length, pseudoHeaderSum(ends.src.bytes, ends.dst.bytes, TCP, seg.length));
  writeU16(seg, 16, sum);
  return wrapIp(o, ends, TCP, seg);
}
