import { Attrs, nfgenHeader, type NlMessage } from "../netlink/reader.js";
import { MessageBuilder } from "../netlink/builder.js";
import { Family, NfnlSubsys, nfnlType } from "../netlink/constants.js";
import { NfqAttr, NfqMsg } from "./constants.js";

function verdictHeader(verdict: number, id: number): Uint8Array {
  // struct nfqnl_msg_verdict_hdr { __be32 verdict; __be32 id; }
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  v.setUint32(0, verdict >>> 0, false);
  v.setUint32(4, id >>> 0, false);
  return h;
}

/**
 * A verdict for one packet (NFQNL_MSG_VERDICT, nfqnl_recv_verdict). No ACK
 * is asked: a verdict answer per packet would double the traffic, and an
 * error (unknown id) only comes back when something is already wrong.
 */
export function encodeVerdict(queue: number, id: number, verdict: number, seq: number, mark?: number): Uint8Array {
  const b = new MessageBuilder(nfnlType(NfnlSubsys.QUEUE, NfqMsg.VERDICT), 0x1, seq, Family.UNSPEC, queue, 32);
  b.bytes(NfqAttr.VERDICT_HDR, verdictHeader(verdict, id));
  if (mark !== undefined) b.be32(NfqAttr.MARK, mark);
  return b.finish();
}

/**
 * One verdict for every packet of the queue whose id is at most `maxId`
 * (NFQNL_MSG_VERDICT_BATCH, nfqnl_recv_verdict_batch): the caller must have
 * decided every such packet the same way.
 */
export function encodeBatchVerdict(queue: number, maxId: number, verdict: number, seq: number, mark?: number): Uint8Array {
  const b = new MessageBuilder(nfnlType(NfnlSubsys.QUEUE, NfqMsg.VERDICT_BATCH), 0x1, seq, Family.UNSPEC, queue, 32);
  b.bytes(NfqAttr.VERDICT_HDR, verdictHeader(verdict, maxId));
  if (mark !== undefined) b.be32(NfqAttr.MARK, mark);
  return b.finish();
}

/** A decoded verdict message (for tests and tools that watch the daemon's output). */
export interface DecodedVerdict {
  readonly batch: boolean;
  readonly queue: number;
  readonly verdict: number;
  readonly id: number;
  readonly mark: number | null;
}

/** Decodes a verdict or batch verdict message; null for anything else. */
export function decodeVerdict(m: NlMessage): DecodedVerdict | null {
  const batch = m.type === nfnlType(NfnlSubsys.QUEUE, NfqMsg.VERDICT_BATCH);
  if (!batch && m.type !== nfnlType(NfnlSubsys.QUEUE, NfqMsg.VERDICT)) return null;
  const gen = nfgenHeader(m);
  const a = Attrs.ofMessage(m);
  const hdr = a.raw(NfqAttr.VERDICT_HDR);
  if (!gen || !hdr || hdr.length < 8) return null;
  const v = new DataView(hdr.buffer, hdr.byteOffset, 8);
  return { batch, queue: gen.resId, verdict: v.getUint32(0, false), id: v.getUint32(4, false), mark: a.be32(NfqAttr.MARK) };
}
