import { toBytes, writeU16, writeU32, type PayloadInput } from "./bytes.js";
import { internetChecksum, pseudoHeaderSum } from "./checksum.js";
import { ipEnds, wrapIp, type IpLayerOptions } from "./ip.js";

const ICMP = 1;
const ICMPV6 = 58;

/** An ICMP or ICMPv6 message inside an IP datagram. */
export interface IcmpPacketOptions extends IpLayerOptions {
  readonly type: number;
  /** Default 0. */
  readonly code?: number;
  /** Echo / query identifier, written in bytes 4..5 (ignored when `rest` is given). */
  readonly id?: number;
  /** Echo / query sequence number, written in bytes 6..7 (ignored when `rest` is given). */
  readonly seq?: number;
  /** Bytes 4..7 of the header as one 32-bit value (e.g. the next-hop MTU of "fragmentation needed"). */
  readonly rest?: number;
  /** The body after the 8-byte header: echo data, or the quoted datagram of an error. */
  readonly payload?: PayloadInput;
  /** Store this checksum instead of the right one. */
  readonly checksum?: number;
}

function message(o: IcmpPacketOptions): Uint8Array {
  const body = toBytes(o.payload);
  const m = new Uint8Array(8 + body.length);
  m[0] = o.type;
  m[1] = o.code ?? 0;
  if (o.rest !== undefined) writeU32(m, 4, o.rest >>> 0);
  else {
    writeU16(m, 4, o.id ?? 0);
    writeU16(m, 6, o.seq ?? 0);
  }
  m.set(body, 8);
  return m;
}

/**
 * Builds an IPv4 datagram carrying an ICMP message with a correct checksum.
 * For an error, pass the offending datagram (or its start) as `payload`.
 *
 * @example
 * ```ts
 * const ping = icmp({ src: "10.0.1.2", dst: "10.0.2.2", type: 8, id: 7, seq: 1 });
 * const unreachable = icmp({ src: "10.0.2.2", dst: "10.0.1.2", type: 3, code: 3, payload: probe.subarray(0, 28) });
 * ```
 */
export function icmp(o: IcmpPacketOptions): Uint8Array {
  const ends = ipEnds(o);
  if (ends.src.family !== 4) throw new TypeError("icmp() needs IPv4 addresses; use icmpv6()");
  const m = message(o);
  writeU16(m, 2, o.checksum ?? internetChecksum(m));
  return wrapIp(o, ends, ICMP, m);
}

/** Builds an IPv6 datagram carrying an ICMPv6 message, checksummed over the pseudo-header. */
export function icmpv6(o: IcmpPacketOptions): Uint8Array {
  const ends = ipEnds(o);
  if (ends.src.family !== 6) throw new TypeError("icmpv6() needs IPv6 addresses; use icmp()");
  const m = message(o);
  writeU16(m, 2, o.checksum ?? internetChecksum(m, 0, m.length, pseudoHeaderSum(ends.src.bytes, ends.dst.bytes, ICMPV6, m.length)));
  return wrapIp(o, ends, ICMPV6, m);
}
