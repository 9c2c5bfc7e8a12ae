import { MessageBuilder } from "../netlink/builder.js";
import { Family, NfnlSubsys, NlmFlag, nfnlType } from "../netlink/constants.js";
import { Attrs, type NlMessage } from "../netlink/reader.js";
import { CthAttr, CthMsg, CthPolicyAttr, CthPolicySetAttr, CthStatus, CthTupleAttr } from "./constants.js";

/** One expectation class of a user-space helper (struct nf_conntrack_expect_policy). */
export interface CthPolicy {
  readonly name: string;
  readonly maxExpected: number;
  /** Seconds. */
  readonly timeout: number;
}

/** A user-space helper registration (nfnl_cthelper_new). */
export interface UserspaceHelper {
  readonly name: string;
  /** 2 (AF_INET) or 10 (AF_INET6). */
  readonly l3: number;
  /** IPPROTO_TCP, IPPROTO_UDP, … */
  readonly l4: number;
  /** The queue the kernel sends the helper's packets to. */
  readonly queue: number;
  readonly policies: readonly CthPolicy[];
  readonly enabled?: boolean;
}

function writeHelperTuple(b: MessageBuilder, l3: number, l4: number): void {
  b.nest(CthAttr.TUPLE);
  b.be16(CthTupleAttr.L3PROTONUM, l3);
  b.u8(CthTupleAttr.L4PROTONUM, l4);
  b.end();
}

/** NFNL_MSG_CTHELPER_NEW (create, or update the policy and queue of an existing one), acknowledged. */
export function encodeHelperNew(h: UserspaceHelper, seq: number): Uint8Array {
  const b = new MessageBuilder(nfnlType(NfnlSubsys.CTHELPER, CthMsg.NEW), NlmFlag.REQUEST | NlmFlag.ACK | NlmFlag.CREATE, seq, Family.UNSPEC, 0);
  b.string(CthAttr.NAME, h.name);
  b.be32(CthAttr.QUEUE_NUM, h.queue);
  writeHelperTuple(b, h.l3, h.l4);
  b.nest(CthAttr.POLICY);
  b.be32(CthPolicySetAttr.NUM, h.policies.length);
  h.policies.forEach((p, i) => {
    b.nest(CthPolicySetAttr.SET + i);
    b.string(CthPolicyAttr.NAME, p.name);
    b.be32(CthPolicyAttr.EXPECT_MAX, p.maxExpected);
    b.be32(CthPolicyAttr.EXPECT_TIMEOUT, p.timeout);
    b.end();
  });
  b.end();
  // The daemon keeps per-connection state itself; the kernel keeps none for it.
  b.be32(CthAttr.PRIV_DATA_LEN, 0);
  b.be32(CthAttr.STATUS, h.enabled === false ? CthStatus.DISABLED : CthStatus.ENABLED);
  return b.finish();
}

/** NFNL_MSG_CTHELPER_DEL of one helper by name and tuple (without both, the kernel deletes more). */
export function encodeHelperDelete(name: string, l3: number, l4: number, seq: number): Uint8Array {
  const b = new MessageBuilder(nfnlType(NfnlSubsys.CTHELPER, CthMsg.DEL), NlmFlag.REQUEST | NlmFlag.ACK, seq, Family.UNSPEC, 0);
  b.string(CthAttr.NAME, name);
  writeHelperTuple(b, l3, l4);
  return b.finish();
}

/** NFNL_MSG_CTHELPER_GET dump: the start-up probe (EINVAL or EOPNOTSUPP when the subsystem is missing). */
export function encodeHelperGetDump(seq: number): Uint8Array {
  return new MessageBuilder(nfnlType(NfnlSubsys.CTHELPER, CthMsg.GET), NlmFlag.REQUEST | NlmFlag.DUMP | NlmFlag.ACK, seq, Family.UNSPEC, 0).finish();
}

/** Decodes a helper message (dump answer); null for anything else. */
export function decodeHelper(m: NlMessage): UserspaceHelper | null {
  if (m.type !== nfnlType(NfnlSubsys.CTHELPER, CthMsg.NEW)) return null;
  const a = Attrs.ofMessage(m);
  const name = a.string(CthAttr.NAME);
  const tuple = a.nested(CthAttr.TUPLE);
  if (name === null || !tuple) return null;
  const policy = a.nested(CthAttr.POLICY);
  const policies: CthPolicy[] = [];
  const count = policy?.be32(CthPolicySetAttr.NUM) ?? 0;
  for (let i = 0; i < Math.min(count, 8); i++) {
    const p = policy?.nested(CthPolicySetAttr.SET + i);
    if (!p) break;
    policies.push({ name: p.string(CthPolicyAttr.NAME) ?? "", maxExpected: p.be32(CthPolicyAttr.EXPECT_MAX) ?? 0, timeout: p.be32(CthPolicyAttr.EXPECT_TIMEOUT) ?? 0 });
  }
  return {
    name,
    l3: tuple.be16(CthTupleAttr.L3PROTONUM) ?? 0,
    l4: tuple.u8(CthTupleAttr.L4PROTONUM) ?? 0,
    queue: a.be32(CthAttr.QUEUE_NUM) ?? 0,
    policies,
    enabled: (a.be32(CthAttr.STATUS) ?? CthStatus.ENABLED) === CthStatus.ENABLED,
  };
}
