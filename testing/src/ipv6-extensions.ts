import { toBytes, readU16, writeU16, writeU32, type PayloadInput } from "./bytes.js";

const HOPOPTS = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AH = 51;
const DSTOPTS = 60;

/**
 * One IPv6 extension header for the `extensionHeaders` of {@link ipv6} and
 * the transport builders, in the order they appear. Each header's
 * next-header byte and length field are filled in for you.
 *
 * - `hopopts` / `dstopts`: hop-by-hop or destination options; `options` are
 *   raw TLVs, padded with Pad1/PadN to a multiple of 8 bytes (default: only
 *   padding).
 * - `routing`: `routingType`, `segmentsLeft` and the type-specific `data`
 *   (padded with zeros to 8n+4 bytes; default 4 zero bytes).
 * - `ah`: authentication header with `spi` (default 0x100), `seq` (default 1)
 *   and `icv` (default 12 zero bytes); its length must come to a multiple of 4.
 * - `fragment`: a fragment header: `offset` in bytes (a multiple of 8), `mf`,
 *   `id`. An atomic fragment (offset 0, no MF) is a whole datagram (RFC 6946);
 *   to split a datagram use {@link fragments}.
 * - `raw`: any header: `protocol` is its number, `bytes` its content, written
 *   as given apart from byte 0 (the next header). For malformed headers.
 */
export type Ipv6ExtensionHeader =
  | { readonly type: "hopopts" | "dstopts"; readonly options?: PayloadInput }
  | { readonly type: "routing"; readonly routingType?: number; readonly segmentsLeft?: number; readonly data?: PayloadInput }
  | { readonly type: "ah"; readonly spi?: number; readonly seq?: number; readonly icv?: PayloadInput }
  | { readonly type: "fragment"; readonly offset?: number; readonly mf?: boolean; readonly id?: number }
  | { readonly type: "raw"; readonly protocol: number; readonly bytes: PayloadInput };

/** The protocol number that names the header in the previous next-header field. */
function protocolOf(h: Ipv6ExtensionHeader): number {
  switch (h.type) {
    case "hopopts":
      return HOPOPTS;
    case "dstopts":
      return DSTOPTS;
    case "routing":
      return ROUTING;
    case "ah":
      return AH;
    case "fragment":
      return FRAGMENT;
    case "raw":
      return h.protocol;
  }
}

/** Options TLVs padded as RFC 8200 §4.2 pads them: Pad1 for one byte, PadN for more. */
function optionsHeader(options: Uint8Array): Uint8Array {
  const pad = (8 - ((options.length + 2) % 8)) % 8;
  const b = new Uint8Array(2 + options.length + pad);
  b.set(options, 2);
  if (pad > 1) {
    b[2 + options.length] = 1;
    b[3 + options.length] = pad - 2;
  }
  b[1] = b.length / 8 - 1;
  return b;
}

/** A header's bytes with byte 0 (the next header) left for the chain. */
function headerBytes(h: Ipv6ExtensionHeader): Uint8Array {
  switch (h.type) {
    case "hopopts":
    case "dstopts":
      return optionsHeader(toBytes(h.options));
    case "routing": {
      const data = h.data === undefined ? new Uint8Array(4) : toBytes(h.data);
      const b = new Uint8Array(4 + data.length + ((8 - ((data.length + 4) % 8)) % 8));
      b[1] = b.length / 8 - 1;
      b[2] = h.routingType ?? 0;
      b[3] = h.segmentsLeft ?? 0;
      b.set(data, 4);
      return b;
    }
    case "ah": {
      const icv = h.icv === undefined ? new Uint8Array(12) : toBytes(h.icv);
      const b = new Uint8Array(12 + icv.length);
      if (b.length % 4 !== 0) throw new RangeError("an authentication header's length must be a multiple of 4 bytes");
      // RFC 4302 §2.2: the length in 32-bit words, minus 2.
      b[1] = b.length / 4 - 2;
      writeU32(b, 4, (h.spi ?? 0x100) >>> 0);
      writeU32(b, 8, (h.seq ?? 1) >>> 0);
      b.set(icv, 12);
      return b;
    }
    case "fragment": {
      const offset = h.offset ?? 0;
      checkFragmentOffset(offset);
      const b = new Uint8Array(8);
      writeU16(b, 2, offset | (h.mf ? 1 : 0));
      writeU32(b, 4, (h.id ?? 0) >>> 0);
      return b;
    }
    case "raw":
      return toBytes(h.bytes);
  }
}

/** @throws RangeError unless `offset` is a fragment offset a header can hold (a multiple of 8 up to 65528). */
export function checkFragmentOffset(offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset % 8 !== 0 || offset > 0x1fff * 8) {
    throw new RangeError(`fragment offset ${offset} is not a multiple of 8 between 0 and 65528`);
  }
}

/**
 * Encodes a chain of extension headers followed by `protocol`. Returns the
 * bytes and the protocol number for the fixed header's next-header field.
 * @internal used by {@link ipv6}.
 */
export function encodeExtensionHeaders(headers: readonly Ipv6ExtensionHeader[], protocol: number): { bytes: Uint8Array; first: number } {
  const parts = headers.map(headerBytes);
  let n = 0;
  for (const p of parts) n += p.length;
  const bytes = new Uint8Array(n);
  let o = 0;
  parts.forEach((p, i) => {
    bytes.set(p, o);
    bytes[o] = i + 1 < headers.length ? protocolOf(headers[i + 1]!) : protocol;
    o += p.length;
  });
  return { bytes, first: headers.length > 0 ? protocolOf(headers[0]!) : protocol };
}

/** True when `header` is a fragment header that makes the datagram a real (non-atomic) fragment. */
export function isFragmenting(header: Ipv6ExtensionHeader): boolean {
  return header.type === "fragment" && ((header.offset ?? 0) !== 0 || header.mf === true);
}

/** Where a walk over IPv6 extension headers stopped. */
export interface Ipv6HeaderChain {
  /** Offset of the first byte after the headers the walk passed. */
  readonly end: number;
  /** The protocol number that follows them. */
  readonly protocol: number;
}

/**
 * Walks the extension headers of the IPv6 datagram at `b[start]`, within
 * `limit` and its payload length, calling `visit(protocol, offset, length)`
 * for each header that fits; the walk stops at the first header that does
 * not fit, is not an extension header, or that `visit` refuses.
 * @internal shared by the fragment builders and checksum verification.
 */
export function walkIpv6Headers(b: Uint8Array, start: number, limit: number, visit: (protocol: number, at: number, length: number) => boolean): Ipv6HeaderChain {
  const end = Math.min(limit, start + 40 + readU16(b, start + 4));
  let protocol = b[start + 6]!;
  let p = start + 40;
  while (isExtensionHeader(protocol) && p + 8 <= end) {
    // RFC 4302 §2.2 counts AH in 32-bit words minus 2; the others in 8-byte units minus 1, the fragment header is fixed.
    const length = protocol === AH ? (b[p + 1]! + 2) * 4 : protocol === FRAGMENT ? 8 : (b[p + 1]! + 1) * 8;
    if (p + length > end || !visit(protocol, p, length)) break;
    protocol = b[p]!;
    p += length;
  }
  return { end: p, protocol };
}

function isExtensionHeader(protocol: number): boolean {
  return protocol === HOPOPTS || protocol === ROUTING || protocol === DSTOPTS || protocol === AH || protocol === FRAGMENT;
}

/**
 * The unfragmentable part of an IPv6 datagram (RFC 8200 §4.5): the fixed
 * header, hop-by-hop options, routing, and destination options that precede
 * a routing header. Returns where it ends and the offset of the next-header
 * byte that names the first fragmentable header.
 * @internal used by the fragment builders.
 */
export function ipv6Unfragmentable(b: Uint8Array): { end: number; nextHeaderAt: number } {
  let end = 40;
  let nextHeaderAt = 6;
  walkIpv6Headers(b, 0, b.length, (protocol, at, length) => {
    if (protocol !== HOPOPTS && protocol !== ROUTING && protocol !== DSTOPTS) return false;
    // Destination options stay unfragmentable only when a routing header follows: the next hop-by-hop or routing moves `end` past them.
    if (protocol !== DSTOPTS) {
      end = at + length;
      nextHeaderAt = at;
    }
    return true;
  });
  return { end, nextHeaderAt };
}
