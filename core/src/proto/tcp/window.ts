import type { EngineConfig } from "../../config.js";
import { ReasonCode, StatusBit } from "../../constants.js";
import type { ParsedPacket } from "../../packet/parsed-packet.js";
import type { ConnTable } from "../../table/conn-table.js";
import { connBytes, connHalves, connWords, dirBytes, dirWords, TcpField } from "./record.js";
import { TcpIndex, TcpState, TcpWindowFlag, after, before, segmentEnd, TcpBit } from "./states.js";

/**
 * Window tracking after Guido van Rooij's "Real Stateful TCP Packet
 * Filtering", as Linux's `tcp_in_window` does it (6.x): sequence and
 * acknowledgement numbers must fall inside what each side advertised,
 * with window scaling and SACK.
 */

export enum WindowCheck {
  /** Smallest ACK window checked below the receiver's end (Linux's MAXACKWINCONST). */
  MIN_ACK_WINDOW = 66000,
  /** tcp_in_window outcome besides an INVALID reason: accepted and tracked, or accepted but left alone. */
  WIN_ACCEPT = 0,
  WIN_IGNORE = -1,
}

/**
 * Window scale and SACK-permitted of a SYN into direction `d`, as
 * tcp_options does: a header without options leaves the direction as it
 * was; otherwise scale and flags (except BE_LIBERAL) restart from zero.
 */
export function takeSynOptions(t: ConnTable, s: number, d: number, p: ParsedPacket): void {
  if (p.tcpHeaderLength <= 20) return;
  const u8 = t.u8;
  const db = dirBytes(s, d);
  let flags = u8[db + TcpField.TD_FLAGS]! & TcpWindowFlag.BE_LIBERAL;
  let scale = 0;
  if (p.wscale >= 0) {
    scale = p.wscale;
    flags |= TcpWindowFlag.WINDOW_SCALE;
  }
  if (p.sackPermitted) flags |= TcpWindowFlag.SACK_PERM;
  u8[db + TcpField.TD_SCALE] = scale;
  u8[db + TcpField.TD_FLAGS] = flags;
}

/** The highest right edge of the SACK blocks after `sack`, or `sack` (tcp_sack). */
function highestSack(p: ParsedPacket, sack: number): number {
  const b = p.bytes;
  const start = p.l4Offset + 20;
  const end = p.l4Offset + p.tcpHeaderLength;
  // Timestamps alone (NOP NOP TS) is the common case and carries no SACK.
  if (end - start === 12 && b[start] === 1 && b[start + 1] === 1 && b[start + 2] === 8 && b[start + 3] === 10) {
    return sack;
  }
  let i = start;
  while (i < end) {
    const kind = b[i]!;
    if (kind === 0) return sack;
    if (kind === 1) {
      i++;
      continue;
    }
    if (end - i < 2) return sack;
    const size = b[i + 1]!;
    if (size < 2 || size > end - i) return sack;
    if (kind === 5 && size >= 10 && ((size - 2) & 7) === 0) {
      for (let o = i + 2; o < i + size; o += 8) {
        const right = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
        if (after(right, sack)) sack = right;
      }
      return sack;
    }
    i += size;
  }
  return sack;
}

/** Starts tracking a sender from its SYN or SYN-ACK (tcp_init_sender). */
function initSender(t: ConnTable, s: number, dir: number, p: ParsedPacket, end: number): void {
  const u8 = t.u8;
  const u32 = t.u32;
  const sw = dirWords(s, dir);
  u32[sw + TcpField.TD_END] = end;
  u32[sw + TcpField.TD_MAX_END] = end;
  u32[sw + TcpField.TD_MAX_WIN] = p.window === 0 ? 1 : p.window;
  takeSynOptions(t, s, dir, p);
  // RFC 7323: scaling applies only when both SYNs offered it. Decided on the
  // second SYN, which is always the reply direction's.
  const b0 = dirBytes(s, 0);
  const b1 = dirBytes(s, 1);
  if (dir === 1 && !((u8[b1 + TcpField.TD_FLAGS]! & TcpWindowFlag.WINDOW_SCALE) !== 0 && (u8[b0 + TcpField.TD_FLAGS]! & TcpWindowFlag.WINDOW_SCALE) !== 0)) {
    u8[b0 + TcpField.TD_SCALE] = 0;
    u8[b1 + TcpField.TD_SCALE] = 0;
  }
}

/**
 * An out-of-window verdict, unless the sender or the configuration is
 * liberal: then the packet passes but (as in Linux) updates nothing.
 */
function outOfWindow(t: ConnTable, s: number, dir: number, cfg: EngineConfig, verdict: number): number {
  if ((t.u8[dirBytes(s, dir) + TcpField.TD_FLAGS]! & TcpWindowFlag.BE_LIBERAL) !== 0 || cfg.tcp.beLiberal) return WindowCheck.WIN_ACCEPT;
  return verdict;
}

/**
 * Checks packet `p` of direction `dir` (the sender) against the windows
 * and updates them. `seqOffset` is the sequence adjustment NAT applied to
 * the receiver's data, so the sender's acknowledgements of rewritten data
 * compare with what was really sent (tcp_in_window's receiver_offset).
 */
export function inWindow(t: ConnTable, s: number, dir: number, index: number, p: ParsedPacket, cfg: EngineConfig, ackOffset: number): number {
  const rd = dir ^ 1;
  const u8 = t.u8;
  const u16 = t.u16;
  const u32 = t.u32;
  const sw = dirWords(s, dir);
  const rw = dirWords(s, rd);
  const sb = dirBytes(s, dir);
  const rb = dirBytes(s, rd);
  const flags = p.tcpFlags;
  const state = t.protoState(s);
  let seq = p.seq;
  let ack = (p.ack - ackOffset) >>> 0;
  let sack = ack;
  const winRaw = p.window;
  let win = winRaw;
  let end = segmentEnd(p);

  if ((u8[rb + TcpField.TD_FLAGS]! & TcpWindowFlag.SACK_PERM) !== 0 && p.tcpHeaderLength > 20) sack = (highestSack(p, (sack + ackOffset) >>> 0) - ackOffset) >>> 0;

  if (u32[sw + TcpField.TD_MAX_WIN]! === 0) {
    if ((flags & TcpBit.SYN) !== 0) {
      initSender(t, s, dir, p, end);
      // A bare SYN from the reply side (simultaneous open) has nothing to check.
      if ((flags & TcpBit.ACK) === 0) return WindowCheck.WIN_ACCEPT;
    } else {
      // First packet seen from this side mid-stream: trust it to seed the window.
      u32[sw + TcpField.TD_END] = end;
      const swin = (win << u8[sb + TcpField.TD_SCALE]!) >>> 0;
      u32[sw + TcpField.TD_MAX_WIN] = swin === 0 ? 1 : swin;
      u32[sw + TcpField.TD_MAX_END] = (end + u32[sw + TcpField.TD_MAX_WIN]!) >>> 0;
      if (u32[rw + TcpField.TD_MAX_WIN]! === 0) {
        // Nothing seen the other way yet: make the ACK checks pass until then.
        u32[rw + TcpField.TD_END] = sack;
        u32[rw + TcpField.TD_MAX_END] = sack;
      } else if (sack === ((u32[rw + TcpField.TD_END]! + 1) >>> 0)) {
        // Probably the answer to a keepalive probe (one byte below the edge).
        u32[rw + TcpField.TD_END] = (u32[rw + TcpField.TD_END]! + 1) >>> 0;
      }
    }
  } else if ((flags & TcpBit.SYN) !== 0 && after(end, u32[sw + TcpField.TD_END]!) && (state === TcpState.SYN_SENT || state === TcpState.SYN_RECV)) {
    // A peer that restarted its handshake with a higher sequence number.
    initSender(t, s, dir, p, end);
    if (dir === 1 && (flags & TcpBit.ACK) === 0) return WindowCheck.WIN_ACCEPT;
  }

  if ((flags & TcpBit.ACK) === 0) {
    // No ACK: behave as if it acknowledged exactly what we know.
    ack = u32[rw + TcpField.TD_END]!;
    sack = ack;
  } else if ((flags & TcpBit.RST) !== 0 && ack === 0) {
    // Some stacks send RST+ACK with a zero ack.
    ack = u32[rw + TcpField.TD_END]!;
    sack = ack;
  }

  if ((flags & TcpBit.RST) !== 0 && seq === 0 && state === TcpState.SYN_SENT) {
    // A RST answering our SYN may carry seq 0.
    seq = u32[sw + TcpField.TD_END]!;
    end = seq;
  }

  const senderMaxWin = u32[sw + TcpField.TD_MAX_WIN]!;
  const ackWindow = senderMaxWin > WindowCheck.MIN_ACK_WINDOW ? senderMaxWin : WindowCheck.MIN_ACK_WINDOW;
  const senderEnd = u32[sw + TcpField.TD_END]!;
  const senderMaxEnd = u32[sw + TcpField.TD_MAX_END]!;
  const receiverEnd = u32[rw + TcpField.TD_END]!;
  const receiverMaxWin = u32[rw + TcpField.TD_MAX_WIN]!;

  // I. Data must start at or below the receiver's advertised right edge.
  if (!before(seq, senderMaxEnd + 1)) {
    const overshot = (end - senderMaxEnd + 1) >>> 0;
    const ackOk = after(sack, receiverEnd - ackWindow - 1);
    const inRecv = receiverMaxWin !== 0 && after(end, senderEnd - receiverMaxWin - 1);
    if (inRecv && ackOk && overshot <= receiverMaxWin && before(sack, receiverEnd + 1)) {
      // A sender slightly overrunning the window: let the receiver's ACK of
      // this data be acceptable later, but do not track the packet itself.
      u32[sw + TcpField.TD_END] = end;
      u8[sb + TcpField.TD_FLAGS] = u8[sb + TcpField.TD_FLAGS]! | TcpWindowFlag.DATA_UNACKNOWLEDGED;
      return outOfWindow(t, s, dir, cfg, WindowCheck.WIN_IGNORE);
    }
    return outOfWindow(t, s, dir, cfg, ReasonCode.TCP_SEQ_OVER_WINDOW);
  }
  // III. No acknowledging data the other side has not sent.
  if (!before(sack, receiverEnd + 1)) return outOfWindow(t, s, dir, cfg, ReasonCode.TCP_ACK_OVER_WINDOW);
  // II. Data entirely below the window: an old retransmission, let it pass untracked.
  if (receiverMaxWin !== 0 && !after(end, senderEnd - receiverMaxWin - 1)) return outOfWindow(t, s, dir, cfg, WindowCheck.WIN_IGNORE);
  // IV. An ACK far below: a very delayed segment, let it pass untracked.
  if (!after(sack, receiverEnd - ackWindow - 1)) return outOfWindow(t, s, dir, cfg, WindowCheck.WIN_IGNORE);

  // SYN windows are never scaled (RFC 7323).
  if ((flags & TcpBit.SYN) === 0) win = (win << u8[sb + TcpField.TD_SCALE]!) >>> 0;

  const swin = (win + sack - ack) >>> 0;
  if (senderMaxWin < swin) u32[sw + TcpField.TD_MAX_WIN] = swin;
  if (after(end, senderEnd)) {
    u32[sw + TcpField.TD_END] = end;
    u8[sb + TcpField.TD_FLAGS] = u8[sb + TcpField.TD_FLAGS]! | TcpWindowFlag.DATA_UNACKNOWLEDGED;
  }
  if ((flags & TcpBit.ACK) !== 0) {
    if ((u8[sb + TcpField.TD_FLAGS]! & TcpWindowFlag.MAXACK_SET) === 0) {
      u32[sw + TcpField.TD_MAX_ACK] = ack;
      u8[sb + TcpField.TD_FLAGS] = u8[sb + TcpField.TD_FLAGS]! | TcpWindowFlag.MAXACK_SET;
    } else if (after(ack, u32[sw + TcpField.TD_MAX_ACK]!)) {
      u32[sw + TcpField.TD_MAX_ACK] = ack;
    }
  }

  // The receiver's window grows by what the sender pushed past its old edge.
  if (receiverMaxWin !== 0 && after(end, senderMaxEnd)) {
    u32[rw + TcpField.TD_MAX_WIN] = (receiverMaxWin + end - senderMaxEnd) >>> 0;
  }
  if (after(sack + win, u32[rw + TcpField.TD_MAX_END]! - 1)) {
    u32[rw + TcpField.TD_MAX_END] = win === 0 ? (sack + 1) >>> 0 : (sack + win) >>> 0;
  }
  if (ack === u32[rw + TcpField.TD_END]!) u8[rb + TcpField.TD_FLAGS] = u8[rb + TcpField.TD_FLAGS]! & ~TcpWindowFlag.DATA_UNACKNOWLEDGED;

  // The same bare ACK again and again means the peer is not answering.
  if (index === TcpIndex.ACK) {
    const cw = connWords(s);
    const ch = connHalves(s);
    const cb = connBytes(s);
    const b0 = dirBytes(s, 0);
    if (u8[b0 + TcpField.LAST_DIR]! === dir && u32[cw + TcpField.LAST_SEQ]! === seq && u32[cw + TcpField.LAST_ACK]! === ack && u32[cw + TcpField.LAST_END]! === end && u16[ch + TcpField.LAST_WIN]! === winRaw) {
      u8[cb + TcpField.RETRANS] = u8[cb + TcpField.RETRANS]! + 1;
    } else {
      u8[b0 + TcpField.LAST_DIR] = dir;
      u32[cw + TcpField.LAST_SEQ] = seq;
      u32[cw + TcpField.LAST_ACK] = ack;
      u32[cw + TcpField.LAST_END] = end;
      u16[ch + TcpField.LAST_WIN] = winRaw;
      u8[cb + TcpField.RETRANS] = 0;
    }
  }
  return WindowCheck.WIN_ACCEPT;
}

/** Clears one direction's window data (a peer we must learn again). */
export function resetDirection(t: ConnTable, s: number, d: number): void {
  const w = dirWords(s, d);
  const b = dirBytes(s, d);
  t.u32[w + TcpField.TD_END] = 0;
  t.u32[w + TcpField.TD_MAX_END] = 0;
  t.u32[w + TcpField.TD_MAX_WIN] = 0;
  t.u32[w + TcpField.TD_MAX_ACK] = 0;
  t.u8[b + TcpField.TD_SCALE] = 0;
  t.u8[b + TcpField.TD_FLAGS] = t.u8[b + TcpField.TD_FLAGS]! & TcpWindowFlag.BE_LIBERAL;
}

/**
 * An out-of-window FIN or RST answering one from the other side on an
 * ASSURED connection: the endpoints are out of sync with us, so stop
 * holding the entry for days (nf_tcp_handle_invalid).
 */
export function shortenOnInvalid(t: ConnTable, s: number, dir: number, index: number, now: number, cfg: EngineConfig): void {
  if ((t.status(s) & StatusBit.ASSURED) === 0) return;
  if (index !== TcpIndex.RST && index !== TcpIndex.FIN) return;
  const b0 = dirBytes(s, 0);
  const li = t.u8[b0 + TcpField.LAST_INDEX]!;
  if (t.u8[b0 + TcpField.LAST_DIR] !== dir && (li === TcpIndex.FIN || li === TcpIndex.RST)) {
    const left = t.expires(s) - now;
    if (left < 120) return;
    const unack = cfg.timeouts.tcpUnacknowledged;
    if (left > unack) t.setExpires(s, now + unack);
  } else {
    t.u8[b0 + TcpField.LAST_INDEX] = index;
    t.u8[b0 + TcpField.LAST_DIR] = dir;
  }
}
