/** nfnetlink_cthelper numbers, from include/uapi/linux/netfilter/nfnetlink_cthelper.h. */

export const CthMsg = {
  NEW: 0,
  GET: 1,
  DEL: 2,
} as const;

/** enum nfnl_cthelper_type. */
export const CthAttr = {
  NAME: 1,
  TUPLE: 2,
  QUEUE_NUM: 3,
  POLICY: 4,
  PRIV_DATA_LEN: 5,
  STATUS: 6,
} as const;

/** enum nfnl_cthelper_tuple_type. */
export const CthTupleAttr = {
  L3PROTONUM: 1,
  L4PROTONUM: 2,
} as const;

/** enum nfnl_cthelper_policy_type: a count, then one nest per class numbered from SET. */
export const CthPolicySetAttr = {
  NUM: 1,
  SET: 2,
} as const;

/** enum nfnl_cthelper_pol_type. */
export const CthPolicyAttr = {
  NAME: 1,
  EXPECT_MAX: 2,
  EXPECT_TIMEOUT: 3,
} as const;

export const CthStatus = {
  DISABLED: 0,
  ENABLED: 1,
} as const;

/** NF_CT_HELPER_NAME_LEN and NF_CT_MAX_EXPECT_CLASSES. */
export const HELPER_NAME_MAX = 15;
export const MAX_EXPECT_CLASSES = 4;
