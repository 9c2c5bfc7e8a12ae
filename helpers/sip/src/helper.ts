import { HelperVerdict, IpProto, PacketState, defineHelper, type Helper } from "@alg-sdk/core";
import { MIN_MESSAGE } from "./constants.js";
import { processSipMessage } from "./dispatch.js";
import { Match } from "./header-match.js";
import { SipMessage, type SipContext } from "./message.js";
import { resolveSipOptions, sipRules, type SipOptions } from "./options.js";
import { SIP_POLICIES } from "./policies.js";
import { SipState } from "./state.js";
import { forEachTcpMessage } from "./tcp-framing.js";

const NAME = "sip";

/**
 * Creates the SIP helper, with the behaviour of Linux's `nf_conntrack_sip`
 * (connection tracking only: rewriting SIP for NAT is not done).
 *
 * On a SIP connection (UDP or TCP, port 5060 by default) it reads each
 * message and expects:
 * - the RTP and RTCP streams every SDP offer or answer announces (`m=audio`,
 *   `m=video`, `m=image`, to the `c=` address, from the other signalling
 *   peer), removed again by BYE, by a new INVITE, or by a failure response
 *   to the INVITE (a rejection, or 487 after a CANCEL);
 * - after a REGISTER, the registrar's incoming signalling connection to the
 *   registered Contact, activated by the registrar's 2xx for the granted
 *   expiry, attached to this helper;
 * and it keeps the SIP connection alive for `timeout` seconds (3600) after
 * every message.
 *
 * @example
 * ```ts
 * import { createEngine } from "@alg-sdk/core";
 * import { sipHelper } from "@alg-sdk/helper-sip";
 * const engine = createEngine({ helpers: [sipHelper()] }); // udp/5060 and tcp/5060
 * ```
 */
export function sipHelper(options: SipOptions = {}): Helper<SipState, undefined> {
  const o = resolveSipOptions(options);
  const msg = new SipMessage(o, NAME);
  const framing = new Match();
  const processMessage = (start: number, end: number): HelperVerdict => processSipMessage(msg.span(start, end));

  /** Linux's `sip_help_udp`: the datagram is one message. */
  function udpDatagram(ctx: SipContext): HelperVerdict {
    ctx.setTimeout(o.timeout);
    if (ctx.payloadLength < MIN_MESSAGE) return HelperVerdict.ACCEPT;
    const start = ctx.payloadOffset;
    return processSipMessage(msg.span(start, start + ctx.payloadLength));
  }

  /** Linux's `sip_help_tcp`: established connections only, the messages a segment holds whole. */
  function tcpSegment(ctx: SipContext): HelperVerdict {
    if (ctx.state !== PacketState.ESTABLISHED) return HelperVerdict.ACCEPT;
    ctx.setTimeout(o.timeout);
    if (ctx.payloadLength < MIN_MESSAGE) return HelperVerdict.ACCEPT;
    const start = ctx.payloadOffset;
    return forEachTcpMessage(ctx.bytes, start, start + ctx.payloadLength, ctx.family, framing, processMessage);
  }

  return defineHelper<SipState, undefined>({
    name: NAME,
    policies: SIP_POLICIES,
    attach: sipRules(o.ports),
    createState: () => new SipState(),
    onPacket(ctx) {
      if (ctx.payloadLength === 0) return HelperVerdict.ACCEPT;
      if (ctx.protocol !== IpProto.UDP && ctx.protocol !== IpProto.TCP) return HelperVerdict.ACCEPT;
      msg.bind(ctx);
      try {
        return ctx.protocol === IpProto.UDP ? udpDatagram(ctx) : tcpSegment(ctx);
      } finally {
        msg.release();
      }
    },
  });
}
