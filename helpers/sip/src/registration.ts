import { ExpectFlag, HelperVerdict, sameAddress } from "@alg-sdk/core";
import { ascii } from "@alg-sdk/core/payload";
import { SipClass } from "./constants.js";
import { peerAddress, receiverAddress, senderAddress } from "./endpoints.js";
import { contactTransport, findNumberParam, parseHeaderUri } from "./header-params.js";
import type { SipContext, SipMessage } from "./message.js";
import { number, readUnsigned } from "./numbers.js";
import { CONTACT, EXPIRES, Found, ListPosition, findHeader } from "./sip-headers.js";

/**
 * The signalling expectation (Linux's `process_register_request`,
 * `process_register_response`, `refresh_signalling_expectation`): when a
 * phone registers its Contact, the registrar will later open a signalling
 * connection to it (an incoming call). The REGISTER creates an expectation
 * for it, PERMANENT (every such connection matches, not just the first)
 * and INACTIVE (nothing matches yet); the registrar's 2xx activates it for
 * the granted time; anything else removes it.
 */

const EXPIRES_PARAM = ascii("expires=");

/** The `Expires:` header's value, or 0 without one. */
function expiresHeader(msg: SipMessage): number {
  const m = msg.match;
  if (findHeader(EXPIRES, msg.bytes, msg.start, msg.end, msg.family, m) !== Found.YES) return 0;
  return readUnsigned(msg.bytes, m.off, msg.end);
}

/** Linux's `flush_expectations(ct, false)`: removes the connection's (single) signalling expectation. */
export function removeSignalling(ctx: SipContext): void {
  for (const e of ctx.expectations({ class: SipClass.SIGNALLING })) if (e.remove()) return;
}

/**
 * REGISTER: expects the registrar (any port; anyone without
 * `directSignalling`) to connect to the first parsable Contact, over its
 * `transport=` (default: this connection's protocol), the expected
 * connection getting this helper.
 *
 * The expectation lives the signalling policy's 180 s (not `timeout`: see
 * the README) until the registrar's 2xx sets its lifetime to the expiry.
 *
 * Nothing is expected (the message passes) when the connection itself came
 * from an expectation, when the Contact is not the sender's own address
 * (third-party registration), names another transport, or has no expiry
 * (no `Expires:` header and no `expires=` parameter) or expiry 0 (an
 * unregistration). An unparsable Contact address or port, an `expires=`
 * without digits, or an expectation the engine refuses drop the message.
 */
export function register(msg: SipMessage, cseq: number): HelperVerdict {
  const ctx = msg.ctx;
  const conn = ctx.connection;
  if (conn.expected) return HelperVerdict.ACCEPT;
  const { bytes: b, start, end, family, match: m, uri } = msg;

  let expires = expiresHeader(msg);
  const r = parseHeaderUri(CONTACT, b, start, end, family, null, m, uri);
  if (r === Found.BAD) return msg.drop("cannot parse contact");
  if (r === Found.NO) return HelperVerdict.ACCEPT;
  if (!sameAddress(senderAddress(ctx), uri.address)) return HelperVerdict.ACCEPT;

  const paramsAt = m.off + m.len;
  const proto = contactTransport(b, paramsAt, end, ctx.protocol, m);
  if (proto === 0) return HelperVerdict.ACCEPT;
  const p = findNumberParam(b, paramsAt, end, EXPIRES_PARAM);
  if (p === Found.BAD) return msg.drop("cannot parse expires");
  if (p === Found.YES) expires = number.value;

  if (expires !== 0) {
    const e = ctx.expect({
      class: SipClass.SIGNALLING,
      protocol: proto,
      src: msg.options.directSignalling ? peerAddress(ctx) : null,
      srcPort: null,
      dst: uri.address,
      dstPort: uri.port,
      flags: ExpectFlag.PERMANENT | ExpectFlag.INACTIVE,
      helper: msg.helperName,
      // Linux sets sip_timeout here, but its expectation core then replaces any
      // timeout with the class policy's on insertion: the expectation lives 180 s.
    });
    if (!e.ok) return msg.drop("cannot add expectation");
  }
  msg.state.registerCseq = cseq;
  return HelperVerdict.ACCEPT;
}

/**
 * Linux's `refresh_signalling_expectation`: the signalling expectation for
 * `address`:`port` over `proto` gets `seconds` more to live and becomes
 * active. False when there is none.
 */
function confirmRegistration(ctx: SipContext, address: Uint32Array, proto: number, port: number, seconds: number): boolean {
  for (const e of ctx.expectations({ class: SipClass.SIGNALLING })) {
    const t = e.tuple;
    if (t.protocol !== proto || t.dstPort !== port || !sameAddress(t.dst, address)) continue;
    if (e.refresh(seconds)) {
      e.activate();
      return true;
    }
  }
  return false;
}

/**
 * The registrar's response to the last accepted REGISTER (other CSeqs are
 * ignored: late answers to retransmissions). 1xx: nothing yet. 2xx: the
 * first Contact that is the registering phone's address, with its
 * transport, confirms the expectation for its expiry (`expires=`, else the
 * `Expires:` header); an expiry of 0 or no matching Contact ends it.
 * Other codes end it. An unparsable Contact or `expires=` drops the message.
 */
export function registerResponse(msg: SipMessage, cseq: number, code: number): HelperVerdict {
  const ctx = msg.ctx;
  if (msg.state.registerCseq !== cseq) return HelperVerdict.ACCEPT;
  if (code >= 100 && code <= 199) return HelperVerdict.ACCEPT;
  if (code >= 200 && code <= 299) {
    const { bytes: b, end, family, match: m, uri } = msg;
    const expires = expiresHeader(msg);
    const list = scratchList;
    list.inList = false;
    let from = msg.start;
    for (;;) {
      const r = parseHeaderUri(CONTACT, b, from, end, family, list, m, uri);
      if (r === Found.BAD) return msg.drop("cannot parse contact");
      if (r === Found.NO) break;
      from = uri.end;
      // Only the registering phone's own bindings (it is where this response goes).
      if (!sameAddress(receiverAddress(ctx), uri.address)) continue;
      const paramsAt = m.off + m.len;
      const proto = contactTransport(b, paramsAt, end, ctx.protocol, m);
      if (proto === 0) continue;
      let seconds = expires;
      const p = findNumberParam(b, paramsAt, end, EXPIRES_PARAM);
      if (p === Found.BAD) return msg.drop("cannot parse expires");
      if (p === Found.YES) seconds = number.value;
      if (seconds === 0) break;
      if (confirmRegistration(ctx, uri.address, proto, uri.port, seconds)) return HelperVerdict.ACCEPT;
    }
  }
  removeSignalling(ctx);
  return HelperVerdict.ACCEPT;
}

const scratchList = new ListPosition();
