import { HelperVerdict } from "@alg-sdk/core";
import { removeMedia } from "./media.js";
import type { SipMessage } from "./message.js";
import { expectSessionMedia } from "./session-description.js";

/**
 * The call handlers of Linux's `sip_handlers` table: how requests and
 * responses of a call (INVITE dialog) add and remove media expectations.
 */

/**
 * INVITE (and re-INVITE): the call's previous media expectations are
 * removed, then the offer's are made. If that succeeds its CSeq is kept, so
 * a failure response to it can end them (`process_invite_request`).
 */
export function invite(msg: SipMessage, cseq: number): HelperVerdict {
  removeMedia(msg.ctx);
  const v = expectSessionMedia(msg);
  if (v === HelperVerdict.ACCEPT) msg.state.inviteCseq = cseq;
  return v;
}

/** BYE: the call is over; media streams not started yet will not be (`process_bye_request`). */
export function bye(msg: SipMessage): HelperVerdict {
  removeMedia(msg.ctx);
  return HelperVerdict.ACCEPT;
}

/** UPDATE, ACK and PRACK requests: an SDP offer or answer in them is expected like an INVITE's (Linux calls `process_sdp` directly). */
export function sessionUpdate(msg: SipMessage): HelperVerdict {
  return expectSessionMedia(msg);
}

/**
 * A response to INVITE, UPDATE or PRACK (`process_invite_response` and its
 * twins): provisional or success responses carry the answer's SDP; any
 * other response whose CSeq is the last INVITE's (a rejection, or 487 after
 * a CANCEL) removes the call's media expectations.
 */
export function sessionResponse(msg: SipMessage, cseq: number, code: number): HelperVerdict {
  if ((code >= 100 && code <= 199) || (code >= 200 && code <= 299)) return expectSessionMedia(msg);
  if (msg.state.inviteCseq === cseq) removeMedia(msg.ctx);
  return HelperVerdict.ACCEPT;
}
