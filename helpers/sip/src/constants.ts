/** The SIP port (RFC 3261), Linux's `SIP_PORT`: the default attach port and the port a URI without one means. */
export const SIP_PORT = 5060;

/** Seconds a SIP master connection lives after each message (Linux's `sip_timeout` default, `SIP_TIMEOUT`). */
export const SIP_TIMEOUT = 3600;

/**
 * Expectation classes, in Linux's order (`enum sip_expectation_classes`):
 * the index of each class's policy in the helper's `policies`.
 */
export const SipClass = {
  /** An incoming signalling connection to a registered Contact (REGISTER). */
  SIGNALLING: 0,
  /** RTP and RTCP of an `m=audio` line. */
  AUDIO: 1,
  /** RTP and RTCP of an `m=video` line. */
  VIDEO: 2,
  /** RTP and RTCP of an `m=image` line (T.38 fax). */
  IMAGE: 3,
} as const;
export type SipClass = (typeof SipClass)[keyof typeof SipClass];

/** Lowest port Linux accepts in a URI or an SDP media line (below it the message is dropped). */
export const MIN_PORT = 1024;
export const MAX_PORT = 65535;

/** Shortest message Linux looks at: `strlen("SIP/2.0 200")`. */
export const MIN_MESSAGE = 11;
