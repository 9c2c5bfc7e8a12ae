import type { ExpectPolicy } from "@alg-sdk/core";

/**
 * Linux's `sip_exp_policy`: per master connection at most one signalling
 * expectation, four audio and four video (an RTP and an RTCP expectation
 * for each direction: `2 * IP_CT_DIR_MAX`), two image; each lives three
 * minutes unless its request says otherwise (the signalling expectation
 * lives `sip_timeout`). A fifth audio expectation evicts the oldest.
 */
export const SIP_POLICIES: readonly ExpectPolicy[] = [
  { name: "signalling", maxExpected: 1, timeout: 3 * 60 },
  { name: "audio", maxExpected: 2 * 2, timeout: 3 * 60 },
  { name: "video", maxExpected: 2 * 2, timeout: 3 * 60 },
  { name: "image", maxExpected: 2, timeout: 3 * 60 },
];
