import { concatBytes, toBytes, writeU16, writeU32, type PayloadInput } from "./bytes.js";
import { ipEnds, wrapIp, type IpLayerOptions } from "./ip.js";

const GRE = 47;

/** A GRE packet inside an IP datagram. */
export interface GrePacketOptions extends IpLayerOptions {
  /** 0 (RFC 2784/2890) or 1 (enhanced GRE of PPTP, RFC 2637). Default 1. */
  readonly version?: number;
  /** The protocol field. Default: PPP (0x880b) for version 1, IPv4 (0x0800) for version 0. */
  readonly protocol?: number;
  /** Version 1: the call id of the receiving side (the key field's low half). Default 0. */
  readonly callId?: number;
  /** Version 0: the optional key. */
  readonly key?: number;
  /** The optional sequence number. */
  readonly seq?: number;
  /** Version 1: the optional acknowledgement number. */
  readonly ack?: number;
  readonly payload?: PayloadInput;
}

/** Builds an IPv4 or IPv6 datagram carrying one GRE packet. */
export function gre(o: GrePacketOptions): Uint8Array {
  const ends = ipEnds(o);
  const version = o.version ?? 1;
  const payload = toBytes(o.payload);
  const words: number[] = [];
  let flags = version & 7;
  if (version === 1) {
    // K is always set; the key's high half is the payload length, the low half the call id.
    flags |= 0x2000;
    words.push(((payload.length & 0xffff) << 16) | ((o.callId ?? 0) & 0xffff));
    if (o.seq !== undefined) {
      flags |= 0x1000;
      words.push(o.seq);
    }
    if (o.ack !== undefined) {
      flags |= 0x0080;
      words.push(o.ack);
    }
  } else {
    if (o.key !== undefined) {
      flags |= 0x2000;
      words.push(o.key);
    }
    if (o.seq !== undefined) {
      flags |= 0x1000;
      words.push(o.seq);
    }
  }
  const header = new Uint8Array(4 + words.length * 4);
  writeU16(header, 0, flags);
  writeU16(header, 2, o.protocol ?? (version === 1 ? 0x880b : 0x0800));
  words.forEach((w, i) => writeU32(header, 4 + i * 4, w >>> 0));
  return wrapIp(o, ends, GRE, concatBytes(header, payload));
}
