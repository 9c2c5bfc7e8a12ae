import { Direction, GRE_KEYMAPS, IpProto, PacketState, defineHelper } from "@alg-sdk/core";
import type { ConnectionQuery, ConnectionView, Helper, PacketContext, Tuple } from "@alg-sdk/core";
import {
  IN_CALL_ACCEPTED,
  OUT_CALL_CONNECTED,
  PptpMessage as M,
  START_OK,
  STOP_OK,
  emptyMessage,
  readControlMessage,
  type ControlMessage,
} from "./messages.js";
import { CallState, SessionState, type PptpSession } from "./session.js";

/** The PPTP control port (RFC 2637). */
export const PPTP_PORT = 1723;

/** Linux's policy for pptp: the two GRE expectations of a call, five minutes. */
const GRE_POLICY = { name: "gre", maxExpected: 2, timeout: 300 } as const;

type Ctx = PacketContext<PptpSession, undefined>;

/** The message being read (one helper call at a time: hooks never run concurrently). */
const message: ControlMessage = emptyMessage();

/**
 * The PPTP helper, with the behaviour of Linux's `nf_conntrack_pptp`
 * (connection tracking; NAT of call ids is not done). Attached to a PPTP
 * control connection (tcp/1723, IPv4, as Linux registers it), it follows
 * the control session and its one call, and when the call is up expects
 * the call's GRE packets in both directions, keyed by the two call ids;
 * it also registers the call ids with the GRE tracker's keymaps (the
 * `GRE_KEYMAPS` service) so that a call's two directions are one GRE
 * connection. When the call ends (Call-Disconnect-Notify) or the control
 * connection goes, the call's GRE connection is destroyed and the keymaps
 * removed.
 *
 * The client (PNS) is assumed to have opened the control connection, as
 * Linux assumes: messages in the original direction are the PNS's, in the
 * reply direction the PAC's.
 *
 * @example
 * ```ts
 * import { createEngine } from "@alg-sdk/core";
 * import { pptpHelper } from "@alg-sdk/helper-pptp";
 * const engine = createEngine({ helpers: [pptpHelper()] }); // tcp/1723
 * ```
 */
export function pptpHelper(): Helper<PptpSession, undefined> {
  return defineHelper<PptpSession, undefined>({
    name: "pptp",
    policies: [GRE_POLICY],
    attach: [{ protocol: "tcp", port: PPTP_PORT, family: 4 }],
    createState(ctx) {
      const keymaps = ctx.service(GRE_KEYMAPS);
      if (keymaps === undefined && ctx.log.enabled) ctx.log.warn("no GRE tracker offers keymaps: a call's GRE directions will not be joined");
      return { session: SessionState.NONE, call: CallState.NONE, pacCallId: 0, pnsCallId: 0, keymaps, expected: [] };
    },
    onPacket(ctx) {
      // Linux registers the helper for IPv4 only: attached to an IPv6 connection it would never run.
      if (ctx.family !== 4) return;
      // Nothing is tracked before the TCP handshake is complete (nor on a RELATED first packet).
      if (ctx.state !== PacketState.ESTABLISHED) return;
      if (!readControlMessage(ctx.bytes, ctx.payloadOffset, ctx.payloadLength, message)) return;
      const known = ctx.direction === Direction.ORIGINAL ? fromClient(ctx, message) : fromServer(ctx, message);
      if (!known && ctx.log.enabled) {
        const d = ctx.data;
        ctx.log.debug(`ignored PPTP message ${message.type} (session ${d.session}, call ${d.call})`, { ...message });
      }
    },
    onExpectationMatched(ctx) {
      // One direction's GRE arrived: the other direction's expectation goes (pptp_expectfn without NAT).
      const t = ctx.expectation.tuple;
      for (const h of ctx.data?.expected ?? []) {
        const u = h.tuple;
        if (h.live && u.protocol === t.protocol && u.srcText === t.dst && u.dstText === t.src && u.srcPort === t.dstPort && u.dstPort === t.srcPort) h.remove();
      }
    },
    onConnectionDestroyed(ctx) {
      // pptp_destroy_siblings: the call's GRE must not outlive its control connection.
      endCall(ctx.data, ctx.connection, (q) => ctx.killConnection(q), undefined);
    },
  });
}

/** A message from the PNS (pptp_outbound_pkt). False: one Linux calls invalid (ignored, the packet passes). */
function fromClient(ctx: Ctx, m: ControlMessage): boolean {
  const d = ctx.data;
  switch (m.type) {
    case M.START_SESSION_REQUEST:
      if (d.session !== SessionState.NONE) return false;
      d.session = SessionState.REQUESTED;
      return true;
    case M.STOP_SESSION_REQUEST:
      d.session = SessionState.STOP_REQUESTED;
      return true;
    case M.OUT_CALL_REQUEST:
      if (d.session !== SessionState.CONFIRMED) return false;
      d.call = CallState.OUT_REQUESTED;
      d.pnsCallId = m.callId;
      return true;
    case M.IN_CALL_REPLY:
      if (d.call !== CallState.IN_REQUESTED && d.call !== CallState.IN_REPLIED) return false;
      if (m.peerCallId !== d.pacCallId) return false;
      if (m.result === IN_CALL_ACCEPTED) {
        d.call = CallState.IN_REPLIED;
        d.pnsCallId = m.callId;
      } else d.call = CallState.NONE;
      return true;
    case M.CALL_CLEAR_REQUEST:
      if (d.session !== SessionState.CONFIRMED) return false;
      // Linux tracks one call per session and does not check the id.
      d.call = CallState.CLEAR_REQUESTED;
      return true;
    case M.SET_LINK_INFO:
    case M.ECHO_REQUEST:
    case M.ECHO_REPLY:
      return true;
    default:
      return false;
  }
}

/** A message from the PAC (pptp_inbound_pkt). */
function fromServer(ctx: Ctx, m: ControlMessage): boolean {
  const d = ctx.data;
  switch (m.type) {
    case M.START_SESSION_REPLY:
      if (d.session < SessionState.REQUESTED) return false;
      d.session = m.result === START_OK ? SessionState.CONFIRMED : SessionState.ERROR;
      return true;
    case M.STOP_SESSION_REPLY:
      if (d.session > SessionState.STOP_REQUESTED) return false;
      d.session = m.result === STOP_OK ? SessionState.NONE : SessionState.ERROR;
      return true;
    case M.OUT_CALL_REPLY:
      if (d.session !== SessionState.CONFIRMED) return false;
      if (d.call !== CallState.OUT_REQUESTED && d.call !== CallState.OUT_CONFIRMED) return false;
      if (m.peerCallId !== d.pnsCallId) return false;
      if (m.result === OUT_CALL_CONNECTED) {
        d.call = CallState.OUT_CONFIRMED;
        d.pacCallId = m.callId;
        expectGre(ctx, m.callId, m.peerCallId);
      } else d.call = CallState.NONE;
      return true;
    case M.IN_CALL_REQUEST:
      if (d.session !== SessionState.CONFIRMED) return false;
      d.call = CallState.IN_REQUESTED;
      d.pacCallId = m.callId;
      return true;
    case M.IN_CALL_CONNECT:
      if (d.session !== SessionState.CONFIRMED) return false;
      if (d.call !== CallState.IN_REPLIED && d.call !== CallState.IN_CONFIRMED) return false;
      if (m.peerCallId !== d.pnsCallId) return false;
      d.call = CallState.IN_CONFIRMED;
      expectGre(ctx, d.pacCallId, m.peerCallId);
      return true;
    case M.CALL_DISCONNECT_NOTIFY:
      d.call = CallState.NONE;
      endCall(d, ctx.connection, (q) => ctx.killConnection(q), ctx);
      return true;
    case M.WAN_ERROR_NOTIFY:
    case M.SET_LINK_INFO:
    case M.ECHO_REQUEST:
    case M.ECHO_REPLY:
      return true;
    default:
      return false;
  }
}

/**
 * Expects the call's GRE both ways (Linux's `exp_gre`): PNS → PAC with
 * the PNS's id as source key and the PAC's as destination key, and the
 * reverse; then registers both tuples as keymaps. If either expectation or
 * either keymap cannot be registered, none stays (a second call on one
 * session finds the keymaps taken: Linux tracks one call per session).
 */
function expectGre(ctx: Ctx, pacCallId: number, pnsCallId: number): void {
  const d = ctx.data;
  const o = ctx.connection.original;
  const r = ctx.connection.reply;
  const made = ctx.expectAll([
    { protocol: IpProto.GRE, src: o.src, srcPort: pnsCallId, dst: o.dst, dstPort: pacCallId },
    { protocol: IpProto.GRE, src: r.src, srcPort: pacCallId, dst: r.dst, dstPort: pnsCallId },
  ]);
  if (!made.ok) {
    if (ctx.log.enabled) ctx.log.debug(`GRE expectations refused: ${made.reason}`);
    return;
  }
  const [forward, backward] = made.expectations as [typeof made.expectations[0], typeof made.expectations[0]];
  d.expected = made.expectations;
  const keymaps = d.keymaps;
  if (keymaps === undefined) return;
  const first = keymaps.add(ctx.connection, Direction.ORIGINAL, forward.tuple);
  const second = first === "added" || first === "unchanged" ? keymaps.add(ctx.connection, Direction.REPLY, backward.tuple) : first;
  if (second !== "added" && second !== "unchanged") {
    if (first === "added" || first === "unchanged") keymaps.remove(ctx.connection);
    forward.remove();
    backward.remove();
    if (ctx.log.enabled) ctx.log.debug(`GRE keymap refused: ${second}; the call's expectations are withdrawn`);
  }
}

/**
 * The end of the call, or of the control connection (Linux's
 * `pptp_destroy_siblings`): the keymaps go, and for each direction the GRE
 * connection with the call's tuple is destroyed, or when there is none yet,
 * the expectation for it is removed.
 */
function endCall(d: PptpSession | undefined, control: ConnectionView, kill: (q: ConnectionQuery) => boolean, ctx: Ctx | undefined): void {
  if (d === undefined) return;
  d.keymaps?.remove(control);
  const o = control.original;
  const r = control.reply;
  const ways: ConnectionQuery[] = [
    { protocol: IpProto.GRE, src: o.src, dst: o.dst, srcPort: d.pnsCallId, dstPort: d.pacCallId },
    { protocol: IpProto.GRE, src: r.src, dst: r.dst, srcPort: d.pacCallId, dstPort: d.pnsCallId },
  ];
  for (const q of ways) {
    if (kill(q) || ctx === undefined) continue;
    for (const h of ctx.expectations()) if (sameTuple(h.tuple, q)) h.remove();
  }
}

function sameTuple(t: Tuple, q: ConnectionQuery): boolean {
  return t.protocol === q.protocol && t.srcPort === q.srcPort && t.dstPort === q.dstPort && t.sourceIs(q.src as ArrayLike<number>) && t.destinationIs(q.dst as ArrayLike<number>);
}
