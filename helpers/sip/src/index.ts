/**
 * @packageDocumentation
 * `@alg-sdk/helper-sip`: the SIP helper for alg-sdk, with the behaviour of
 * Linux's `nf_conntrack_sip`: SDP media (RTP and RTCP) and REGISTER
 * signalling expectations, over UDP and TCP.
 */
export { sipHelper } from "./helper.js";
export { SIP_PORT, SIP_TIMEOUT, SipClass } from "./constants.js";
export { SIP_POLICIES } from "./policies.js";
export type { SameInterfaceTest, SipOptions } from "./options.js";
export type { SipState } from "./state.js";
