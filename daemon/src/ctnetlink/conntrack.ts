import { MessageBuilder } from "../netlink/builder.js";
import { Family, NfnlSubsys, NlmFlag, nfnlType } from "../netlink/constants.js";
import { Attrs, type NlMessage } from "../netlink/reader.js";
import { CtAttr, CtMsg, HelpAttr } from "./constants.js";
import { readTuple, writeTuple, type CtTuple } from "./tuple.js";

/** The parts of a kernel conntrack the daemon uses (ctnetlink_fill_info / ctnetlink_glue_build). */
export interface KernelConntrack {
  readonly original: CtTuple;
  readonly reply: CtTuple | null;
  readonly id: number | null;
  readonly status: number | null;
  readonly zone: number;
  readonly mark: number | null;
  /** Name of the helper attached to it, or null. */
  readonly helper: string | null;
  /** Seconds until it times out. */
  readonly timeout: number | null;
}

/** Reads conntrack attributes (a ctnetlink message body or an NFQA_CT nest). */
export function decodeConntrack(a: Attrs): KernelConntrack | null {
  const original = readTuple(a.nested(CtAttr.TUPLE_ORIG));
  if (!original) return null;
  const help = a.nested(CtAttr.HELP);
  return {
    original,
    reply: readTuple(a.nested(CtAttr.TUPLE_REPLY)),
    id: a.be32(CtAttr.ID),
    status: a.be32(CtAttr.STATUS),
    zone: a.be16(CtAttr.ZONE) ?? 0,
    mark: a.be32(CtAttr.MARK),
    helper: help ? help.string(HelpAttr.NAME) : null,
    timeout: a.be32(CtAttr.TIMEOUT),
  };
}

export const CONNTRACK_NEW_TYPE = nfnlType(NfnlSubsys.CTNETLINK, CtMsg.NEW);

/** Decodes a ctnetlink conntrack message (the answer to a GET); null for anything else. */
export function decodeConntrackMessage(m: NlMessage): KernelConntrack | null {
  if (m.type !== CONNTRACK_NEW_TYPE) return null;
  return decodeConntrack(Attrs.ofMessage(m));
}

/** IPCTNL_MSG_CT_GET for one connection, found by either of its tuples (ctnetlink_get_conntrack). */
export function encodeConntrackGet(tuple: CtTuple, zone: number, seq: number): Uint8Array {
  const b = new MessageBuilder(
    nfnlType(NfnlSubsys.CTNETLINK, CtMsg.GET),
    NlmFlag.REQUEST | NlmFlag.ACK,
    seq,
    tuple.family === 4 ? Family.INET : Family.INET6,
    0,
  );
  writeTuple(b, CtAttr.TUPLE_ORIG, tuple);
  if (zone !== 0) b.be16(CtAttr.ZONE, zone);
  return b.finish();
}
