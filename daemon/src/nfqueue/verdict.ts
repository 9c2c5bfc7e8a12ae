import { Attrs, nfgenHeader, type NlMessage } from "../netlink/reader.js";
import { Family, NfnlSubsys, NlmFlag, nfnlType } from "../netlink/constants.js";
import { NfqAttr, NfqMsg } from "./constants.js";

const VERDICT_TYPE = nfnlType(NfnlSubsys.QUEUE, NfqMsg.VERDICT);
const BATCH_TYPE = nfnlType(NfnlSubsys.QUEUE, NfqMsg.VERDICT_BATCH);

/**
 * Writes a verdict message in its fixed layout: nlmsghdr (16), nfgenmsg (4),
 * NFQA_VERDICT_HDR (4 + struct nfqnl_msg_verdict_hdr { __be32 verdict;
 * __be32 id; }), and NFQA_MARK (4 + __be32) when a mark is given. Written
 * directly rather than through MessageBuilder: it is the one message sent
 * per packet.
 */
function verdictMessage(type: number, queue: number, id: number, verdict: number, seq: number, mark: number | undefined): Uint8Array {
  const len = mark === undefined ? 32 : 40;
  // Byte stores, no DataView: one allocation per verdict.
  const m = new Uint8Array(len);
  le16(m, 0, len);
  le16(m, 4, type);
  // No NLM_F_ACK: an answer per packet would double the traffic; errors still come back.
  le16(m, 6, NlmFlag.REQUEST);
  le16(m, 8, seq & 0xffff);
  le16(m, 10, (seq >>> 16) & 0xffff);
  m[16] = Family.UNSPEC;
  m[18] = (queue >> 8) & 0xff;
  m[19] = queue & 0xff;
  m[20] = 12;
  m[22] = NfqAttr.VERDICT_HDR;
  be32(m, 24, verdict);
  be32(m, 28, id);
  if (mark !== undefined) {
    m[32] = 8;
    m[34] = NfqAttr.MARK;
    be32(m, 36, mark);
  }
  return m;
}

function le16(m: Uint8Array, at: number, v: number): void {
  m[at] = v & 0xff;
  m[at + 1] = (v >> 8) & 0xff;
}

function be32(m: Uint8Array, at: number, v: number): void {
  m[at] = (v >>> 24) & 0xff;
  m[at + 1] = (v >>> 16) & 0xff;
  m[at + 2] = (v >>> 8) & 0xff;
  m[at + 3] = v & 0xff;
}

/** A verdict for one packet (NFQNL_MSG_VERDICT, nfqnl_recv_verdict). */
export function encodeVerdict(queue: number, id: number, verdict: number, seq: number, mark?: number): Uint8Array {
  return verdictMessage(VERDICT_TYPE, queue, id, verdict, seq, mark);
}

/**
 * One verdict for every packet of the queue whose id is at most `maxId`
 * (NFQNL_MSG_VERDICT_BATCH, nfqnl_recv_verdict_batch): the caller must have
 * decided every such packet the same way.
 */
export function encodeBatchVerdict(queue: number, maxId: number, verdict: number, seq: number, mark?: number): Uint8Array {
  return verdictMessage(BATCH_TYPE, queue, maxId, verdict, seq, mark);
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
  const batch = m.type === BATCH_TYPE;
  if (!batch && m.type !== VERDICT_TYPE) return null;
  const gen = nfgenHeader(m);
  const a = Attrs.ofMessage(m);
  const hdr = a.raw(NfqAttr.VERDICT_HDR);
  if (!gen || !hdr || hdr.length < 8) return null;
  const v = new DataView(hdr.buffer, hdr.byteOffset, 8);
  return { batch, queue: gen.resId, verdict: v.getUint32(0, false), id: v.getUint32(4, false), mark: a.be32(NfqAttr.MARK) };
}
