import { NLMSG_HDRLEN } from "./constants.js";
import type { NlMessage } from "./reader.js";

/**
 * An NLMSG_ERROR message: `error` is 0 for an acknowledgement, else a
 * negative errno; the original request's header follows, whose seq ties the
 * answer to its request (struct nlmsgerr).
 */
export interface NlError {
  readonly errno: number;
  readonly requestSeq: number;
  readonly requestType: number;
}

export function decodeError(m: NlMessage): NlError | null {
  if (m.end - m.payload < 4 + NLMSG_HDRLEN) {
    // Some kernels trim the echoed header only under NETLINK_CAP_ACK; the
    // errno alone is still an answer, tied by the outer seq.
    if (m.end - m.payload < 4) return null;
  }
  const view = new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
  const error = view.getInt32(m.payload, true);
  const hasHeader = m.end - m.payload >= 4 + NLMSG_HDRLEN;
  return {
    errno: error === 0 ? 0 : -error,
    requestSeq: hasHeader ? view.getUint32(m.payload + 4 + 8, true) : m.seq,
    requestType: hasHeader ? view.getUint16(m.payload + 4 + 4, true) : 0,
  };
}

const ERRNO_NAMES: Record<number, string> = {
  0: "OK",
  1: "EPERM",
  2: "ENOENT",
  11: "EAGAIN",
  12: "ENOMEM",
  16: "EBUSY",
  17: "EEXIST",
  19: "ENODEV",
  22: "EINVAL",
  24: "EMFILE",
  28: "ENOSPC",
  95: "EOPNOTSUPP",
  105: "ENOBUFS",
  110: "ETIMEDOUT",
  114: "EALREADY",
};

/** `EOPNOTSUPP (95)` style name for logs and counters. */
export function errnoName(errno: number): string {
  const name = ERRNO_NAMES[errno];
  return name ? `${name} (${errno})` : `errno ${errno}`;
}

export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  EMFILE: 24,
  EOPNOTSUPP: 95,
  ENOBUFS: 105,
  ETIMEDOUT: 110,
  EALREADY: 114,
} as const;
