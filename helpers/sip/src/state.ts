/**
 * What the helper remembers about one SIP connection: Linux's
 * `struct nf_ct_sip_master`. Created by the engine (the helper's
 * `createState`); all zero at first, as in Linux.
 */
export class SipState {
  /** CSeq of the last REGISTER the helper accepted: only the final response with this CSeq confirms or ends a registration. */
  registerCseq = 0;
  /** CSeq of the last INVITE the helper accepted: a failure response with this CSeq removes the call's media expectations. */
  inviteCseq = 0;
  /**
   * The port a request's Via named when it is not the sender's source port
   * (phones that send from a high port but listen on 5060), 0 if none. Linux
   * keeps it (`forced_dport`) for its SIP NAT, which redirects responses there.
   */
  viaPort = 0;
}
