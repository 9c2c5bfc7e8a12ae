import type { EngineConfig, Timeouts } from "../config.js";
import { Reason, Status } from "../constants.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ConnTable } from "../table/conn-table.js";
import { TRACK_KILL, TRACK_OK, TRACK_REOPEN, type ProtoTracker } from "./tracker.js";
import { DW_MAX_ACK, B_LAST_DIR, B_LAST_FLAGS, B_LAST_INDEX, B_LAST_WSCALE, B_PROTO_STATE, B_RETRANS, DB_FLAGS, DB_SCALE, DW_END, DW_MAX_END, DW_MAX_WIN, D_EXPIRES, H_LAST_WIN, H_STATUS, W_LAST_ACK, W_LAST_END, W_LAST_SEQ } from "../table/layout.js";

/**
 * TCP connection tracking with the semantics of Linux's
 * `nf_conntrack_proto_tcp.c` (kernel 6.x): the per-direction state machine,
 * window tracking after Guido van Rooij's "Real Stateful TCP Packet
 * Filtering", window scaling, SACK, retransmission counting and the timeout
 * rules. All state lives in the connection table's typed arrays; nothing here
 * allocates per packet.
 */

/** TCP conntrack states, numbered as Linux numbers `enum tcp_conntrack`. */
export const TcpState = {
  NONE: 0,
  SYN_SENT: 1,
  SYN_RECV: 2,
  ESTABLISHED: 3,
  FIN_WAIT: 4,
  CLOSE_WAIT: 5,
  LAST_ACK: 6,
  TIME_WAIT: 7,
  CLOSE: 8,
  SYN_SENT2: 9,
} as const;
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

/** Names as `conntrack -L` prints them, indexed by {@link TcpState}. */
export const TCP_STATE_NAMES = [
  "NONE",
  "SYN_SENT",
  "SYN_RECV",
  "ESTABLISHED",
  "FIN_WAIT",
  "CLOSE_WAIT",
  "LAST_ACK",
  "TIME_WAIT",
  "CLOSE",
  "SYN_SENT2",
] as const;

/**
 * Bits of `tdFlags` (per direction) and `tcpLastFlags` (per connection), with
 * the values of Linux's `IP_CT_TCP_FLAG_*` so dumps compare directly.
 */
export const TcpWindowFlag = {
  WINDOW_SCALE: 0x01,
  SACK_PERM: 0x02,
  /** This direction sent the first FIN. */
  CLOSE_INIT: 0x04,
  BE_LIBERAL: 0x08,
  DATA_UNACKNOWLEDGED: 0x10,
  /** td_maxack holds a value. */
  MAXACK_SET: 0x20,
  /** (last flags) An RFC 5961 challenge ACK may come: do not take it for the last ACK. */
  EXP_CHALLENGE_ACK: 0x40,
  /** (last flags) A SYN came from the reply direction. */
  SIMULTANEOUS_OPEN: 0x80,
} as const;

/** Which of RST/SYN/FIN/ACK decides the transition (`tcp_bit_set`); also stored in `tcpLastIndex`. */
export const TcpIndex = {
  SYN: 0,
  SYNACK: 1,
  FIN: 2,
  ACK: 3,
  RST: 4,
  NONE: 5,
} as const;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

const F_WSCALE = TcpWindowFlag.WINDOW_SCALE;
const F_SACK = TcpWindowFlag.SACK_PERM;
const F_CLOSE_INIT = TcpWindowFlag.CLOSE_INIT;
const F_LIBERAL = TcpWindowFlag.BE_LIBERAL;
const F_UNACKED = TcpWindowFlag.DATA_UNACKNOWLEDGED;
const F_MAXACK = TcpWindowFlag.MAXACK_SET;
const F_CHALLENGE = TcpWindowFlag.EXP_CHALLENGE_ACK;
const F_SIMOPEN = TcpWindowFlag.SIMULTANEOUS_OPEN;

const sNO = TcpState.NONE;
const sSS = TcpState.SYN_SENT;
const sSR = TcpState.SYN_RECV;
const sES = TcpState.ESTABLISHED;
const sFW = TcpState.FIN_WAIT;
const sCW = TcpState.CLOSE_WAIT;
const sLA = TcpState.LAST_ACK;
const sTW = TcpState.TIME_WAIT;
const sCL = TcpState.CLOSE;
const sS2 = TcpState.SYN_SENT2;
/** Table results beyond the real states: the packet is invalid, or accepted and ignored. */
const sIV = 10;
const sIG = 11;

const iSYN = TcpIndex.SYN;
const iSYNACK = TcpIndex.SYNACK;
const iFIN = TcpIndex.FIN;
const iACK = TcpIndex.ACK;
const iRST = TcpIndex.RST;
const iNONE = TcpIndex.NONE;

/**
 * Transitions, flattened: `[dir][index][old state]` at
 * `(dir * 6 + index) * 10 + state`. Same content as Linux's tcp_conntracks
 * (6.x, with simultaneous open and the reply-side SYN in TIME_WAIT).
 */
// prettier-ignore
const TRANSITIONS = Uint8Array.from([
  // ORIGINAL            NO   SS   SR   ES   FW   CW   LA   TW   CL   S2
  /* syn    */          sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2,
  /* synack */          sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR,
  /* fin    */          sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV,
  /* ack    */          sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV,
  /* rst    */          sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL,
  /* none   */          sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV,
  // REPLY
  /* syn    */          sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2,
  /* synack */          sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR,
  /* fin    */          sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV,
  /* ack    */          sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG,
  /* rst    */          sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL,
  /* none   */          sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV,
]);

/**
 * Flag combinations tcp_error accepts, indexed by the flag byte without
 * PSH, ECE and CWR (which never matter): a 64-bit set split in two words.
 */
const VALID_LO = validMask(0);
const VALID_HI = validMask(32);

function validMask(base: number): number {
  const URG = 0x20;
  const ok = [SYN, SYN | URG, SYN | ACK, RST, RST | ACK, FIN | ACK, FIN | ACK | URG, ACK, ACK | URG];
  let m = 0;
  for (const f of ok) if (f >= base && f < base + 32) m |= 1 << (f - base);
  return m;
}

/** True when the flag byte is a combination Linux lets into tracking. */
export function tcpFlagsValid(flags: number): boolean {
  const f = flags & 0x37; // drop PSH (0x08), ECE (0x40), CWR (0x80)
  return ((f < 32 ? VALID_LO >>> f : VALID_HI >>> (f - 32)) & 1) === 1;
}

/** The row of the transition table a packet uses (RST wins, then SYN, FIN, ACK). */
function indexOf(flags: number): number {
  if ((flags & RST) !== 0) return iRST;
  if ((flags & SYN) !== 0) return (flags & ACK) !== 0 ? iSYNACK : iSYN;
  if ((flags & FIN) !== 0) return iFIN;
  if ((flags & ACK) !== 0) return iACK;
  return iNONE;
}

/** Serial-number comparison (RFC 1982) on 32-bit sequence numbers. */
function before(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
function after(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

/** Sequence number just past the segment: SYN and FIN each take one. */
function segmentEnd(p: ParsedPacket): number {
  return (p.seq + p.payloadLength + (p.tcpFlags & SYN ? 1 : 0) + (p.tcpFlags & FIN ? 1 : 0)) >>> 0;
}

/** Smallest ACK window checked below the receiver's end (Linux's MAXACKWINCONST). */
const MIN_ACK_WINDOW = 66000;

/** Timeout of `state` per the configuration; SYN_SENT2 shares SYN_SENT's (both 2 minutes in Linux). */
function stateTimeout(state: number, to: Timeouts): number {
  switch (state) {
    case sSS: return to.tcpSynSent;
    case sSR: return to.tcpSynRecv;
    case sES: return to.tcpEstablished;
    case sFW: return to.tcpFinWait;
    case sCW: return to.tcpCloseWait;
    case sLA: return to.tcpLastAck;
    case sTW: return to.tcpTimeWait;
    case sCL: return to.tcpClose;
    case sS2: return to.tcpSynSent;
    default: return to.tcpSynSent;
  }
}

/** td_maxack of direction `dir` of slot `s` (meaningful when MAXACK_SET is in its flags). */
export function tcpMaxAck(t: ConnTable, s: number, dir: number): number {
  const u32 = t.u32;
  return u32[((s * 2 + dir) << 4) + DW_MAX_ACK]!;
}

// --- options -------------------------------------------------------------

/**
 * Window scale and SACK-permitted of a SYN into direction index `d`, as
 * tcp_options does: a header without options leaves the direction as it
 * was; otherwise scale and flags (except BE_LIBERAL) restart from zero.
 */
function takeSynOptions(t: ConnTable, d: number, p: ParsedPacket): void {
  const u8 = t.u8;
  if (p.tcpHeaderLength <= 20) return;
  let flags = u8[(d << 6) + DB_FLAGS]! & F_LIBERAL;
  let scale = 0;
  if (p.wscale >= 0) {
    scale = p.wscale;
    flags |= F_WSCALE;
  }
  if (p.sackPermitted) flags |= F_SACK;
  u8[(d << 6) + DB_SCALE] = scale;
  u8[(d << 6) + DB_FLAGS] = flags;
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

// --- window tracking -----------------------------------------------------

/** tcp_in_window outcome besides an INVALID reason: accepted and tracked, or accepted but left alone. */
const WIN_ACCEPT = 0;
const WIN_IGNORE = -1;

/** Starts tracking a sender from its SYN or SYN-ACK (tcp_init_sender). */
function initSender(t: ConnTable, sd: number, rd: number, dir: number, p: ParsedPacket, end: number): void {
  const u8 = t.u8, u32 = t.u32;
  u32[(sd << 4) + DW_END] = end;
  u32[(sd << 4) + DW_MAX_END] = end;
  u32[(sd << 4) + DW_MAX_WIN] = p.window === 0 ? 1 : p.window;
  takeSynOptions(t, sd, p);
  // RFC 7323: scaling applies only when both SYNs offered it. Decided on the
  // second SYN, which is always the reply direction's.
  if (dir === 1 && !((u8[(sd << 6) + DB_FLAGS]! & F_WSCALE) !== 0 && (u8[(rd << 6) + DB_FLAGS]! & F_WSCALE) !== 0)) {
    u8[(sd << 6) + DB_SCALE] = 0;
    u8[(rd << 6) + DB_SCALE] = 0;
  }
}

/**
 * An out-of-window verdict, unless the sender or the configuration is
 * liberal: then the packet passes but (as in Linux) updates nothing.
 */
function outOfWindow(t: ConnTable, sd: number, cfg: EngineConfig, verdict: number): number {
  const u8 = t.u8;
  if ((u8[(sd << 6) + DB_FLAGS]! & F_LIBERAL) !== 0 || cfg.tcp.beLiberal) return WIN_ACCEPT;
  return verdict;
}

function inWindow(
  t: ConnTable,
  s: number,
  dir: number,
  index: number,
  p: ParsedPacket,
  cfg: EngineConfig,
): number {
  const u8 = t.u8, u16 = t.u16, u32 = t.u32;
  const sd = s * 2 + dir;
  const rd = s * 2 + (dir ^ 1);
  const flags = p.tcpFlags;
  const state = u8[(s << 7) + B_PROTO_STATE]!;
  let seq = p.seq;
  let ack = p.ack;
  let sack = ack;
  const winRaw = p.window;
  let win = winRaw;
  let end = segmentEnd(p);

  if ((u8[(rd << 6) + DB_FLAGS]! & F_SACK) !== 0 && p.tcpHeaderLength > 20) sack = highestSack(p, sack);

  if (u32[(sd << 4) + DW_MAX_WIN] === 0) {
    if ((flags & SYN) !== 0) {
      initSender(t, sd, rd, dir, p, end);
      // A bare SYN from the reply side (simultaneous open) has nothing to check.
      if ((flags & ACK) === 0) return WIN_ACCEPT;
    } else {
      // First packet seen from this side mid-stream: trust it to seed the window.
      u32[(sd << 4) + DW_END] = end;
      const swin = (win << u8[(sd << 6) + DB_SCALE]!) >>> 0;
      u32[(sd << 4) + DW_MAX_WIN] = swin === 0 ? 1 : swin;
      u32[(sd << 4) + DW_MAX_END] = end + u32[(sd << 4) + DW_MAX_WIN]!;
      if (u32[(rd << 4) + DW_MAX_WIN] === 0) {
        // Nothing seen the other way yet: make the ACK checks pass until then.
        u32[(rd << 4) + DW_END] = sack;
        u32[(rd << 4) + DW_MAX_END] = sack;
      } else if (sack === ((u32[(rd << 4) + DW_END]! + 1) >>> 0)) {
        // Probably the answer to a keepalive probe (one byte below the edge).
        u32[(rd << 4) + DW_END] = u32[(rd << 4) + DW_END]! + 1;
      }
    }
  } else if ((flags & SYN) !== 0 && after(end, u32[(sd << 4) + DW_END]!) && (state === sSS || state === sSR)) {
    // A peer that restarted its handshake with a higher sequence number.
    initSender(t, sd, rd, dir, p, end);
    if (dir === 1 && (flags & ACK) === 0) return WIN_ACCEPT;
  }

  if ((flags & ACK) === 0) {
    // No ACK: behave as if it acknowledged exactly what we know.
    ack = u32[(rd << 4) + DW_END]!;
    sack = ack;
  } else if ((flags & RST) !== 0 && ack === 0) {
    // Some stacks send RST+ACK with a zero ack.
    ack = u32[(rd << 4) + DW_END]!;
    sack = ack;
  }

  if ((flags & RST) !== 0 && seq === 0 && state === sSS) {
    // A RST answering our SYN may carry seq 0.
    seq = u32[(sd << 4) + DW_END]!;
    end = seq;
  }

  const ackWindow = u32[(sd << 4) + DW_MAX_WIN]! > MIN_ACK_WINDOW ? u32[(sd << 4) + DW_MAX_WIN]! : MIN_ACK_WINDOW;

  // I. Data must start at or below the receiver's advertised right edge.
  if (!before(seq, u32[(sd << 4) + DW_MAX_END]! + 1)) {
    const overshot = (end - u32[(sd << 4) + DW_MAX_END]! + 1) >>> 0;
    const ackOk = after(sack, u32[(rd << 4) + DW_END]! - ackWindow - 1);
    const inRecv = u32[(rd << 4) + DW_MAX_WIN] !== 0 && after(end, u32[(sd << 4) + DW_END]! - u32[(rd << 4) + DW_MAX_WIN]! - 1);
    if (inRecv && ackOk && overshot <= u32[(rd << 4) + DW_MAX_WIN]! && before(sack, u32[(rd << 4) + DW_END]! + 1)) {
      // A sender slightly overrunning the window: let the receiver's ACK of
      // this data be acceptable later, but do not track the packet itself.
      u32[(sd << 4) + DW_END] = end;
      u8[(sd << 6) + DB_FLAGS] = u8[(sd << 6) + DB_FLAGS]! | F_UNACKED;
      return outOfWindow(t, sd, cfg, WIN_IGNORE);
    }
    return outOfWindow(t, sd, cfg, Reason.TCP_SEQ_OVER_WINDOW);
  }
  // III. No acknowledging data the other side has not sent.
  if (!before(sack, u32[(rd << 4) + DW_END]! + 1)) return outOfWindow(t, sd, cfg, Reason.TCP_ACK_OVER_WINDOW);
  // II. Data entirely below the window: an old retransmission, let it pass untracked.
  if (u32[(rd << 4) + DW_MAX_WIN] !== 0 && !after(end, u32[(sd << 4) + DW_END]! - u32[(rd << 4) + DW_MAX_WIN]! - 1)) {
    return outOfWindow(t, sd, cfg, WIN_IGNORE);
  }
  // IV. An ACK far below: a very delayed segment, let it pass untracked.
  if (!after(sack, u32[(rd << 4) + DW_END]! - ackWindow - 1)) return outOfWindow(t, sd, cfg, WIN_IGNORE);

  // SYN windows are never scaled (RFC 7323).
  if ((flags & SYN) === 0) win = (win << u8[(sd << 6) + DB_SCALE]!) >>> 0;

  const swin = (win + sack - ack) >>> 0;
  if (u32[(sd << 4) + DW_MAX_WIN]! < swin) u32[(sd << 4) + DW_MAX_WIN] = swin;
  if (after(end, u32[(sd << 4) + DW_END]!)) {
    u32[(sd << 4) + DW_END] = end;
    u8[(sd << 6) + DB_FLAGS] = u8[(sd << 6) + DB_FLAGS]! | F_UNACKED;
  }
  if ((flags & ACK) !== 0) {
    if ((u8[(sd << 6) + DB_FLAGS]! & F_MAXACK) === 0) {
      u32[(sd << 4) + DW_MAX_ACK] = ack;
      u8[(sd << 6) + DB_FLAGS] = u8[(sd << 6) + DB_FLAGS]! | F_MAXACK;
    } else if (after(ack, u32[(sd << 4) + DW_MAX_ACK]!)) {
      u32[(sd << 4) + DW_MAX_ACK] = ack;
    }
  }

  // The receiver's window grows by what the sender pushed past its old edge.
  if (u32[(rd << 4) + DW_MAX_WIN] !== 0 && after(end, u32[(sd << 4) + DW_MAX_END]!)) {
    u32[(rd << 4) + DW_MAX_WIN] = u32[(rd << 4) + DW_MAX_WIN]! + end - u32[(sd << 4) + DW_MAX_END]!;
  }
  if (after(sack + win, u32[(rd << 4) + DW_MAX_END]! - 1)) {
    u32[(rd << 4) + DW_MAX_END] = win === 0 ? sack + 1 : sack + win;
  }
  if (ack === u32[(rd << 4) + DW_END]) u8[(rd << 6) + DB_FLAGS] = u8[(rd << 6) + DB_FLAGS]! & ~F_UNACKED;

  // The same bare ACK again and again means the peer is not answering.
  if (index === iACK) {
    if (
      u8[(s << 7) + B_LAST_DIR] === dir &&
      u32[(s << 5) + W_LAST_SEQ] === seq &&
      u32[(s << 5) + W_LAST_ACK] === ack &&
      u32[(s << 5) + W_LAST_END] === end &&
      u16[(s << 6) + H_LAST_WIN] === winRaw
    ) {
      u8[(s << 7) + B_RETRANS] = u8[(s << 7) + B_RETRANS]! + 1;
    } else {
      u8[(s << 7) + B_LAST_DIR] = dir;
      u32[(s << 5) + W_LAST_SEQ] = seq;
      u32[(s << 5) + W_LAST_ACK] = ack;
      u32[(s << 5) + W_LAST_END] = end;
      u16[(s << 6) + H_LAST_WIN] = winRaw;
      u8[(s << 7) + B_RETRANS] = 0;
    }
  }
  return WIN_ACCEPT;
}

/** Clears one direction's window data (a peer we must learn again). */
function resetDirection(t: ConnTable, d: number): void {
  const u8 = t.u8, u32 = t.u32;
  u32[(d << 4) + DW_END] = 0;
  u32[(d << 4) + DW_MAX_END] = 0;
  u32[(d << 4) + DW_MAX_WIN] = 0;
  u32[(d << 4) + DW_MAX_ACK] = 0;
  u8[(d << 6) + DB_SCALE] = 0;
  u8[(d << 6) + DB_FLAGS] = u8[(d << 6) + DB_FLAGS]! & F_LIBERAL;
}

/**
 * An out-of-window FIN or RST answering one from the other side on an
 * ASSURED connection: the endpoints are out of sync with us, so stop
 * holding the entry for days (nf_tcp_handle_invalid).
 */
function shortenOnInvalid(t: ConnTable, s: number, dir: number, index: number, now: number, cfg: EngineConfig): void {
  const u8 = t.u8, u16 = t.u16, f64 = t.f64;
  if ((u16[(s << 6) + H_STATUS]! & Status.ASSURED) === 0) return;
  if (index !== iRST && index !== iFIN) return;
  const lastIndex = u8[(s << 7) + B_LAST_INDEX]!;
  if (u8[(s << 7) + B_LAST_DIR] !== dir && (lastIndex === iFIN || lastIndex === iRST)) {
    const left = f64[(s << 4) + D_EXPIRES]! - now;
    if (left < 120) return;
    const unack = cfg.timeouts.tcpUnacknowledged;
    if (left > unack) f64[(s << 4) + D_EXPIRES] = now + unack;
  } else {
    u8[(s << 7) + B_LAST_INDEX] = index;
    u8[(s << 7) + B_LAST_DIR] = dir;
  }
}

/**
 * True for the closing states Linux lets the table evict first when it is
 * full (tcp_can_early_drop): FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE.
 */
export function tcpCanEarlyDrop(state: number): boolean {
  return state === sFW || state === sCW || state === sLA || state === sTW || state === sCL;
}

function established(t: ConnTable, s: number): boolean {
  const u8 = t.u8, u16 = t.u16;
  return u8[(s << 7) + B_PROTO_STATE] === sES && (u16[(s << 6) + H_STATUS]! & Status.ASSURED) !== 0;
}

// --- the tracker ---------------------------------------------------------

function canCreate(p: ParsedPacket, cfg: EngineConfig): number {
  if (!tcpFlagsValid(p.tcpFlags)) return Reason.BAD_TCP_FLAGS;
  const next = TRANSITIONS[indexOf(p.tcpFlags) * 10 + sNO]!;
  if (next === sSS) return Reason.NONE;
  if (next >= sIV) return Reason.TCP_INVALID_NEW;
  // Only a bare ACK reaches ESTABLISHED from NONE: a mid-stream pickup.
  return cfg.tcp.loose ? Reason.NONE : Reason.TCP_LOOSE_OFF;
}

function init(t: ConnTable, s: number, p: ParsedPacket, cfg: EngineConfig): void {
  const now = p.time[0]!;
  const u8 = t.u8, u16 = t.u16, u32 = t.u32, f64 = t.f64;
  const o = s * 2;
  const r = o + 1;
  u8[(s << 7) + B_PROTO_STATE] = sNO;
  for (let d = o; d <= r; d++) {
    u32[(d << 4) + DW_END] = 0;
    u32[(d << 4) + DW_MAX_END] = 0;
    u32[(d << 4) + DW_MAX_WIN] = 0;
    u8[(d << 6) + DB_SCALE] = 0;
    u8[(d << 6) + DB_FLAGS] = 0;
    u32[(d << 4) + DW_MAX_ACK] = 0;
  }
  u8[(s << 7) + B_LAST_DIR] = 0;
  u8[(s << 7) + B_RETRANS] = 0;
  u8[(s << 7) + B_LAST_WSCALE] = 0;
  u8[(s << 7) + B_LAST_FLAGS] = 0;
  u32[(s << 5) + W_LAST_SEQ] = 0;
  u32[(s << 5) + W_LAST_ACK] = 0;
  u32[(s << 5) + W_LAST_END] = 0;
  u16[(s << 6) + H_LAST_WIN] = 0;
  // "Nothing yet": the first packet's own update sets it.
  u8[(s << 7) + B_LAST_INDEX] = iNONE;

  const end = segmentEnd(p);
  const win = p.window === 0 ? 1 : p.window;
  u32[(o << 4) + DW_END] = end;
  u32[(o << 4) + DW_MAX_WIN] = win;
  if ((p.tcpFlags & SYN) !== 0) {
    u32[(o << 4) + DW_MAX_END] = end;
    takeSynOptions(t, o, p);
  } else {
    // Picked up mid-stream: the handshake (scale, SACK) is unknown, so assume
    // SACK and check windows liberally in both directions for this connection.
    u32[(o << 4) + DW_MAX_END] = end + win;
    u8[(o << 6) + DB_FLAGS] = F_SACK | F_LIBERAL;
    u8[(r << 6) + DB_FLAGS] = F_SACK | F_LIBERAL;
  }
  // A safe expiry until `packet` (always called next) sets the real one.
  f64[(s << 4) + D_EXPIRES] = now + cfg.timeouts.tcpSynSent;
}

function packet(t: ConnTable, s: number, dir: number, p: ParsedPacket, cfg: EngineConfig): number {
  const now = p.time[0]!;
  const u8 = t.u8, u16 = t.u16, u32 = t.u32, f64 = t.f64;
  const flags = p.tcpFlags;
  if (!tcpFlagsValid(flags)) return Reason.BAD_TCP_FLAGS;
  const index = indexOf(flags);
  let oldState: number = u8[(s << 7) + B_PROTO_STATE]!;
  let newState: number = TRANSITIONS[(dir * 6 + index) * 10 + oldState]!;
  let checkWindow = true;

  if (newState === sSS && oldState >= sTW) {
    // A SYN on a closed connection: if someone closed it properly (FIN) or
    // this side reset it, this is a new connection on the same tuple.
    if (
      ((u8[((s * 2) << 6) + DB_FLAGS]! | u8[((s * 2 + 1) << 6) + DB_FLAGS]!) & F_CLOSE_INIT) !== 0 ||
      (u8[(s << 7) + B_LAST_DIR] === dir && u8[(s << 7) + B_LAST_INDEX] === iRST)
    ) {
      return TRACK_REOPEN;
    }
    // Otherwise it is let through untracked, like the ignored packets.
    newState = sIG;
  }

  if (newState === sIG) {
    const lastDir = u8[(s << 7) + B_LAST_DIR]!;
    if (index === iSYNACK && u8[(s << 7) + B_LAST_INDEX] === iSYN && lastDir !== dir && p.ack === u32[(s << 5) + W_LAST_END]) {
      // This SYN-ACK answers the SYN we let through untracked: the endpoints
      // are in sync and we are not. Rebuild the handshake from the notes.
      oldState = sSS;
      newState = sSR;
      const ld = s * 2 + lastDir;
      const lastEnd = u32[(s << 5) + W_LAST_END]!;
      u32[(ld << 4) + DW_END] = lastEnd;
      u32[(ld << 4) + DW_MAX_END] = lastEnd;
      u32[(ld << 4) + DW_MAX_WIN] = u16[(s << 6) + H_LAST_WIN] === 0 ? 1 : u16[(s << 6) + H_LAST_WIN]!;
      u8[(ld << 6) + DB_SCALE] = u8[(s << 7) + B_LAST_WSCALE]!;
      u8[(s << 7) + B_LAST_FLAGS] = u8[(s << 7) + B_LAST_FLAGS]! & ~F_CHALLENGE;
      u8[(ld << 6) + DB_FLAGS] = u8[(s << 7) + B_LAST_FLAGS]!;
      resetDirection(t, s * 2 + dir);
    } else {
      // Note what we let through, to recognise the answer to it.
      u8[(s << 7) + B_LAST_INDEX] = index;
      u8[(s << 7) + B_LAST_DIR] = dir;
      u32[(s << 5) + W_LAST_SEQ] = p.seq;
      u32[(s << 5) + W_LAST_END] = segmentEnd(p);
      u16[(s << 6) + H_LAST_WIN] = p.window;
      if (index === iSYN && dir === 0) {
        let lf = 0;
        let ws = 0;
        if (p.wscale >= 0) {
          lf |= F_WSCALE;
          ws = p.wscale;
        }
        if (p.sackPermitted) lf |= F_SACK;
        // In LAST_ACK the peer may answer this SYN with an RFC 5961 challenge
        // ACK, which must not be taken for the final ACK.
        if (oldState === sLA) lf |= F_CHALLENGE;
        u8[(s << 7) + B_LAST_FLAGS] = lf;
        u8[(s << 7) + B_LAST_WSCALE] = ws;
      }
      if (oldState === sSS && index === iACK && dir === 1) u32[(s << 5) + W_LAST_ACK] = p.ack;
      return TRACK_OK;
    }
  }

  switch (newState) {
    case sIV:
      return Reason.TCP_INVALID_STATE;
    case sTW:
      if (
        oldState === sLA &&
        index === iACK &&
        u8[(s << 7) + B_LAST_DIR] !== dir &&
        u8[(s << 7) + B_LAST_INDEX] === iSYN &&
        (u8[(s << 7) + B_LAST_FLAGS]! & F_CHALLENGE) !== 0
      ) {
        // The challenge ACK we expected: accept it, change nothing.
        u8[(s << 7) + B_LAST_FLAGS] = u8[(s << 7) + B_LAST_FLAGS]! & ~F_CHALLENGE;
        return TRACK_OK;
      }
      break;
    case sS2:
      u8[(s << 7) + B_LAST_FLAGS] = u8[(s << 7) + B_LAST_FLAGS]! | F_SIMOPEN;
      break;
    case sSR:
      // In a simultaneous open the reply side's ACK completes the handshake.
      if (dir === 1 && index === iACK && (u8[(s << 7) + B_LAST_FLAGS]! & F_SIMOPEN) !== 0) newState = sES;
      break;
    case sCL: {
      if (index !== iRST) break;
      // Closing states may already be reused by a new connection: the
      // window data is stale, so take the RST as it is.
      if (tcpCanEarlyDrop(oldState)) {
        checkWindow = false;
        break;
      }
      const other = s * 2 + (dir ^ 1);
      if ((u8[(other << 6) + DB_FLAGS]! & F_MAXACK) !== 0 && u8[(s << 7) + B_LAST_INDEX] !== iSYN) {
        const seq = p.seq;
        // seq 0 before the connection is established: answer to a SYN we let by.
        if (seq === 0 && !established(t, s)) break;
        // A RST below what the other side already acknowledged is forged or stale.
        if (before(seq, u32[(other << 4) + DW_MAX_ACK]!)) return Reason.TCP_BAD_RST;
        if (!established(t, s) || seq === u32[(other << 4) + DW_MAX_ACK]) break;
        // The RST right after our last data segment in the same direction.
        if (u8[(s << 7) + B_LAST_INDEX] === iACK && u8[(s << 7) + B_LAST_DIR] === dir && seq === u32[(s << 5) + W_LAST_END]) break;
        // In window but not exact: keep the state, the peer may send a challenge ACK.
        newState = oldState;
      }
      const li = u8[(s << 7) + B_LAST_INDEX]!;
      if (
        (((u16[(s << 6) + H_STATUS]! & Status.SEEN_REPLY) !== 0 && li === iSYN) ||
          ((u16[(s << 6) + H_STATUS]! & Status.ASSURED) === 0 && li === iACK)) &&
        p.ack === u32[(s << 5) + W_LAST_END]
      ) {
        // RST answering a SYN or ACK we let through untracked: skip the window check.
        checkWindow = false;
        break;
      }
      if (oldState === sSS && li === iACK && u8[(s << 7) + B_LAST_DIR] === 1 && p.seq === u32[(s << 5) + W_LAST_ACK]) {
        // RST answering a challenge ACK we let through.
        checkWindow = false;
      }
      break;
    }
    default:
      break;
  }

  if (checkWindow) {
    const w = inWindow(t, s, dir, index, p, cfg);
    if (w === WIN_IGNORE) return TRACK_OK;
    if (w > 0) {
      shortenOnInvalid(t, s, dir, index, now, cfg);
      return w;
    }
  }

  // From here on the packet is in window.
  u8[(s << 7) + B_LAST_INDEX] = index;
  u8[(s << 7) + B_LAST_DIR] = dir;
  u8[(s << 7) + B_PROTO_STATE] = newState;
  if (oldState !== newState && newState === sFW) {
    u8[((s * 2 + dir) << 6) + DB_FLAGS] = u8[((s * 2 + dir) << 6) + DB_FLAGS]! | F_CLOSE_INIT;
  }

  const to = cfg.timeouts;
  const base = stateTimeout(newState, to);
  let timeout: number;
  if (u8[(s << 7) + B_RETRANS]! >= cfg.tcp.maxRetrans && base > to.tcpMaxRetrans) timeout = to.tcpMaxRetrans;
  else if (index === iRST) timeout = to.tcpClose;
  else if (((u8[((s * 2) << 6) + DB_FLAGS]! | u8[((s * 2 + 1) << 6) + DB_FLAGS]!) & F_UNACKED) !== 0 && base > to.tcpUnacknowledged) {
    timeout = to.tcpUnacknowledged;
  } else if (u16[(s << 6) + H_LAST_WIN] === 0 && base > to.tcpMaxRetrans) {
    // A zero window (or no ACK tracked yet) shortens long timeouts like retransmissions do.
    timeout = to.tcpMaxRetrans;
  } else timeout = base;

  const status = u16[(s << 6) + H_STATUS]!;
  if ((status & Status.SEEN_REPLY) === 0) {
    // Only a RST came back (or the originator aborted): no connection to keep.
    if ((flags & RST) !== 0) {
      f64[(s << 4) + D_EXPIRES] = now + timeout;
      return TRACK_KILL;
    }
    // A retransmitted SYN must not keep the entry alive forever.
    if (index === iSYN && oldState === sSS) return TRACK_OK;
    // A one-sided pickup must not get the long ESTABLISHED timeout.
    if (newState === sES && timeout > to.tcpUnacknowledged) timeout = to.tcpUnacknowledged;
  } else if ((status & Status.ASSURED) === 0 && (oldState === sSR || oldState === sES) && newState === sES) {
    // An in-window ACK completing the handshake, or both sides of a pickup heard.
    u16[(s << 6) + H_STATUS] = status | Status.ASSURED;
  }
  f64[(s << 4) + D_EXPIRES] = now + timeout;
  return TRACK_OK;
}

function stateName(state: number): string {
  return TCP_STATE_NAMES[state] ?? "";
}

/** The TCP tracker, for protocol 6. */
export const tcpTracker: ProtoTracker = { canCreate, init, packet, stateName };
