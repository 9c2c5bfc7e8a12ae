/**
 * Netlink and nfnetlink numbers, from include/uapi/linux/netlink.h and
 * include/uapi/linux/netfilter/nfnetlink.h.
 */

/** `NETLINK_NETFILTER`: the socket protocol of every nfnetlink subsystem. */
export const NETLINK_NETFILTER = 12;

/** Control message types below NLMSG_MIN_TYPE (0x10). */
export const NlMsgType = {
  NOOP: 1,
  ERROR: 2,
  DONE: 3,
  OVERRUN: 4,
} as const;

/** `nlmsg_flags` bits. */
export const NlmFlag = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  ECHO: 0x8,
  /** GET: dump every object (ROOT | MATCH). */
  DUMP: 0x300,
  /** NEW: replace an existing object. */
  REPLACE: 0x100,
  /** NEW: fail if it exists. */
  EXCL: 0x200,
  /** NEW: create it if it does not exist. */
  CREATE: 0x400,
} as const;

/** `NLA_F_NESTED`: set on the type of an attribute that holds attributes. */
export const NLA_F_NESTED = 0x8000;
/** `NLA_F_NET_BYTEORDER`: the kernel sets it on some big-endian values. */
export const NLA_F_NET_BYTEORDER = 0x4000;
/** Mask that leaves the attribute type without the two flag bits. */
export const NLA_TYPE_MASK = 0x3fff;

/** `struct nlmsghdr` is 16 bytes, `struct nfgenmsg` 4, `struct nlattr` 4. */
export const NLMSG_HDRLEN = 16;
export const NFGENMSG_LEN = 4;
export const NLA_HDRLEN = 4;

/** Netlink aligns messages and attributes to 4 bytes (NLMSG_ALIGN, NLA_ALIGN). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** nfnetlink subsystem ids: the high byte of an nfnetlink message type. */
export const NfnlSubsys = {
  CTNETLINK: 1,
  CTNETLINK_EXP: 2,
  QUEUE: 3,
  CTHELPER: 9,
} as const;

/** `NFNETLINK_V0`, the only nfgenmsg version. */
export const NFNETLINK_V0 = 0;

/** Address families as nfgenmsg and conntrack carry them. */
export const Family = {
  UNSPEC: 0,
  INET: 2,
  INET6: 10,
} as const;

/** Netfilter verdicts (include/uapi/linux/netfilter.h). */
export const NfVerdict = {
  DROP: 0,
  ACCEPT: 1,
  STOLEN: 2,
  QUEUE: 3,
  REPEAT: 4,
} as const;

/** The nfnetlink message type: subsystem in the high byte, message in the low one (NFNL_MSG_TYPE). */
export function nfnlType(subsys: number, msg: number): number {
  return ((subsys & 0xff) << 8) | (msg & 0xff);
}
