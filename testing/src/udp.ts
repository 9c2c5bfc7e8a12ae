import { addressBytes, pairFamily } from "./address.js";
import { toBytes, writeU16, type PayloadInput } from "./bytes.js";
import { internetChecksum, pseudoHeaderSum } from "./checksum.js";
import { wrapIp, type IpLayerOptions } from "./ip.js";

const UDP = 17;

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
}

/** Builds an IPv4 or IPv6 datagram carrying one UDP datagram with a correct checksum. */
export function udp(o: UdpPacketOptions): Uint8Array {
  const src = addressBytes(o.src);
  const dst = addressBytes(o.dst);
  pairFamily(src, dst);
  const payload = toBytes(o.payload);
  const seg = new Uint8Array(8 + payload.length);
  writeU16(seg, 0, o.sport);
  writeU16(seg, 2, o.dport);
  writeU16(seg, 4, seg.length);
  seg.set(payload, 8);
  let sum = o.checksum ?? internetChecksum(seg, 0, seg.length, pseudoHeaderSum(src.bytes, dst.bytes, UDP, seg.length));
  // A computed 0 is sent as 0xffff: 0 on the wire means "no checksum" (RFC 768).
  if (o.checksum === undefined && sum === 0) sum = 0xffff;
  writeU16(seg, 6, sum);
  return wrapIp(o, UDP, seg);
}
