import { Attrs, type NlMessage } from "../netlink/reader.js";
import { NFGENMSG_LEN, NLA_HDRLEN, NLA_TYPE_MASK, NfnlSubsys, align4, nfnlType } from "../netlink/constants.js";
import { decodeConntrack, type KernelConntrack } from "../ctnetlink/conntrack.js";
import { NfqAttr, NfqMsg } from "./constants.js";

/** A packet the kernel queued to us (NFQNL_MSG_PACKET). */
export interface QueuedPacket {
  readonly queue: number;
  /** The id the verdict must name. */
  readonly id: number;
  /** Link-layer protocol (ETH_P_IP 0x0800, ETH_P_IPV6 0x86dd). */
  readonly hwProtocol: number;
  /** Netfilter hook number (NF_INET_FORWARD = 2, …). */
  readonly hook: number;
  /** The IP datagram (a view into the received buffer). */
  readonly payload: Uint8Array;
  readonly mark: number | null;
  /** Seconds, when the kernel stamped the packet. */
  readonly timestamp: number | null;
  readonly inIfindex: number | null;
  readonly outIfindex: number | null;
  /** The packet's conntrack, when the queue asked for it and the kernel has nfnetlink_glue. */
  readonly conntrack: KernelConntrack | null;
  /** enum ip_conntrack_info, with the conntrack. */
  readonly ctInfo: number | null;
  /** Original length when the copy was cut (NFQA_CAP_LEN). */
  readonly capLen: number | null;
}

export const PACKET_MESSAGE_TYPE = nfnlType(NfnlSubsys.QUEUE, NfqMsg.PACKET);

function be32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/**
 * Decodes a packet message as nfqnl_build_packet_message lays it out, in one
 * walk over its attributes (this runs once per packet, so no maps and no
 * copies: the payload is a view). Returns null, never throws, when a
 * required part is missing or an attribute runs past the message.
 */
export function decodeQueuedPacket(m: NlMessage): QueuedPacket | null {
  if (m.type !== PACKET_MESSAGE_TYPE || m.end - m.payload < NFGENMSG_LEN) return null;
  const b = m.bytes;
  const queue = (b[m.payload + 2]! << 8) | b[m.payload + 3]!;
  let hdr = -1;
  let payloadAt = -1;
  let payloadLen = 0;
  let mark: number | null = null;
  let timestamp: number | null = null;
  let inIfindex: number | null = null;
  let outIfindex: number | null = null;
  let ctAt = -1;
  let ctLen = 0;
  let ctInfo: number | null = null;
  let capLen: number | null = null;
  let at = m.payload + NFGENMSG_LEN;
  while (at + NLA_HDRLEN <= m.end) {
    const len = b[at]! | (b[at + 1]! << 8);
    if (len < NLA_HDRLEN || at + len > m.end) return null;
    const type = (b[at + 2]! | (b[at + 3]! << 8)) & NLA_TYPE_MASK;
    const v = at + NLA_HDRLEN;
    const n = len - NLA_HDRLEN;
    switch (type) {
      case NfqAttr.PACKET_HDR:
        // struct nfqnl_msg_packet_hdr { __be32 packet_id; __be16 hw_protocol; u8 hook; } __packed
        if (n >= 7) hdr = v;
        break;
      case NfqAttr.PAYLOAD:
        payloadAt = v;
        payloadLen = n;
        break;
      case NfqAttr.MARK:
        if (n >= 4) mark = be32(b, v);
        break;
      case NfqAttr.TIMESTAMP:
        // struct nfqnl_msg_packet_timestamp { __aligned_be64 sec; __aligned_be64 usec; }
        if (n >= 16) timestamp = (be32(b, v) * 2 ** 32 + be32(b, v + 4)) + (be32(b, v + 8) * 2 ** 32 + be32(b, v + 12)) / 1e6;
        break;
      case NfqAttr.IFINDEX_INDEV:
        if (n >= 4) inIfindex = be32(b, v);
        break;
      case NfqAttr.IFINDEX_OUTDEV:
        if (n >= 4) outIfindex = be32(b, v);
        break;
      case NfqAttr.CT:
        ctAt = v;
        ctLen = n;
        break;
      case NfqAttr.CT_INFO:
        if (n >= 4) ctInfo = be32(b, v);
        break;
      case NfqAttr.CAP_LEN:
        if (n >= 4) capLen = be32(b, v);
        break;
    }
    at += align4(len);
  }
  if (hdr < 0 || payloadAt < 0) return null;
  return {
    queue,
    id: be32(b, hdr),
    hwProtocol: (b[hdr + 4]! << 8) | b[hdr + 5]!,
    hook: b[hdr + 6]!,
    payload: b.subarray(payloadAt, payloadAt + payloadLen),
    mark,
    timestamp,
    inIfindex,
    outIfindex,
    conntrack: ctAt >= 0 ? decodeConntrack(new Attrs(b, ctAt, ctAt + ctLen)) : null,
    ctInfo,
    capLen,
  };
}
