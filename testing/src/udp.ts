import { toBytes, writeU16, type PayloadInput } from "./bytes.js";
import { internetChecksum, pseudoHeaderSum } from "./checksum.js";
import { ipEnds, wrapIp, type IpLayerOptions } from "./ip.js";

const UDP = 17;
const UDPLITE = 136;

/** A UDP datagram inside an IP datagram. */
export interface UdpPacketOptions extends IpLayerOptions {
  readonly sport: number;
  readonly dport: number;
  readonly payload?: PayloadInput;
  /**
   * Store this checksum instead of the right one. `0` means "no checksum",
   * which IPv4 allows and IPv6 does not.
   */
  readonly checksum?: number;
  /**
   * Length field, written as given (a malformed datagram); the checksum's
   * pseudo-header uses it too, as RFC 768 says. Default: the real length.
   */
  readonly length?: number;
}

/** A UDP-Lite datagram (RFC 3828) inside an IP datagram. */
export interface UdpLitePacketOptions extends IpLayerOptions {
  readonly sport: number;
  readonly dport: number;
  readonly payload?: PayloadInput;
  /**
   * Checksum coverage: how many bytes from the start of the header the
   * checksum covers; 0 (the default) means the whole datagram. Written as
   * given; a coverage outside 8..length makes the checksum cover everything.
   */
  readonly coverage?: number;
  /** Store this checksum instead of the right one. `0` means "none", which UDP-Lite forbids. */
  readonly checksum?: number;
}

/**
 * The 8-byte header of UDP or UDP-Lite and the payload, checksummed over
 * `covered` bytes with a pseudo-header of `pseudoLength`.
 */
function segment(o: IpLayerOptions & { sport: number; dport: number; payload?: PayloadInput; checksum?: number }, protocol: number, field4: (length: number) => number, covered: (length: number) => number, pseudoLength: (length: number) => number): Uint8Array {
  const ends = ipEnds(o);
  const payload = toBytes(o.payload);
  const seg = new Uint8Array(8 + payload.length);
  writeU16(seg, 0, o.sport);
  writeU16(seg, 2, o.dport);
  writeU16(seg, 4, field4(seg.length));
  seg.set(payload, 8);
  let sum = o.checksum ?? internetChecksum(seg, 0, covered(seg.length), pseudoHeaderSum(ends.src.bytes, ends.dst.bytes, protocol, pseudoLength(seg.length)));
  // A computed 0 is sent as 0xffff: 0 on the wire means "no checksum" (RFC 768, RFC 3828 §3.1).
  if (o.checksum === undefined && sum === 0) sum = 0xffff;
  writeU16(seg, 6, sum);
  return wrapIp(o, ends, protocol, seg);
}

/** Builds an IPv4 or IPv6 datagram carrying one UDP datagram with a correct checksum. */
export function udp(o: UdpPacketOptions): Uint8Array {
  const field = (n: number) => o.length ?? n;
  return segment(o, UDP, field, (n) => n, field);
}

/**
 * Builds an IPv4 or IPv6 datagram carrying one UDP-Lite datagram, its
 * checksum over the covered bytes (the pseudo-header counts the whole
 * length, RFC 3828 §3.1).
 */
export function udplite(o: UdpLitePacketOptions): Uint8Array {
  const coverage = o.coverage ?? 0;
  return segment(o, UDPLITE, () => coverage, (n) => (coverage >= 8 && coverage <= n ? coverage : n), (n) => n);
}
