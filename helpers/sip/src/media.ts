import { HelperVerdict, IpProto, sameAddress, type ExpectationHandle } from "@alg-sdk/core";
import { SipClass } from "./constants.js";
import { peerAddress, senderAddress } from "./endpoints.js";
import type { SipContext, SipMessage } from "./message.js";

/** What registering one media expectation gave: the handle, ALREADY (Linux's -EALREADY, taken as success) or REFUSED. */
const ALREADY = true;
const REFUSED = false;

/**
 * One RTP or RTCP expectation (`nf_ct_expect_related` with
 * `NF_CT_EXP_F_SKIP_MASTER`): UDP from `src` (null: anyone), any port, to
 * `dst`:`port`, the class's three minutes. Linux takes "already expected"
 * (under another class, or by another call) as success: a message must not
 * be dropped for announcing a stream twice.
 */
function expectStream(msg: SipMessage, src: ArrayLike<number> | null, dst: Uint32Array, port: number, cls: number): ExpectationHandle | boolean {
  const r = msg.ctx.expect({ class: cls, protocol: IpProto.UDP, src, srcPort: null, dst, dstPort: port, skipMaster: true });
  if (r.ok) return r.expectation;
  return r.reason === "already" ? ALREADY : REFUSED;
}

/**
 * Linux's `set_expected_rtp_rtcp` (without NAT): expects the RTP stream on
 * the even port at or below `port` and RTCP on the next one, both or
 * neither, to the media `address` the SDP gave.
 *
 * - Direct media (default): the address must be the sender's own, else
 *   nothing is expected (the message passes); the streams may only come
 *   from the other signalling peer.
 * - Otherwise from anyone; with `externalMedia`, media reached through the
 *   same interface as the SIP packet's destination is not expected.
 * - If another SIP call of this engine already expects these media (same
 *   class, looked up with the port as announced), nothing more is expected.
 *
 * Returns DROP when the engine refuses an expectation (as Linux), having
 * taken back the RTP one if it was made here.
 */
export function expectMedia(msg: SipMessage, address: Uint32Array, port: number, cls: SipClass): HelperVerdict {
  const ctx = msg.ctx;
  const o = msg.options;
  let src: ArrayLike<number> | null = null;
  if (o.directMedia) {
    if (!sameAddress(address, senderAddress(ctx))) return HelperVerdict.ACCEPT;
    src = peerAddress(ctx);
  } else if (o.externalMedia !== null && o.externalMedia(address, ctx.dst, msg.family === 6 ? 6 : 4)) {
    return HelperVerdict.ACCEPT;
  }
  const other = ctx.findExpectation({ protocol: IpProto.UDP, src, dst: address, dstPort: port });
  if (other !== null && other.master?.id !== ctx.connection.id && other.helper === msg.helperName && other.class === cls) return HelperVerdict.ACCEPT;

  const base = port & ~1;
  const rtp = expectStream(msg, src, address, base, cls);
  if (rtp === REFUSED) return HelperVerdict.DROP;
  if (expectStream(msg, src, address, base + 1, cls) !== REFUSED) return HelperVerdict.ACCEPT;
  if (typeof rtp === "object") rtp.remove();
  return HelperVerdict.DROP;
}

/**
 * Linux's `flush_expectations(ct, true)`: removes every media expectation
 * of the connection, newest first as the engine removes them (the order of
 * Linux's per-master list, so the destroy events come in Linux's order).
 */
export function removeMedia(ctx: SipContext): void {
  ctx.removeExpectations({ class: MEDIA_CLASSES });
}

/** Every class but signalling (Linux flushes by `class != SIP_EXPECT_SIGNALLING`). */
const MEDIA_CLASSES: readonly number[] = [SipClass.AUDIO, SipClass.VIDEO, SipClass.IMAGE];
