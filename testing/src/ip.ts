import { addressBytes, pairFamily } from "./address.js";
import { toBytes, writeU16, writeU32, type PayloadInput } from "./bytes.js";
import { internetChecksum } from "./checksum.js";

/** Fields of an IPv4 header; everything but the addresses and protocol has a default. */
export interface Ipv4Options {
  readonly src: string;
  readonly dst: string;
  /** Protocol number of the payload. */
  readonly protocol: number;
  /** The bytes after the header (a transport segment). */
  readonly payload?: PayloadInput;
  /** Default 64. */
  readonly ttl?: number;
  /** Identification. Default 0. */
  readonly id?: number;
  /** Type of service / DSCP+ECN byte. Default 0. */
  readonly tos?: number;
  /** Don't Fragment. Default false. */
  readonly df?: boolean;
  /** More Fragments. Default false. */
  readonly mf?: boolean;
  /** Fragment offset in bytes (a multiple of 8). Default 0. */
  readonly fragOffset?: number;
  /** Store this header checksum instead of the right one (to test a bad checksum). */
  readonly checksum?: number;
}

/** Builds an IPv4 datagram (20-byte header, no options) around `payload`. */
export function ipv4(o: Ipv4Options): Uint8Array {
  const src = addressBytes(o.src);
  const dst = addressBytes(o.dst);
  if (pairFamily(src, dst) !== 4) throw new TypeError("ipv4() needs IPv4 addresses");
  const payload = toBytes(o.payload);
  const total = 20 + payload.length;
  if (total > 0xffff) throw new RangeError(`IPv4 datagram too long: ${total} bytes`);
  const fragOffset = o.fragOffset ?? 0;
  if (fragOffset % 8 !== 0) throw new RangeError("fragOffset must be a multiple of 8");
  const b = new Uint8Array(total);
  b[0] = 0x45;
  b[1] = o.tos ?? 0;
  writeU16(b, 2, total);
  writeU16(b, 4, o.id ?? 0);
  writeU16(b, 6, (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | (fragOffset >>> 3));
  b[8] = o.ttl ?? 64;
  b[9] = o.protocol;
  b.set(src.bytes, 12);
  b.set(dst.bytes, 16);
  writeU16(b, 10, o.checksum ?? internetChecksum(b, 0, 20));
  b.set(payload, 20);
  return b;
}

/** Fields of an IPv6 header. */
export interface Ipv6Options {
  readonly src: string;
  readonly dst: string;
  /** Next header (the payload's protocol number). */
  readonly nextHeader: number;
  readonly payload?: PayloadInput;
  /** Default 64. */
  readonly hopLimit?: number;
  /** Default 0. */
  readonly trafficClass?: number;
  /** 20-bit flow label. Default 0. */
  readonly flowLabel?: number;
}

/** Builds an IPv6 datagram (fixed header, no extension headers) around `payload`. */
export function ipv6(o: Ipv6Options): Uint8Array {
  const src = addressBytes(o.src);
  const dst = addressBytes(o.dst);
  if (pairFamily(src, dst) !== 6) throw new TypeError("ipv6() needs IPv6 addresses");
  const payload = toBytes(o.payload);
  if (payload.length > 0xffff) throw new RangeError("IPv6 payload too long (jumbograms are not supported)");
  const b = new Uint8Array(40 + payload.length);
  writeU32(b, 0, ((6 << 28) | ((o.trafficClass ?? 0) << 20) | ((o.flowLabel ?? 0) & 0xfffff)) >>> 0);
  writeU16(b, 4, payload.length);
  b[6] = o.nextHeader;
  b[7] = o.hopLimit ?? 64;
  b.set(src.bytes, 8);
  b.set(dst.bytes, 24);
  b.set(payload, 40);
  return b;
}

/** What the transport builders accept about the IP layer around them. */
export interface IpLayerOptions {
  readonly src: string;
  readonly dst: string;
  /** TTL (IPv4) or hop limit (IPv6). Default 64. */
  readonly ttl?: number;
  /** IPv4 identification. Default 0. */
  readonly id?: number;
}

/**
 * Wraps a transport segment in the IP header its addresses call for.
 * @internal shared by the transport builders.
 */
export function wrapIp(o: IpLayerOptions, protocol: number, segment: Uint8Array): Uint8Array {
  return addressBytes(o.src).family === 4
    ? ipv4({ src: o.src, dst: o.dst, protocol, payload: segment, ttl: o.ttl ?? 64, id: o.id ?? 0 })
    : ipv6({ src: o.src, dst: o.dst, nextHeader: protocol, payload: segment, hopLimit: o.ttl ?? 64 });
}
