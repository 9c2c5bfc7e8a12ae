import type { EngineConfig, Timeouts } from "../../config.js";
import { IpProto, ReasonCode, StatusBit } from "../../constants.js";
import { pseudoChecksumOk } from "../../packet/checksum.js";
import type { ParsedPacket } from "../../packet/parsed-packet.js";
import type { ConnTable } from "../../table/conn-table.js";
import { seqOffset } from "../../table/seqadj.js";
import { PortChecksum, decodeQuotedPorts, invertPortKeys, invertPorts, portKeys, portRewrite } from "../ports.js";
import { type ProtocolTracker, PacketKindCode, TrackResult } from "../tracker.js";
import { decodeTcp } from "./decode.js";
import { adjustTcpSequence, tcpPayloadChanged } from "./seqadj.js";
import { connBytes, connHalves, connWords, dirBytes, dirWords, TcpField } from "./record.js";
import { TCP_STATE_NAMES, TcpIndex, TcpState, TcpWindowFlag, before, closingState, indexOf, segmentEnd, tcpFlagsValid, transition, TcpBit, Transition } from "./states.js";
import { inWindow, resetDirection, shortenOnInvalid, takeSynOptions, WindowCheck } from "./window.js";

/**
 * TCP connection tracking with the semantics of Linux's
 * `nf_conntrack_proto_tcp.c` (kernel 6.x): the per-direction state machine
 * (`states.ts`), window tracking (`window.ts`), retransmission counting and
 * the timeout rules. All state lives in the connection record (`record.ts`);
 * nothing here allocates per packet.
 */

const F_CLOSE_INIT = TcpWindowFlag.CLOSE_INIT;

/** Timeout of `state` per the configuration; SYN_SENT2 shares SYN_SENT's (both 2 minutes in Linux). */
function stateTimeout(state: number, to: Timeouts): number {
  switch (state) {
    case TcpState.SYN_SENT: return to.tcpSynSent;
    case TcpState.SYN_RECV: return to.tcpSynRecv;
    case TcpState.ESTABLISHED: return to.tcpEstablished;
    case TcpState.FIN_WAIT: return to.tcpFinWait;
    case TcpState.CLOSE_WAIT: return to.tcpCloseWait;
    case TcpState.LAST_ACK: return to.tcpLastAck;
    case TcpState.TIME_WAIT: return to.tcpTimeWait;
    case TcpState.CLOSE: return to.tcpClose;
    default: return to.tcpSynSent;
  }
}

/** td_maxack of direction `dir` of slot `s` (meaningful when MAXACK_SET is in its flags). */
export function tcpMaxAck(t: ConnTable, s: number, dir: number): number {
  return t.u32[dirWords(s, dir) + TcpField.TD_MAX_ACK]!;
}

function established(t: ConnTable, s: number): boolean {
  return t.protoState(s) === TcpState.ESTABLISHED && (t.status(s) & StatusBit.ASSURED) !== 0;
}

function canCreate(p: ParsedPacket, cfg: EngineConfig): number {
  if (!tcpFlagsValid(p.tcpFlags)) return ReasonCode.BAD_TCP_FLAGS;
  const next = transition(0, indexOf(p.tcpFlags), TcpState.NONE);
  if (next === TcpState.SYN_SENT) return ReasonCode.NONE;
  if (next >= Transition.INVALID) return ReasonCode.TCP_INVALID_NEW;
  // Only a bare ACK reaches ESTABLISHED from NONE: a mid-stream pickup.
  return cfg.tcp.loose ? ReasonCode.NONE : ReasonCode.TCP_LOOSE_OFF;
}

function init(t: ConnTable, s: number, p: ParsedPacket, cfg: EngineConfig): void {
  const u8 = t.u8;
  const u16 = t.u16;
  const u32 = t.u32;
  const b0 = dirBytes(s, 0);
  const b1 = dirBytes(s, 1);
  const cw = connWords(s);
  const ch = connHalves(s);
  const cb = connBytes(s);
  const now = p.time[0]!;
  t.setProtoState(s, TcpState.NONE);
  for (let d = 0; d < 2; d++) {
    u32[dirWords(s, d) + TcpField.TD_END] = 0;
    u32[dirWords(s, d) + TcpField.TD_MAX_END] = 0;
    u32[dirWords(s, d) + TcpField.TD_MAX_WIN] = 0;
    u32[dirWords(s, d) + TcpField.TD_MAX_ACK] = 0;
    u8[dirBytes(s, d) + TcpField.TD_SCALE] = 0;
    u8[dirBytes(s, d) + TcpField.TD_FLAGS] = 0;
  }
  u8[b0 + TcpField.LAST_DIR] = 0;
  u8[cb + TcpField.RETRANS] = 0;
  u8[b1 + TcpField.LAST_WSCALE] = 0;
  u8[cb + TcpField.LAST_FLAGS] = 0;
  u32[cw + TcpField.LAST_SEQ] = 0;
  u32[cw + TcpField.LAST_ACK] = 0;
  u32[cw + TcpField.LAST_END] = 0;
  u16[ch + TcpField.LAST_WIN] = 0;
  // "Nothing yet": the first packet's own update sets it.
  u8[b0 + TcpField.LAST_INDEX] = TcpIndex.NONE;

  const end = segmentEnd(p);
  const win = p.window === 0 ? 1 : p.window;
  u32[dirWords(s, 0) + TcpField.TD_END] = end;
  u32[dirWords(s, 0) + TcpField.TD_MAX_WIN] = win;
  if ((p.tcpFlags & TcpBit.SYN) !== 0) {
    u32[dirWords(s, 0) + TcpField.TD_MAX_END] = end;
    takeSynOptions(t, s, 0, p);
  } else {
    // Picked up mid-stream: the handshake (scale, SACK) is unknown, so assume
    // SACK and check windows liberally in both directions for this connection.
    u32[dirWords(s, 0) + TcpField.TD_MAX_END] = (end + win) >>> 0;
    u8[dirBytes(s, 0) + TcpField.TD_FLAGS] = TcpWindowFlag.SACK_PERM | TcpWindowFlag.BE_LIBERAL;
    u8[dirBytes(s, 1) + TcpField.TD_FLAGS] = TcpWindowFlag.SACK_PERM | TcpWindowFlag.BE_LIBERAL;
  }
  // A safe expiry until `packet` (always called next) sets the real one.
  t.setExpires(s, now + cfg.timeouts.tcpSynSent);
}

/** Notes a packet let through untracked (`sIG`), to recognise the answer to it (the ignore_* fields). */
function noteIgnored(t: ConnTable, s: number, dir: number, index: number, oldState: number, p: ParsedPacket): void {
  const u8 = t.u8;
  const u16 = t.u16;
  const u32 = t.u32;
  const b0 = dirBytes(s, 0);
  const b1 = dirBytes(s, 1);
  const cw = connWords(s);
  const ch = connHalves(s);
  const cb = connBytes(s);
  u8[b0 + TcpField.LAST_INDEX] = index;
  u8[b0 + TcpField.LAST_DIR] = dir;
  u32[cw + TcpField.LAST_SEQ] = p.seq;
  u32[cw + TcpField.LAST_END] = segmentEnd(p);
  u16[ch + TcpField.LAST_WIN] = p.window;
  if (index === TcpIndex.SYN && dir === 0) {
    let lf = 0;
    let ws = 0;
    if (p.wscale >= 0) {
      lf |= TcpWindowFlag.WINDOW_SCALE;
      ws = p.wscale;
    }
    if (p.sackPermitted) lf |= TcpWindowFlag.SACK_PERM;
    // In LAST_ACK the peer may answer this SYN with an RFC 5961 challenge
    // ACK, which must not be taken for the final ACK.
    if (oldState === TcpState.LAST_ACK) lf |= TcpWindowFlag.EXP_CHALLENGE_ACK;
    u8[cb + TcpField.LAST_FLAGS] = lf;
    u8[b1 + TcpField.LAST_WSCALE] = ws;
  }
  if (oldState === TcpState.SYN_SENT && index === TcpIndex.ACK && dir === 1) u32[cw + TcpField.LAST_ACK] = p.ack;
}

/**
 * A SYN-ACK answering the SYN we let through untracked: the endpoints are
 * in sync and we are not. Rebuilds the handshake from the notes.
 */
function resyncOnSynAck(t: ConnTable, s: number, dir: number): void {
  const u8 = t.u8;
  const u16 = t.u16;
  const u32 = t.u32;
  const b0 = dirBytes(s, 0);
  const b1 = dirBytes(s, 1);
  const cw = connWords(s);
  const ch = connHalves(s);
  const cb = connBytes(s);
  const ld = u8[b0 + TcpField.LAST_DIR]!;
  const end = u32[cw + TcpField.LAST_END]!;
  u32[dirWords(s, ld) + TcpField.TD_END] = end;
  u32[dirWords(s, ld) + TcpField.TD_MAX_END] = end;
  u32[dirWords(s, ld) + TcpField.TD_MAX_WIN] = u16[ch + TcpField.LAST_WIN]! === 0 ? 1 : u16[ch + TcpField.LAST_WIN]!;
  u8[dirBytes(s, ld) + TcpField.TD_SCALE] = u8[b1 + TcpField.LAST_WSCALE]!;
  u8[cb + TcpField.LAST_FLAGS] = u8[cb + TcpField.LAST_FLAGS]! & ~TcpWindowFlag.EXP_CHALLENGE_ACK;
  u8[dirBytes(s, ld) + TcpField.TD_FLAGS] = u8[cb + TcpField.LAST_FLAGS]!;
  resetDirection(t, s, dir);
}

/** {@link rstDisposition} bits: skip the window check; keep the old state. */
const RST_SKIP_WINDOW = 1;
const RST_KEEP_STATE = 2;

/**
 * How a RST that would close the connection is handled (the RST case of
 * `nf_conntrack_tcp_packet`): RST_SKIP_WINDOW and/or RST_KEEP_STATE bits
 * (the RST is in window but not exact: the peer may still send a
 * challenge ACK), 0 for a plain window check, or an INVALID reason (> 3).
 */
function rstDisposition(t: ConnTable, s: number, dir: number, oldState: number, p: ParsedPacket): number {
  const u8 = t.u8;
  const u32 = t.u32;
  const b0 = dirBytes(s, 0);
  const cw = connWords(s);
  // Closing states may already be reused by a new connection: the window data is stale.
  if (closingState(oldState)) return RST_SKIP_WINDOW;
  const other = dir ^ 1;
  let keep = 0;
  if ((u8[dirBytes(s, other) + TcpField.TD_FLAGS]! & TcpWindowFlag.MAXACK_SET) !== 0 && u8[b0 + TcpField.LAST_INDEX]! !== TcpIndex.SYN) {
    const seq = p.seq;
    // seq 0 before the connection is established: answer to a SYN we let by.
    if (seq === 0 && !established(t, s)) return 0;
    // A RST below what the other side already acknowledged is forged or stale.
    if (before(seq, u32[dirWords(s, other) + TcpField.TD_MAX_ACK]!)) return ReasonCode.TCP_BAD_RST;
    if (!established(t, s) || seq === u32[dirWords(s, other) + TcpField.TD_MAX_ACK]!) return 0;
    // The RST right after our last data segment in the same direction.
    if (u8[b0 + TcpField.LAST_INDEX]! === TcpIndex.ACK && u8[b0 + TcpField.LAST_DIR]! === dir && seq === u32[cw + TcpField.LAST_END]!) return 0;
    // In window but not exact: keep the state, the peer may send a challenge ACK.
    keep = RST_KEEP_STATE;
  }
  const li = u8[b0 + TcpField.LAST_INDEX]!;
  const status = t.status(s);
  if (
    (((status & StatusBit.SEEN_REPLY) !== 0 && li === TcpIndex.SYN) || ((status & StatusBit.ASSURED) === 0 && li === TcpIndex.ACK)) &&
    p.ack === u32[cw + TcpField.LAST_END]!
  ) {
    // RST answering a SYN or ACK we let through untracked: skip the window check.
    return keep | RST_SKIP_WINDOW;
  }
  if (oldState === TcpState.SYN_SENT && li === TcpIndex.ACK && u8[b0 + TcpField.LAST_DIR]! === 1 && p.seq === u32[cw + TcpField.LAST_ACK]!) {
    // RST answering a challenge ACK we let through.
    return keep | RST_SKIP_WINDOW;
  }
  return keep;
}

function packet(t: ConnTable, s: number, dir: number, p: ParsedPacket, cfg: EngineConfig): number {
  const u8 = t.u8;
  const u16 = t.u16;
  const u32 = t.u32;
  const b0 = dirBytes(s, 0);
  const cw = connWords(s);
  const ch = connHalves(s);
  const cb = connBytes(s);
  const now = p.time[0]!;
  const flags = p.tcpFlags;
  if (!tcpFlagsValid(flags)) return ReasonCode.BAD_TCP_FLAGS;
  const index = indexOf(flags);
  let oldState: number = t.protoState(s);
  let newState: number = transition(dir, index, oldState);
  let checkWindow = true;

  if (newState === TcpState.SYN_SENT && oldState >= TcpState.TIME_WAIT) {
    // A SYN on a closed connection: if someone closed it properly (FIN) or
    // this side reset it, this is a new connection on the same tuple.
    if (
      ((u8[dirBytes(s, 0) + TcpField.TD_FLAGS]! | u8[dirBytes(s, 1) + TcpField.TD_FLAGS]!) & F_CLOSE_INIT) !== 0 ||
      (u8[b0 + TcpField.LAST_DIR]! === dir && u8[b0 + TcpField.LAST_INDEX]! === TcpIndex.RST)
    ) {
      return TrackResult.REOPEN;
    }
    // Otherwise it is let through untracked, like the ignored packets.
    newState = Transition.IGNORE;
  }

  if (newState === Transition.IGNORE) {
    if (index === TcpIndex.SYNACK && u8[b0 + TcpField.LAST_INDEX]! === TcpIndex.SYN && u8[b0 + TcpField.LAST_DIR]! !== dir && p.ack === u32[cw + TcpField.LAST_END]!) {
      oldState = TcpState.SYN_SENT;
      newState = TcpState.SYN_RECV;
      resyncOnSynAck(t, s, dir);
    } else {
      noteIgnored(t, s, dir, index, oldState, p);
      return TrackResult.OK;
    }
  }

  switch (newState) {
    case Transition.INVALID:
      return ReasonCode.TCP_INVALID_STATE;
    case TcpState.TIME_WAIT:
      if (
        oldState === TcpState.LAST_ACK &&
        index === TcpIndex.ACK &&
        u8[b0 + TcpField.LAST_DIR]! !== dir &&
        u8[b0 + TcpField.LAST_INDEX]! === TcpIndex.SYN &&
        (u8[cb + TcpField.LAST_FLAGS]! & TcpWindowFlag.EXP_CHALLENGE_ACK) !== 0
      ) {
        // The challenge ACK we expected: accept it, change nothing.
        u8[cb + TcpField.LAST_FLAGS] = u8[cb + TcpField.LAST_FLAGS]! & ~TcpWindowFlag.EXP_CHALLENGE_ACK;
        return TrackResult.OK;
      }
      break;
    case TcpState.SYN_SENT2:
      u8[cb + TcpField.LAST_FLAGS] = u8[cb + TcpField.LAST_FLAGS]! | TcpWindowFlag.SIMULTANEOUS_OPEN;
      break;
    case TcpState.SYN_RECV:
      // In a simultaneous open the reply side's ACK completes the handshake.
      if (dir === 1 && index === TcpIndex.ACK && (u8[cb + TcpField.LAST_FLAGS]! & TcpWindowFlag.SIMULTANEOUS_OPEN) !== 0) newState = TcpState.ESTABLISHED;
      break;
    case TcpState.CLOSE: {
      if (index !== TcpIndex.RST) break;
      const d = rstDisposition(t, s, dir, oldState, p);
      if (d > (RST_SKIP_WINDOW | RST_KEEP_STATE)) return d;
      if ((d & RST_SKIP_WINDOW) !== 0) checkWindow = false;
      if ((d & RST_KEEP_STATE) !== 0) newState = oldState;
      break;
    }
    default:
      break;
  }

  if (checkWindow) {
    // The receiver's data may have been shifted by a NAT rewrite: its acknowledgements are compared unshifted.
    const ackOffset = (t.status(s) & StatusBit.SEQ_ADJUST) !== 0 ? seqOffset(t, s, dir ^ 1, (p.ack - 1) >>> 0) : 0;
    const w = inWindow(t, s, dir, index, p, cfg, ackOffset);
    if (w === WindowCheck.WIN_IGNORE) return TrackResult.OK;
    if (w > 0) {
      shortenOnInvalid(t, s, dir, index, now, cfg);
      return w;
    }
  }

  // From here on the packet is in window.
  u8[b0 + TcpField.LAST_INDEX] = index;
  u8[b0 + TcpField.LAST_DIR] = dir;
  t.setProtoState(s, newState);
  if (oldState !== newState && newState === TcpState.FIN_WAIT) u8[dirBytes(s, dir) + TcpField.TD_FLAGS] = u8[dirBytes(s, dir) + TcpField.TD_FLAGS]! | F_CLOSE_INIT;

  const to = cfg.timeouts;
  const base = stateTimeout(newState, to);
  let timeout: number;
  if (u8[cb + TcpField.RETRANS]! >= cfg.tcp.maxRetrans && base > to.tcpMaxRetrans) timeout = to.tcpMaxRetrans;
  else if (index === TcpIndex.RST) timeout = to.tcpClose;
  else if (((u8[dirBytes(s, 0) + TcpField.TD_FLAGS]! | u8[dirBytes(s, 1) + TcpField.TD_FLAGS]!) & TcpWindowFlag.DATA_UNACKNOWLEDGED) !== 0 && base > to.tcpUnacknowledged) timeout = to.tcpUnacknowledged;
  else if (u16[ch + TcpField.LAST_WIN]! === 0 && base > to.tcpMaxRetrans) {
    // A zero window (or no ACK tracked yet) shortens long timeouts like retransmissions do.
    timeout = to.tcpMaxRetrans;
  } else timeout = base;

  const status = t.status(s);
  if ((status & StatusBit.SEEN_REPLY) === 0) {
    // Only a RST came back (or the originator aborted): no connection to keep.
    if ((flags & TcpBit.RST) !== 0) {
      t.setExpires(s, now + timeout);
      return TrackResult.KILL;
    }
    // A retransmitted SYN must not keep the entry alive forever.
    if (index === TcpIndex.SYN && oldState === TcpState.SYN_SENT) return TrackResult.OK;
    // A one-sided pickup must not get the long ESTABLISHED timeout.
    if (newState === TcpState.ESTABLISHED && timeout > to.tcpUnacknowledged) timeout = to.tcpUnacknowledged;
  } else if (
    (status & StatusBit.ASSURED) === 0 &&
    (oldState === TcpState.SYN_RECV || oldState === TcpState.ESTABLISHED) &&
    newState === TcpState.ESTABLISHED
  ) {
    // An in-window ACK completing the handshake, or both sides of a pickup heard.
    t.setStatus(s, status | StatusBit.ASSURED);
  }
  t.setExpires(s, now + timeout);
  return TrackResult.OK;
}

/** The TCP tracker, for protocol 6. */
export const tcpTracker: ProtocolTracker = {
  name: "tcp",
  protocols: [IpProto.TCP],
  hasPorts: true,
  minHeaderLength: 20,
  decode: decodeTcp,
  decodeQuoted: decodeQuotedPorts,
  classify: () => PacketKindCode.TRACK,
  quotable: () => ReasonCode.NONE,
  invert: invertPorts,
  invertKeys: invertPortKeys,
  natRewrite: portRewrite(PortChecksum.TCP),
  natPayloadChanged: tcpPayloadChanged,
  adjustSequence: adjustTcpSequence,
  canCreate,
  init,
  packet,
  // Linux also lets assured TCP connections go once they are closing.
  canEarlyDrop: (t, s) => closingState(t.protoState(s)),
  stateName: (state) => TCP_STATE_NAMES[state] ?? "",
  keys: portKeys,
  checksumOk: (p) => pseudoChecksumOk(p, p.l3End),
};

export { TCP_STATE_NAMES, TcpIndex, TcpState, TcpWindowFlag, tcpFlagsValid } from "./states.js";
