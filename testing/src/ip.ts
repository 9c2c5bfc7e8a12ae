import { addressBytes, pairFamily, type AddressBytes } from "./address.js";
import { toBytes, writeU16, writeU32, type PayloadInput } from "./bytes.js";
import { internetChecksum } from "./checksum.js";
import { checkFragmentOffset, encodeExtensionHeaders, type Ipv6ExtensionHeader } from "./ipv6-extensions.js";

/**
 * Fields of an IPv4 header; everything but the addresses and protocol has a
 * default. `version`, `ihl` and `totalLength` are written as given, for
 * malformed datagrams.
 */
export interface Ipv4Options {
  readonly src: string;
  readonly dst: string;
  /** Protocol number of the payload. */
  readonly protocol: number;
  /** The bytes after the header (a transport segment, or anything). */
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
  /**
   * Header options as raw type-length-value bytes (e.g. router alert
   * `[0x94, 4, 0, 0]`), padded with End of Option List (0) to a multiple of
   * 4; at most 40 bytes. Not validated, so malformed options can be sent.
   */
  readonly ipOptions?: PayloadInput;
  /** Store this header checksum instead of the right one (to test a bad checksum). */
  readonly checksum?: number;
  /** Version nibble. Default 4. */
  readonly version?: number;
  /** Header length field in 32-bit words. Default: the real header length. */
  readonly ihl?: number;
  /** Total length field. Default: the real length. */
  readonly totalLength?: number;
}

/** Builds an IPv4 datagram around `payload`, with a correct header checksum. */
export function ipv4(o: Ipv4Options): Uint8Array {
  const src = addressBytes(o.src);
  const dst = addressBytes(o.dst);
  if (pairFamily(src, dst) !== 4) throw new TypeError("ipv4() needs IPv4 addresses");
  return buildIpv4(o, src, dst, toBytes(o.payload));
}

/** {@link ipv4} with the addresses already parsed and the payload already bytes (not copied). */
function buildIpv4(o: Omit<Ipv4Options, "src" | "dst" | "payload">, src: AddressBytes, dst: AddressBytes, payload: Uint8Array): Uint8Array {
  const options = toBytes(o.ipOptions);
  const header = 20 + Math.ceil(options.length / 4) * 4;
  if (header > 60) throw new RangeError(`IPv4 options longer than 40 bytes: ${options.length}`);
  const total = header + payload.length;
  if (total > 0xffff) throw new RangeError(`IPv4 datagram too long: ${total} bytes`);
  const fragOffset = o.fragOffset ?? 0;
  checkFragmentOffset(fragOffset);
  const b = new Uint8Array(total);
  b[0] = ((o.version ?? 4) << 4) | ((o.ihl ?? header / 4) & 0x0f);
  b[1] = o.tos ?? 0;
  writeU16(b, 2, o.totalLength ?? total);
  writeU16(b, 4, o.id ?? 0);
  writeU16(b, 6, (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | (fragOffset >>> 3));
  b[8] = o.ttl ?? 64;
  b[9] = o.protocol;
  b.set(src.bytes, 12);
  b.set(dst.bytes, 16);
  b.set(options, 20);
  writeU16(b, 10, o.checksum ?? internetChecksum(b, 0, header));
  b.set(payload, header);
  return b;
}

/** Fields of an IPv6 header. `payloadLength` is written as given, for malformed datagrams. */
export interface Ipv6Options {
  readonly src: string;
  readonly dst: string;
  /** The protocol number of the payload: the next header after any extension headers. */
  readonly nextHeader: number;
  readonly payload?: PayloadInput;
  /** Default 64. */
  readonly hopLimit?: number;
  /** Default 0. */
  readonly trafficClass?: number;
  /** 20-bit flow label. Default 0. */
  readonly flowLabel?: number;
  /** Extension headers between the fixed header and the payload, in order; their next-header fields are chained for you. */
  readonly extensionHeaders?: readonly Ipv6ExtensionHeader[];
  /** Payload length field. Default: the real length. */
  readonly payloadLength?: number;
}

/** Builds an IPv6 datagram (fixed header, then any extension headers) around `payload`. */
export function ipv6(o: Ipv6Options): Uint8Array {
  const src = addressBytes(o.src);
  const dst = addressBytes(o.dst);
  if (pairFamily(src, dst) !== 6) throw new TypeError("ipv6() needs IPv6 addresses");
  return buildIpv6(o, src, dst, toBytes(o.payload));
}

/** {@link ipv6} with the addresses already parsed and the payload already bytes (not copied). */
function buildIpv6(o: Omit<Ipv6Options, "src" | "dst" | "payload">, src: AddressBytes, dst: AddressBytes, payload: Uint8Array): Uint8Array {
  const ext = encodeExtensionHeaders(o.extensionHeaders ?? [], o.nextHeader);
  const length = ext.bytes.length + payload.length;
  if (length > 0xffff) throw new RangeError("IPv6 payload too long (jumbograms are not supported)");
  const b = new Uint8Array(40 + length);
  writeU32(b, 0, ((6 << 28) | (((o.trafficClass ?? 0) & 0xff) << 20) | ((o.flowLabel ?? 0) & 0xfffff)) >>> 0);
  writeU16(b, 4, o.payloadLength ?? length);
  b[6] = ext.first;
  b[7] = o.hopLimit ?? 64;
  b.set(src.bytes, 8);
  b.set(dst.bytes, 24);
  b.set(ext.bytes, 40);
  b.set(payload, 40 + ext.bytes.length);
  return b;
}

/**
 * What the transport builders accept about the IP layer around them. The
 * family follows the addresses; a field of the other family is refused.
 */
export interface IpLayerOptions {
  readonly src: string;
  readonly dst: string;
  /** TTL (IPv4) or hop limit (IPv6). Default 64. */
  readonly ttl?: number;
  /** IPv4 identification. Default 0. */
  readonly id?: number;
  /** IPv4 type of service or IPv6 traffic class. Default 0. */
  readonly tos?: number;
  /** IPv4 Don't Fragment. Default false. */
  readonly df?: boolean;
  /** IPv4 header options, as for {@link ipv4}. */
  readonly ipOptions?: PayloadInput;
  /** IPv6 extension headers before the transport header, as for {@link ipv6}. */
  readonly extensionHeaders?: readonly Ipv6ExtensionHeader[];
}

/** The parsed addresses of a transport builder's options, of one family. */
export interface IpEnds {
  readonly src: AddressBytes;
  readonly dst: AddressBytes;
}

/**
 * Parses the addresses once for a transport builder (its pseudo-header and
 * the IP header both need them).
 * @internal shared by the transport builders.
 */
export function ipEnds(o: IpLayerOptions): IpEnds {
  const src = addressBytes(o.src);
  const dst = addressBytes(o.dst);
  pairFamily(src, dst);
  return { src, dst };
}

/**
 * Wraps a transport segment in the IP header its addresses call for.
 * @internal shared by the transport builders.
 */
export function wrapIp(o: IpLayerOptions, ends: IpEnds, protocol: number, segment: Uint8Array): Uint8Array {
  if (ends.src.family === 4) {
    if (o.extensionHeaders !== undefined) throw new TypeError("extensionHeaders are IPv6 only; use ipOptions for IPv4");
    return buildIpv4({ protocol, ttl: o.ttl, id: o.id, tos: o.tos, df: o.df, ipOptions: o.ipOptions }, ends.src, ends.dst, segment);
  }
  if (o.ipOptions !== undefined || o.df !== undefined) throw new TypeError("ipOptions and df are IPv4 only; use extensionHeaders for IPv6");
  return buildIpv6({ nextHeader: protocol, hopLimit: o.ttl, trafficClass: o.tos, extensionHeaders: o.extensionHeaders }, ends.src, ends.dst, segment);
}
