/**
 * @packageDocumentation
 * `@alg-sdk/helper-pptp`: the PPTP helper for alg-sdk, with the behaviour of
 * Linux's `nf_conntrack_pptp`: a call set up on the tcp/1723 control
 * connection expects its GRE packets both ways, keyed by the call ids
 * through the GRE tracker's keymaps, and the call's end removes them.
 */
export { PPTP_PORT, pptpHelper } from "./helper.js";
export { CallState, SessionState, type PptpSession } from "./session.js";
export { HEADER_LENGTH, MESSAGE_BODY_LENGTH, PptpMessage, emptyMessage, readControlMessage, type ControlMessage } from "./messages.js";
