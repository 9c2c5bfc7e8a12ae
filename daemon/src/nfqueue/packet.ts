import { Attrs, nfgenHeader, type NlMessage } from "../netlink/reader.js";
import { NfnlSubsys, nfnlType } from "../netlink/constants.js";
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

/**
 * Decodes a packet message as __nfqnl_enqueue_packet / nfqnl_build_packet_message
 * lay it out. Returns null (never throws) when a required part is missing.
 */
export function decodeQueuedPacket(m: NlMessage): QueuedPacket | null {
  if (m.type !== PACKET_MESSAGE_TYPE) return null;
  const gen = nfgenHeader(m);
  if (!gen) return null;
  const a = Attrs.ofMessage(m);
  // struct nfqnl_msg_packet_hdr { __be32 packet_id; __be16 hw_protocol; u8 hook; } __packed
  const hdr = a.raw(NfqAttr.PACKET_HDR);
  const payload = a.raw(NfqAttr.PAYLOAD);
  if (!hdr || hdr.length < 7 || !payload) return null;
  const id = ((hdr[0]! << 24) | (hdr[1]! << 16) | (hdr[2]! << 8) | hdr[3]!) >>> 0;
  const ts = a.raw(NfqAttr.TIMESTAMP);
  let timestamp: number | null = null;
  if (ts && ts.length >= 16) {
    // struct nfqnl_msg_packet_timestamp { __aligned_be64 sec; __aligned_be64 usec; }
    const v = new DataView(ts.buffer, ts.byteOffset, 16);
    timestamp = Number(v.getBigUint64(0, false)) + Number(v.getBigUint64(8, false)) / 1e6;
  }
  const ct = a.nested(NfqAttr.CT);
  return {
    queue: gen.resId,
    id,
    hwProtocol: (hdr[4]! << 8) | hdr[5]!,
    hook: hdr[6]!,
    payload,
    mark: a.be32(NfqAttr.MARK),
    timestamp,
    inIfindex: a.be32(NfqAttr.IFINDEX_INDEV),
    outIfindex: a.be32(NfqAttr.IFINDEX_OUTDEV),
    conntrack: ct ? decodeConntrack(ct) : null,
    ctInfo: a.be32(NfqAttr.CT_INFO),
    capLen: a.be32(NfqAttr.CAP_LEN),
  };
}
