import { HelperVerdict, sameAddress } from "@alg-sdk/core";
import { ascii, caselessPrefix, matchesCaselessAt } from "@alg-sdk/core/payload";
import { bye, invite, sessionResponse, sessionUpdate } from "./calls.js";
import { SP, isAlpha } from "./chars.js";
import { MIN_MESSAGE } from "./constants.js";
import { senderAddress, senderPort } from "./endpoints.js";
import { parseHeaderUri } from "./header-params.js";
import type { SipMessage } from "./message.js";
import { readUnsigned } from "./numbers.js";
import { register, registerResponse } from "./registration.js";
import { CSEQ, Found, VIA_UDP, findHeader } from "./sip-headers.js";

type RequestHandler = (msg: SipMessage, cseq: number) => HelperVerdict;
type ResponseHandler = (msg: SipMessage, cseq: number, code: number) => HelperVerdict;

/** A method Linux's SIP helper acts on, and what it does with its requests and responses (`sip_handlers`). */
interface Method {
  readonly name: Uint8Array;
  readonly request: RequestHandler | null;
  readonly response: ResponseHandler | null;
}

/** In Linux's order. */
const METHODS: readonly Method[] = [
  { name: ascii("invite"), request: invite, response: sessionResponse },
  { name: ascii("update"), request: sessionUpdate, response: sessionResponse },
  { name: ascii("ack"), request: sessionUpdate, response: null },
  { name: ascii("prack"), request: sessionUpdate, response: sessionResponse },
  { name: ascii("bye"), request: bye, response: null },
  { name: ascii("register"), request: register, response: registerResponse },
];

const STATUS_LINE = ascii("sip/2.0 ");

/** {@link cseqOf}'s answers when there is no usable CSeq. */
const NO_CSEQ = -1;
const WRAPPED_CSEQ = -2;

/**
 * The CSeq number (`ct_sip_get_header` + `simple_strtoul`, 32 bits), or
 * NO_CSEQ when the first CSeq header is missing or has no number, or
 * WRAPPED_CSEQ when the number wraps to 0 without being "0": Linux drops
 * the message in both cases.
 */
function cseqOf(msg: SipMessage): number {
  const m = msg.match;
  if (findHeader(CSEQ, msg.bytes, msg.start, msg.end, msg.family, m) !== Found.YES) return NO_CSEQ;
  const cseq = readUnsigned(msg.bytes, m.off, msg.end);
  if (cseq === 0 && msg.bytes[m.off] !== 0x30) return WRAPPED_CSEQ;
  return cseq;
}

/** The drop for a missing or wrapped CSeq. */
function dropForCseq(msg: SipMessage, cseq: number): HelperVerdict {
  return msg.drop(cseq === NO_CSEQ ? "cannot parse cseq" : "cannot get cseq");
}

/**
 * Linux's `process_sip_request`. First the Via: a sender that names its
 * own address with another port than it sends from has that port
 * remembered (for NAT). Then the method (case-insensitive, followed by a
 * space and a letter) picks the handler; unknown methods (CANCEL, OPTIONS,
 * …) pass untouched.
 */
function request(msg: SipMessage): HelperVerdict {
  const { bytes: b, start, end, ctx } = msg;
  if (parseHeaderUri(VIA_UDP, b, start, end, msg.family, null, msg.match, msg.uri) === Found.YES) {
    const via = msg.uri;
    if (via.port !== senderPort(ctx) && sameAddress(via.address, senderAddress(ctx))) {
      msg.state.viaPort = via.port;
      if (ctx.log.enabled) ctx.log.debug(`Via names port ${via.port}`, { port: via.port });
    }
  }
  for (let i = 0; i < METHODS.length; i++) {
    const method = METHODS[i]!;
    if (method.request === null) continue;
    const len = method.name.length;
    if (end - start < len + 2 || !caselessPrefix(b, start, method.name, len)) continue;
    if (b[start + len] !== SP || !isAlpha(b[start + len + 1]!)) continue;
    const cseq = cseqOf(msg);
    return cseq < 0 ? dropForCseq(msg, cseq) : method.request(msg, cseq);
  }
  return HelperVerdict.ACCEPT;
}

/**
 * Linux's `process_sip_response`: the status code (not 0), the CSeq, and
 * the method after the CSeq number (matched by prefix) picks the handler.
 */
function response(msg: SipMessage): HelperVerdict {
  const { bytes: b, start, end } = msg;
  if (end - start < MIN_MESSAGE) return HelperVerdict.ACCEPT;
  const code = readUnsigned(b, start + STATUS_LINE.length, end);
  if (code === 0) return msg.drop("cannot get code");
  const cseq = cseqOf(msg);
  if (cseq < 0) return dropForCseq(msg, cseq);
  // One byte (normally a space) separates the number from the method.
  const methodAt = msg.match.off + msg.match.len + 1;
  for (let i = 0; i < METHODS.length; i++) {
    const method = METHODS[i]!;
    if (method.response === null) continue;
    if (end < methodAt + method.name.length || !caselessPrefix(b, methodAt, method.name, method.name.length)) continue;
    return method.response(msg, cseq, code);
  }
  return HelperVerdict.ACCEPT;
}

/** Linux's `process_sip_msg` (without NAT): a response starts with "SIP/2.0 ", anything else is a request. */
export function processSipMessage(msg: SipMessage): HelperVerdict {
  return matchesCaselessAt(msg.bytes, msg.start, msg.end, STATUS_LINE) ? response(msg) : request(msg);
}
