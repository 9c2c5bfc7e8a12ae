/**
 * NFLOG (LINKTYPE_NFLOG, 239) frames: the Linux `nflog` pseudo-header and its
 * TLVs, as written by libpcap's nflog capture (`tcpdump -i nflog:N`).
 *
 * A frame is a 4-byte header (address family, version, resource id in network
 * byte order) followed by TLVs. Each TLV has a 16-bit length (including the
 * 4-byte TLV header, excluding padding) and a 16-bit type in the byte order of
 * the capturing host (in practice: the byte order of the capture file), then
 * the value (in network byte order), padded to 4 bytes.
 *
 * @packageDocumentation
 */

import { be16, be32, pad4, u16, utf8Decode } from "./bytes.js";
import { LinkLayerError } from "./errors.js";

/** LINKTYPE_NFLOG. */
const NFLOG = 239;

/** NFLOG TLV types (`enum nfulnl_attr_type`). */
export const NflogTlv = {
  PACKET_HDR: 1,
  MARK: 2,
  TIMESTAMP: 3,
  IFINDEX_INDEV: 4,
  IFINDEX_OUTDEV: 5,
  IFINDEX_PHYSINDEV: 6,
  IFINDEX_PHYSOUTDEV: 7,
  HWADDR: 8,
  PAYLOAD: 9,
  PREFIX: 10,
  UID: 11,
  SEQ: 12,
  SEQ_GLOBAL: 13,
  GID: 14,
  HWTYPE: 15,
  HWHEADER: 16,
  HWLEN: 17,
  CT: 18,
  CT_INFO: 19,
} as const;

/** Decoded NFLOG header and the TLVs this package interprets. */
export interface NflogInfo {
  /** Address family of the logged packet (2 = AF_INET, 10 = AF_INET6). */
  family: number;
  /** NFLOG header version (0). */
  version: number;
  /** Resource id: the nflog group number. */
  resourceId: number;
  /** NFULA_PREFIX: the log prefix up to its NUL, or `undefined` when absent. */
  prefix: string | undefined;
  /** Offset in the frame of the NFULA_PAYLOAD value (the IP packet), -1 when absent. */
  payloadOffset: number;
  /** Length of the payload present in the frame (0 when absent). */
  payloadLength: number;
  /** True when the payload TLV claims more bytes than the frame holds (snaplen cut). */
  payloadTruncated: boolean;
  /** NFULA_PACKET_HDR hardware protocol (an ethertype), -1 when absent. */
  hwProtocol: number;
  /** NFULA_PACKET_HDR netfilter hook number, -1 when absent. */
  hook: number;
  /** NFULA_MARK, -1 when absent. */
  mark: number;
  /** NFULA_IFINDEX_INDEV, -1 when absent. */
  inIfindex: number;
  /** NFULA_IFINDEX_OUTDEV, -1 when absent. */
  outIfindex: number;
  /** Byte order the TLV headers were found in. */
  littleEndian: boolean;
}

/** Options of {@link parseNflog}. */
export interface NflogOptions {
  /**
   * Byte order of the TLV headers to try first (default: little-endian). The
   * other order is tried when the TLV chain does not parse in this one.
   */
  littleEndian?: boolean;
  /** Object to fill instead of allocating a new one. */
  into?: NflogInfo;
}

/** A fresh {@link NflogInfo} with every field at its "absent" value. */
export function emptyNflogInfo(): NflogInfo {
  return {
    family: 0,
    version: 0,
    resourceId: 0,
    prefix: undefined,
    payloadOffset: -1,
    payloadLength: 0,
    payloadTruncated: false,
    hwProtocol: -1,
    hook: -1,
    mark: -1,
    inIfindex: -1,
    outIfindex: -1,
    littleEndian: true,
  };
}

/**
 * Offset of the first malformed TLV when the chain is read in byte order
 * `le`, or -1 when it is well formed. A payload TLV cut short by the snaplen
 * (the last one in the frame) is not an error.
 */
function chainError(frame: Uint8Array, le: boolean): number {
  const end = frame.length;
  let p = 4;
  while (end - p >= 4) {
    const len = u16(frame, p, le);
    const type = u16(frame, p + 2, le) & 0x3fff;
    if (len < 4) return p;
    if (p + len > end) return type === NflogTlv.PAYLOAD ? -1 : p;
    p += pad4(len);
  }
  return -1;
}

/** Byte order in which the TLV chain parses, `preferred` first; throws when neither does. */
function resolveOrder(frame: Uint8Array, preferred: boolean): boolean {
  if (frame.length < 4) {
    throw new LinkLayerError(NFLOG, 0, `nflog: frame of ${frame.length} bytes is shorter than the 4-byte NFLOG header`);
  }
  const bad = chainError(frame, preferred);
  if (bad < 0) return preferred;
  if (chainError(frame, !preferred) < 0) return !preferred;
  throw new LinkLayerError(
    NFLOG,
    bad,
    `nflog: malformed TLV at offset ${bad} of a ${frame.length}-byte frame ` +
      `(length ${u16(frame, bad, preferred)} is below 4 or runs past the frame)`,
  );
}

/** Walks a chain already validated by resolveOrder. */
function walk(
  frame: Uint8Array,
  le: boolean,
  visit: (type: number, valueOffset: number, valueLength: number, truncated: boolean) => void,
): void {
  const end = frame.length;
  let p = 4;
  while (end - p >= 4) {
    const len = u16(frame, p, le);
    const type = u16(frame, p + 2, le) & 0x3fff;
    const truncated = p + len > end;
    visit(type, p + 4, (truncated ? end - p : len) - 4, truncated);
    p += pad4(len);
  }
}

/**
 * Calls `visit(type, valueOffset, valueLength, truncated)` for each TLV of an
 * NFLOG frame (type with the netlink flag bits masked off; offsets relative to
 * `frame`). A payload TLV cut short by the snaplen is reported with the bytes
 * present and `truncated` set. Throws {@link LinkLayerError} when the frame is
 * shorter than its header or the TLV chain is malformed in both byte orders.
 * Returns the byte order used (`true` = little-endian).
 */
export function forEachNflogTlv(
  frame: Uint8Array,
  visit: (type: number, valueOffset: number, valueLength: number, truncated: boolean) => void,
  littleEndian = true,
): boolean {
  const le = resolveOrder(frame, littleEndian);
  walk(frame, le, visit);
  return le;
}

/**
 * Decodes an NFLOG frame: header, prefix, payload location and a few
 * common TLVs. The IP packet is `frame.subarray(payloadOffset, payloadOffset +
 * payloadLength)` when `payloadOffset >= 0`. Throws {@link LinkLayerError} on
 * a malformed frame.
 *
 * ```ts
 * const nf = parseNflog(rec.data);
 * nf.prefix; // "ct=new dir=original exp=0 helper=none mhelper=- hook=pre"
 * ```
 */
export function parseNflog(frame: Uint8Array, options?: NflogOptions): NflogInfo {
  const le = resolveOrder(frame, options?.littleEndian ?? true);
  const out = options?.into ?? emptyNflogInfo();
  if (options?.into !== undefined) reset(out);
  walk(frame, le, (type, vo, vl, truncated) => {
    switch (type) {
      case NflogTlv.PAYLOAD:
        out.payloadOffset = vo;
        out.payloadLength = vl;
        out.payloadTruncated = truncated;
        break;
      case NflogTlv.PREFIX: {
        let e = vo;
        const max = vo + vl;
        while (e < max && frame[e] !== 0) e++;
        out.prefix = utf8Decode(frame, vo, e);
        break;
      }
      case NflogTlv.PACKET_HDR:
        if (vl >= 3) {
          out.hwProtocol = be16(frame, vo);
          out.hook = frame[vo + 2]!;
        }
        break;
      case NflogTlv.MARK:
        if (vl >= 4) out.mark = be32(frame, vo);
        break;
      case NflogTlv.IFINDEX_INDEV:
        if (vl >= 4) out.inIfindex = be32(frame, vo);
        break;
      case NflogTlv.IFINDEX_OUTDEV:
        if (vl >= 4) out.outIfindex = be32(frame, vo);
        break;
    }
  });
  out.littleEndian = le;
  out.family = frame[0]!;
  out.version = frame[1]!;
  out.resourceId = be16(frame, 2);
  return out;
}

function reset(o: NflogInfo): void {
  o.family = 0;
  o.version = 0;
  o.resourceId = 0;
  o.prefix = undefined;
  o.payloadOffset = -1;
  o.payloadLength = 0;
  o.payloadTruncated = false;
  o.hwProtocol = -1;
  o.hook = -1;
  o.mark = -1;
  o.inIfindex = -1;
  o.outIfindex = -1;
  o.littleEndian = true;
}

/**
 * Splits a `key=value key=value` log prefix (the format of our conformance
 * traces, e.g. `ct=related dir=original exp=1 helper=- mhelper=ftp hook=pre`)
 * into an object. Words without `=` map to `""`.
 */
export function parseNflogPrefix(prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of prefix.split(/\s+/)) {
    if (word === "") continue;
    const eq = word.indexOf("=");
    const key = eq < 0 ? word : word.slice(0, eq);
    if (key === "__proto__") continue;
    out[key] = eq < 0 ? "" : word.slice(eq + 1);
  }
  return out;
}
