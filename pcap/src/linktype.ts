/**
 * Link-layer decoding: from a captured frame and its link type to the
 * network-layer (IP) bytes inside it.
 *
 * @packageDocumentation
 */

import { be16, be32, u32 } from "./bytes.js";
import { LinkLayerError, UnsupportedLinkTypeError } from "./errors.js";
import { parseNflog, type NflogInfo } from "./nflog.js";

/** LINKTYPE_* values understood by {@link decodeLinkLayer}. */
export const LinkType = {
  /** BSD loopback: 4-byte address family in the capturing host's byte order. */
  NULL: 0,
  /** Ethernet (with 802.1Q / 802.1ad tags, possibly stacked). */
  ETHERNET: 1,
  /** DLT_RAW as numbered on most BSDs (raw IPv4/IPv6). */
  RAW_12: 12,
  /** DLT_RAW as numbered on OpenBSD (raw IPv4/IPv6). */
  RAW_14: 14,
  /** Raw IPv4/IPv6, version taken from the first nibble. */
  RAW: 101,
  /** OpenBSD loopback: 4-byte address family in network byte order. */
  LOOP: 108,
  /** Linux "cooked" capture, v1 (16-byte header). */
  LINUX_SLL: 113,
  /** Raw IPv4. */
  IPV4: 228,
  /** Raw IPv6. */
  IPV6: 229,
  /** Linux NFLOG: nflog header + TLVs, the packet in NFULA_PAYLOAD. */
  NFLOG: 239,
  /** Linux "cooked" capture, v2 (20-byte header). */
  LINUX_SLL2: 276,
} as const;

/** Ethertypes the decoder recognises. */
export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  /** Pre-standard 802.1ad tag still seen in the wild. */
  QINQ_OLD: 0x9100,
} as const;

const NAMES: Record<number, string> = {
  0: "NULL (BSD loopback)",
  1: "ETHERNET",
  12: "RAW (DLT 12)",
  14: "RAW (DLT 14)",
  101: "RAW",
  108: "LOOP (OpenBSD loopback)",
  113: "LINUX_SLL",
  228: "IPV4",
  229: "IPV6",
  239: "NFLOG",
  276: "LINUX_SLL2",
};

/** True when {@link decodeLinkLayer} handles this link type. */
export function isSupportedLinkType(linkType: number): boolean {
  return Object.prototype.hasOwnProperty.call(NAMES, linkType);
}

/** Human-readable name of a link type, e.g. `"ETHERNET"`, or `"LINKTYPE 147"`. */
export function linkTypeName(linkType: number): string {
  return NAMES[linkType] ?? `LINKTYPE ${linkType}`;
}

/**
 * Where the network-layer packet sits in a frame. Reusable: pass it back to
 * {@link decodeLinkLayer} as `out` to avoid an allocation per frame.
 */
export interface LinkLayerInfo {
  /** Link type the frame was decoded with. */
  linkType: number;
  /** 4 or 6 when the frame carries IPv4/IPv6, 0 when it carries something else. */
  family: 0 | 4 | 6;
  /**
   * Ethertype of the network-layer payload: 0x0800 / 0x86DD for IP; for
   * non-IP frames the ethertype found (Ethernet, SLL, NFLOG hardware
   * protocol), or -1 when the link type has no ethertype to report.
   */
  etherType: number;
  /** Offset of the network-layer bytes in the frame. */
  offset: number;
  /**
   * Length of the network-layer bytes. For IP, trimmed to the length in the IP
   * header when the frame holds more (Ethernet padding, FCS); otherwise the
   * rest of the frame.
   */
  length: number;
  /**
   * True when the frame holds fewer IP bytes than the IP header claims, or
   * fewer than a minimal IP header (a snaplen cut).
   */
  truncated: boolean;
  /** VLAN ids of the 802.1Q/802.1ad tags crossed, outermost first. */
  vlanIds: number[];
  /** NFLOG frames: the decoded NFLOG header and TLVs; otherwise `null`. */
  nflog: NflogInfo | null;
}

/** A fresh {@link LinkLayerInfo} to reuse across {@link decodeLinkLayer} calls. */
export function createLinkLayerInfo(): LinkLayerInfo {
  return { linkType: -1, family: 0, etherType: -1, offset: 0, length: 0, truncated: false, vlanIds: [], nflog: null };
}

/**
 * Finds the network-layer packet in `frame` for `linkType`.
 *
 * - ETHERNET (1): skips 802.1Q/802.1ad/0x9100 tags (any number); IPv4/IPv6 by
 *   ethertype, anything else (including 802.3 length frames) is non-IP.
 * - LINUX_SLL (113) / LINUX_SLL2 (276): protocol field as ethertype (VLAN tags
 *   after the header are crossed too).
 * - RAW (101, 12, 14): version from the first nibble; IPV4 (228) / IPV6 (229).
 * - NULL (0): BSD address family in either byte order; LOOP (108): network
 *   byte order (the other order is accepted too). AF_INET = 2; AF_INET6 = 10,
 *   24, 28 or 30.
 * - NFLOG (239): the NFULA_PAYLOAD TLV; `nflog` holds the prefix and more.
 *
 * Throws {@link UnsupportedLinkTypeError} for any other link type (before
 * looking at the frame) and {@link LinkLayerError} when the frame is too short
 * for its link-layer header or its NFLOG TLVs are malformed.
 *
 * ```ts
 * const ll = decodeLinkLayer(rec.linkType, rec.data);
 * if (ll.family !== 0) engine.process(rec.data, ll.offset, ll.length);
 * ```
 */
export function decodeLinkLayer(linkType: number, frame: Uint8Array, out: LinkLayerInfo = createLinkLayerInfo()): LinkLayerInfo {
  out.linkType = linkType;
  out.family = 0;
  out.etherType = -1;
  out.offset = 0;
  out.length = 0;
  out.truncated = false;
  out.vlanIds.length = 0;
  const keepNflog = out.nflog;
  out.nflog = null;
  const n = frame.length;
  switch (linkType) {
    case LinkType.ETHERNET:
      need(linkType, frame, 14, "Ethernet header");
      etherPayload(linkType, frame, 12, out);
      break;
    case LinkType.LINUX_SLL:
      need(linkType, frame, 16, "Linux cooked (SLL) header");
      etherPayload(linkType, frame, 14, out);
      break;
    case LinkType.LINUX_SLL2:
      need(linkType, frame, 20, "Linux cooked v2 (SLL2) header");
      // The protocol comes first in SLL2; the payload starts after 20 bytes.
      setEther(frame, be16(frame, 0), 20, out);
      if (out.etherType === EtherType.VLAN || out.etherType === EtherType.QINQ || out.etherType === EtherType.QINQ_OLD) {
        vlanChain(linkType, frame, 20, out.etherType, out);
      }
      break;
    case LinkType.RAW:
    case LinkType.RAW_12:
    case LinkType.RAW_14:
      need(linkType, frame, 1, "IP version byte");
      byVersion(frame, 0, out);
      break;
    case LinkType.IPV4:
      setIp(frame, 0, n, 4, out);
      break;
    case LinkType.IPV6:
      setIp(frame, 0, n, 6, out);
      break;
    case LinkType.NULL:
    case LinkType.LOOP: {
      need(linkType, frame, 4, "loopback address family");
      const be = be32(frame, 0);
      const le = u32(frame, 0, true);
      // The family is a small number; the byte order that gives one wins.
      const af = linkType === LinkType.LOOP ? (be <= 0xffff ? be : le) : le <= 0xffff ? le : be;
      out.offset = 4;
      out.length = n - 4;
      if (af === 2) setIp(frame, 4, n, 4, out);
      else if (af === 10 || af === 24 || af === 28 || af === 30) setIp(frame, 4, n, 6, out);
      break;
    }
    case LinkType.NFLOG: {
      const nf = parseNflog(frame, keepNflog !== null ? { into: keepNflog } : undefined);
      out.nflog = nf;
      if (nf.payloadOffset >= 0) {
        out.offset = nf.payloadOffset;
        out.length = nf.payloadLength;
        const v = nf.payloadLength > 0 ? frame[nf.payloadOffset]! >> 4 : 0;
        const family = v === 4 || v === 6 ? v : nf.family === 2 ? 4 : nf.family === 10 ? 6 : 0;
        if (family !== 0) {
          setIp(frame, nf.payloadOffset, nf.payloadOffset + nf.payloadLength, family, out);
          if (nf.payloadTruncated) out.truncated = true;
        } else out.etherType = nf.hwProtocol;
      } else {
        out.offset = n;
        out.length = 0;
        out.etherType = nf.hwProtocol;
      }
      break;
    }
    default:
      throw new UnsupportedLinkTypeError(
        linkType,
        `unsupported link type ${linkType}: cannot find the IP packet in its frames ` +
          `(supported: ${Object.keys(NAMES).join(", ")})`,
      );
  }
  return out;
}

/** Copies the IP bytes found by {@link decodeLinkLayer} out as a view (no copy). */
export function networkLayerBytes(frame: Uint8Array, info: LinkLayerInfo): Uint8Array {
  return frame.subarray(info.offset, info.offset + info.length);
}

function need(linkType: number, frame: Uint8Array, n: number, what: string): void {
  if (frame.length < n) {
    throw new LinkLayerError(
      linkType,
      frame.length,
      `${linkTypeName(linkType)}: frame of ${frame.length} bytes is shorter than the ${n}-byte ${what}`,
    );
  }
}

/** Ethernet-style: ethertype at `typeOffset`, payload right after it, VLAN tags crossed. */
function etherPayload(linkType: number, frame: Uint8Array, typeOffset: number, out: LinkLayerInfo): void {
  const type = be16(frame, typeOffset);
  if (type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_OLD) {
    vlanChain(linkType, frame, typeOffset + 2, type, out);
    return;
  }
  setEther(frame, type, typeOffset + 2, out);
}

/** At `p` sits the TCI of a tag whose TPID was `tpid`; walks to the first non-tag ethertype. */
function vlanChain(linkType: number, frame: Uint8Array, p: number, tpid: number, out: LinkLayerInfo): void {
  let type = tpid;
  while (type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_OLD) {
    if (frame.length < p + 4) {
      throw new LinkLayerError(
        linkType,
        p,
        `${linkTypeName(linkType)}: VLAN tag at offset ${p} is cut short (frame of ${frame.length} bytes)`,
      );
    }
    out.vlanIds.push(be16(frame, p) & 0x0fff);
    type = be16(frame, p + 2);
    p += 4;
  }
  setEther(frame, type, p, out);
}

function setEther(frame: Uint8Array, type: number, offset: number, out: LinkLayerInfo): void {
  out.offset = offset;
  out.length = frame.length - offset;
  out.etherType = type;
  if (type === EtherType.IPV4) setIp(frame, offset, frame.length, 4, out);
  else if (type === EtherType.IPV6) setIp(frame, offset, frame.length, 6, out);
}

function byVersion(frame: Uint8Array, offset: number, out: LinkLayerInfo): void {
  const v = frame[offset]! >> 4;
  out.offset = offset;
  out.length = frame.length - offset;
  if (v === 4 || v === 6) setIp(frame, offset, frame.length, v, out);
}

/**
 * Marks the bytes `[offset, end)` as IP of `family`, trimming the length to
 * the IP header's idea of it when that is smaller than what is there.
 */
function setIp(frame: Uint8Array, offset: number, end: number, family: 4 | 6, out: LinkLayerInfo): void {
  const avail = Math.max(0, end - offset);
  out.family = family;
  out.etherType = family === 4 ? EtherType.IPV4 : EtherType.IPV6;
  out.offset = offset;
  out.length = avail;
  // Less than a minimal header is truncated whatever the header would say.
  out.truncated = avail < (family === 4 ? 20 : 40);
  if (family === 4) {
    if (avail >= 4 && frame[offset]! >> 4 === 4) {
      const total = be16(frame, offset + 2);
      if (total >= 20) {
        if (total < avail) out.length = total;
        else if (total > avail) out.truncated = true;
      }
    }
  } else if (avail >= 6 && frame[offset]! >> 4 === 6) {
    const payload = be16(frame, offset + 4);
    if (payload > 0) {
      // payload 0 is a jumbogram (or TSO): keep the whole frame
      const total = 40 + payload;
      if (total < avail) out.length = total;
      else if (total > avail) out.truncated = true;
    }
  }
}
