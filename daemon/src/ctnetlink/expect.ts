import { MessageBuilder } from "../netlink/builder.js";
import { Family, NfnlSubsys, NlmFlag, nfnlType } from "../netlink/constants.js";
import { Attrs, type NlMessage } from "../netlink/reader.js";
import { ExpAttr, ExpMsg } from "./constants.js";
import { readTuple, writeMask, writeTuple, type CtTuple } from "./tuple.js";

/** An expectation to create in the kernel (what ctnetlink_create_expect reads). */
export interface KernelExpectationRequest {
  /** Either tuple of the master connection (nf_conntrack_find_get finds both directions). */
  readonly master: CtTuple;
  /** The expected connection's original tuple; wildcard parts zero. */
  readonly tuple: CtTuple;
  /** Source address mask bytes and source port mask (0 = any). */
  readonly maskSrc: Uint8Array;
  readonly maskSrcPort: number;
  /** Seconds. Linux replaces it with the master helper's policy timeout (nf_ct_expect_insert). */
  readonly timeout: number;
  readonly zone: number;
  readonly flags: number;
  readonly class: number;
}

function familyOf(t: CtTuple): number {
  return t.family === 4 ? Family.INET : Family.INET6;
}

/**
 * IPCTNL_MSG_EXP_NEW with NLM_F_CREATE | NLM_F_EXCL, acknowledged: the
 * kernel answers 0, or an errno (ENOENT: no such master; EOPNOTSUPP: the
 * master has no helper; EINVAL: a class above the helper's; EBUSY or
 * EALREADY: a clashing expectation; EMFILE: the policy's limit).
 */
export function encodeExpectNew(r: KernelExpectationRequest, seq: number): Uint8Array {
  const b = new MessageBuilder(
    nfnlType(NfnlSubsys.CTNETLINK_EXP, ExpMsg.NEW),
    NlmFlag.REQUEST | NlmFlag.ACK | NlmFlag.CREATE | NlmFlag.EXCL,
    seq,
    familyOf(r.tuple),
    0,
  );
  writeTuple(b, ExpAttr.TUPLE, r.tuple);
  writeMask(b, ExpAttr.MASK, r.tuple.family, r.tuple.protocol, r.maskSrc, r.maskSrcPort);
  writeTuple(b, ExpAttr.MASTER, r.master);
  b.be32(ExpAttr.TIMEOUT, Math.max(1, Math.round(r.timeout)));
  if (r.zone !== 0) b.be16(ExpAttr.ZONE, r.zone);
  // Older kernels reject CTA_EXPECT_CLASS on a master without helper; send it only when it says something.
  if (r.class !== 0) b.be32(ExpAttr.CLASS, r.class);
  if (r.flags !== 0) b.be32(ExpAttr.FLAGS, r.flags);
  return b.finish();
}

/**
 * IPCTNL_MSG_EXP_DELETE for one expectation, found by its tuple
 * (ctnetlink_del_expect). The tuple is required: a delete without one
 * flushes every expectation, which the daemon must never do by accident.
 */
export function encodeExpectDelete(tuple: CtTuple, zone: number, seq: number, id?: number): Uint8Array {
  const b = new MessageBuilder(nfnlType(NfnlSubsys.CTNETLINK_EXP, ExpMsg.DELETE), NlmFlag.REQUEST | NlmFlag.ACK, seq, familyOf(tuple), 0);
  writeTuple(b, ExpAttr.TUPLE, tuple);
  if (zone !== 0) b.be16(ExpAttr.ZONE, zone);
  if (id !== undefined) b.be32(ExpAttr.ID, id);
  return b.finish();
}

/** IPCTNL_MSG_EXP_GET: one expectation by tuple, or (no tuple) a dump of every one of the family. */
export function encodeExpectGet(seq: number, tuple?: CtTuple, zone = 0, family: 4 | 6 = 4): Uint8Array {
  const flags = tuple ? NlmFlag.REQUEST | NlmFlag.ACK : NlmFlag.REQUEST | NlmFlag.DUMP;
  const b = new MessageBuilder(
    nfnlType(NfnlSubsys.CTNETLINK_EXP, ExpMsg.GET),
    flags,
    seq,
    tuple ? familyOf(tuple) : family === 4 ? Family.INET : Family.INET6,
    0,
  );
  if (tuple) {
    writeTuple(b, ExpAttr.TUPLE, tuple);
    if (zone !== 0) b.be16(ExpAttr.ZONE, zone);
  }
  return b.finish();
}

/** An expectation as the kernel reports it (ctnetlink_exp_dump_expect). */
export interface KernelExpectation {
  readonly master: CtTuple | null;
  readonly tuple: CtTuple;
  /** The mask as a tuple: only its source address and port mean anything. */
  readonly mask: CtTuple | null;
  readonly timeout: number | null;
  readonly id: number | null;
  /** The master's helper (the one whose policy applies). */
  readonly helper: string | null;
  readonly zone: number;
  readonly flags: number;
  readonly class: number;
}

export const EXPECT_NEW_TYPE = nfnlType(NfnlSubsys.CTNETLINK_EXP, ExpMsg.NEW);
export const EXPECT_DELETE_TYPE = nfnlType(NfnlSubsys.CTNETLINK_EXP, ExpMsg.DELETE);

/** Decodes an expectation message (dump answer or event); null for anything else or incomplete. */
export function decodeExpectation(m: NlMessage): KernelExpectation | null {
  if (m.type !== EXPECT_NEW_TYPE && m.type !== EXPECT_DELETE_TYPE) return null;
  const a = Attrs.ofMessage(m);
  const tuple = readTuple(a.nested(ExpAttr.TUPLE));
  if (!tuple) return null;
  return {
    master: readTuple(a.nested(ExpAttr.MASTER)),
    tuple,
    mask: readTuple(a.nested(ExpAttr.MASK)),
    timeout: a.be32(ExpAttr.TIMEOUT),
    id: a.be32(ExpAttr.ID),
    helper: a.string(ExpAttr.HELP_NAME),
    zone: a.be16(ExpAttr.ZONE) ?? 0,
    flags: a.be32(ExpAttr.FLAGS) ?? 0,
    class: a.be32(ExpAttr.CLASS) ?? 0,
  };
}
