/** nfnetlink_queue numbers, from include/uapi/linux/netfilter/nfnetlink_queue.h. */

export const NfqMsg = {
  PACKET: 0,
  VERDICT: 1,
  CONFIG: 2,
  VERDICT_BATCH: 3,
} as const;

/** Attributes of packet and verdict messages (enum nfqnl_attr_type). */
export const NfqAttr = {
  PACKET_HDR: 1,
  VERDICT_HDR: 2,
  MARK: 3,
  TIMESTAMP: 4,
  IFINDEX_INDEV: 5,
  IFINDEX_OUTDEV: 6,
  IFINDEX_PHYSINDEV: 7,
  IFINDEX_PHYSOUTDEV: 8,
  HWADDR: 9,
  PAYLOAD: 10,
  CT: 11,
  CT_INFO: 12,
  CAP_LEN: 13,
  SKB_INFO: 14,
  EXP: 15,
  UID: 16,
  GID: 17,
  SECCTX: 18,
} as const;

/** Attributes of config messages (enum nfqnl_attr_config). */
export const NfqCfgAttr = {
  CMD: 1,
  PARAMS: 2,
  QUEUE_MAXLEN: 3,
  MASK: 4,
  FLAGS: 5,
} as const;

/** enum nfqnl_msg_config_cmds. PF_BIND/PF_UNBIND are no-ops since Linux 3.8. */
export const NfqCfgCmd = {
  NONE: 0,
  BIND: 1,
  UNBIND: 2,
  PF_BIND: 3,
  PF_UNBIND: 4,
} as const;

/** enum nfqnl_config_mode. */
export const NfqCopyMode = {
  NONE: 0,
  META: 1,
  PACKET: 2,
} as const;

/** NFQA_CFG_F_* queue flags. */
export const NfqCfgFlag = {
  /** Accept packets instead of dropping them when the queue is full or the listener cannot take them. */
  FAIL_OPEN: 1 << 0,
  /** Attach the packet's conntrack (NFQA_CT, NFQA_CT_INFO); needs nfnetlink_glue in the kernel. */
  CONNTRACK: 1 << 1,
  GSO: 1 << 2,
  UID_GID: 1 << 3,
  SECCTX: 1 << 4,
} as const;

/** enum ip_conntrack_info, as NFQA_CT_INFO carries it. */
export const CtInfo = {
  ESTABLISHED: 0,
  RELATED: 1,
  NEW: 2,
  ESTABLISHED_REPLY: 3,
  RELATED_REPLY: 4,
} as const;
