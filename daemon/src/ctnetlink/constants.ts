/** ctnetlink numbers, from include/uapi/linux/netfilter/nfnetlink_conntrack.h. */

/** Messages of subsystem CTNETLINK (enum cntl_msg_types). */
export const CtMsg = {
  NEW: 0,
  GET: 1,
  DELETE: 2,
} as const;

/** Messages of subsystem CTNETLINK_EXP (enum ctnl_exp_msg_types). */
export const ExpMsg = {
  NEW: 0,
  GET: 1,
  DELETE: 2,
} as const;

/** Conntrack attributes (enum ctattr_type). */
export const CtAttr = {
  TUPLE_ORIG: 1,
  TUPLE_REPLY: 2,
  STATUS: 3,
  PROTOINFO: 4,
  HELP: 5,
  NAT_SRC: 6,
  TIMEOUT: 7,
  MARK: 8,
  USE: 11,
  ID: 12,
  NAT_DST: 13,
  TUPLE_MASTER: 14,
  ZONE: 18,
} as const;

/** Tuple attributes (enum ctattr_tuple). */
export const TupleAttr = {
  IP: 1,
  PROTO: 2,
  ZONE: 3,
} as const;

/** Address attributes (enum ctattr_ip). */
export const IpAttr = {
  V4_SRC: 1,
  V4_DST: 2,
  V6_SRC: 3,
  V6_DST: 4,
} as const;

/** Layer-4 attributes (enum ctattr_l4proto). */
export const ProtoAttr = {
  NUM: 1,
  SRC_PORT: 2,
  DST_PORT: 3,
  ICMP_ID: 4,
  ICMP_TYPE: 5,
  ICMP_CODE: 6,
  ICMPV6_ID: 7,
  ICMPV6_TYPE: 8,
  ICMPV6_CODE: 9,
} as const;

/** CTA_HELP contents (enum ctattr_help). */
export const HelpAttr = {
  NAME: 1,
} as const;

/** Expectation attributes (enum ctattr_expect). */
export const ExpAttr = {
  MASTER: 1,
  TUPLE: 2,
  MASK: 3,
  TIMEOUT: 4,
  ID: 5,
  HELP_NAME: 6,
  ZONE: 7,
  FLAGS: 8,
  CLASS: 9,
  NAT: 10,
  FN: 11,
} as const;

/** NF_CT_EXPECT_* flags. */
export const ExpFlag = {
  PERMANENT: 0x1,
  INACTIVE: 0x2,
  USERSPACE: 0x4,
} as const;

/** Multicast groups for `conntrack -E expect` style listeners (enum nfnetlink_groups). */
export const NfnlGroup = {
  CONNTRACK_NEW: 1,
  CONNTRACK_UPDATE: 2,
  CONNTRACK_DESTROY: 3,
  EXP_NEW: 4,
  EXP_UPDATE: 5,
  EXP_DESTROY: 6,
} as const;
