import { MessageBuilder } from "../netlink/builder.js";
import { Family, NfnlSubsys, NlmFlag, nfnlType } from "../netlink/constants.js";
import { NfqCfgAttr, NfqMsg } from "./constants.js";

/** What a queue's config message sets (nfqnl_recv_config reads each part independently). */
export interface QueueConfig {
  readonly queue: number;
  /** NFQNL_CFG_CMD_*: BIND before anything else, UNBIND to leave. */
  readonly command?: number;
  /** Copy mode and range: the daemon needs whole packets (COPY_PACKET, 0xffff). */
  readonly copyMode?: number;
  readonly copyRange?: number;
  /** Packets the kernel holds for this queue before it drops (or, fail-open, accepts). */
  readonly maxLen?: number;
  /** NFQA_CFG_F_* bits to set, and which bits the message changes. */
  readonly flags?: number;
  readonly flagsMask?: number;
}

/** An NFQNL_MSG_CONFIG request for one queue (res_id = queue number), acknowledged. */
export function encodeQueueConfig(c: QueueConfig, seq: number): Uint8Array {
  const b = new MessageBuilder(nfnlType(NfnlSubsys.QUEUE, NfqMsg.CONFIG), NlmFlag.REQUEST | NlmFlag.ACK, seq, Family.UNSPEC, c.queue);
  if (c.command !== undefined) {
    // struct nfqnl_msg_config_cmd { u8 command; u8 _pad; __be16 pf; }
    b.bytes(NfqCfgAttr.CMD, new Uint8Array([c.command, 0, 0, 0]));
  }
  if (c.copyMode !== undefined) {
    // struct nfqnl_msg_config_params { __be32 copy_range; u8 copy_mode; } __packed: 5 bytes.
    const p = new Uint8Array(5);
    new DataView(p.buffer).setUint32(0, (c.copyRange ?? 0xffff) >>> 0, false);
    p[4] = c.copyMode;
    b.bytes(NfqCfgAttr.PARAMS, p);
  }
  if (c.maxLen !== undefined) b.be32(NfqCfgAttr.QUEUE_MAXLEN, c.maxLen);
  if (c.flags !== undefined) {
    // The kernel wants both or neither (nfqnl_recv_config: -EINVAL otherwise).
    b.be32(NfqCfgAttr.FLAGS, c.flags);
    b.be32(NfqCfgAttr.MASK, c.flagsMask ?? c.flags);
  }
  return b.finish();
}

