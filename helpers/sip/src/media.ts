import { HelperVerdict, IpProto, sameAddress, type ExpectationHandle } from "@alg-sdk/core";
import { SipClass } from "./constants.js";
import { peerAddress, senderAddress } from "./endpoints.js";
import type { SipContext, SipMessage } from "./message.js";

const ANY = new Uint32Array(4);

/** What registering one media expectation gave: the handle, ALREADY (Linux's -EALREADY, taken as success) or REFUSED. */
const ALREADY = true;
const REFUSED = false;

/**
 * One RTP or RTCP expectation (`nf_ct_expect_related` with
 * `NF_CT_EXP_F_SKIP_MASTER`): UDP from `src` (null: anyone), any port, to
 * `dst`:`port`, the class's three minutes.
 */
function expectStream(msg: SipMessage, src: ArrayLike<number> | null, dst: Uint32Array, port: number, cls: number): ExpectationHandle | boolean {
  const ctx = msg.ctx;
  const conn = ctx.connection;
  const r = ctx.expect({ class: cls, protocol: IpProto.UDP, src, srcPort: null, dst, dstPort: port });
  if (r.ok) {
    msg.index.add(r.expectation, conn.id, conn.zone);
    return r.expectation;
  }
  // Linux pretends success when the same stream is already expected under
  // another class (endpoints reusing a port for two media types), or by
  // another call: it must not drop a message for announcing it twice.
  if (r.reason === "already") return ALREADY;
  if (r.reason === "busy" && msg.index.findIdentical(conn.zone, msg.family, IpProto.UDP, src, dst, port, conn.id) !== null) return ALREADY;
  return REFUSED;
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
  const conn = ctx.connection;
  const other = msg.index.find(conn.zone, msg.family, IpProto.UDP, src ?? ANY, address, port);
  if (other !== null && other.masterId !== conn.id && other.cls === cls) return HelperVerdict.ACCEPT;

  const base = port & ~1;
  const rtp = expectStream(msg, src, address, base, cls);
  if (rtp === REFUSED) return HelperVerdict.DROP;
  if (expectStream(msg, src, address, base + 1, cls) !== REFUSED) return HelperVerdict.ACCEPT;
  if (typeof rtp === "object") rtp.remove();
  return HelperVerdict.DROP;
}

/**
 * Linux's `flush_expectations(ct, true)`: removes every media expectation
 * of the connection, newest first (the order of Linux's per-master list,
 * so the destroy events come in Linux's order).
 */
export function removeMedia(ctx: SipContext): void {
  const pending = ctx.expectations();
  for (let i = pending.length - 1; i >= 0; i--) {
    const e = pending[i]!;
    if (e.class !== SipClass.SIGNALLING) e.remove();
  }
}
