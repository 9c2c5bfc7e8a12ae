import type { ParsedPacket } from "../../packet/parsed-packet.js";

/**
 * The TCP state machine of Linux's `nf_conntrack_proto_tcp.c` (kernel 6.x):
 * states, the transition table, the flag combinations it accepts.
 */

/** TCP conntrack states, numbered as Linux numbers `enum tcp_conntrack`. */
export enum TcpState {
  NONE = 0,
  SYN_SENT = 1,
  SYN_RECV = 2,
  ESTABLISHED = 3,
  FIN_WAIT = 4,
  CLOSE_WAIT = 5,
  LAST_ACK = 6,
  TIME_WAIT = 7,
  CLOSE = 8,
  SYN_SENT2 = 9,
}

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
 * Bits of the per-direction flags and of the connection's last flags, with
 * the values of Linux's `IP_CT_TCP_FLAG_*` so dumps compare directly.
 */
export enum TcpWindowFlag {
  WINDOW_SCALE = 0x01,
  SACK_PERM = 0x02,
  /** This direction sent the first FIN. */
  CLOSE_INIT = 0x04,
  BE_LIBERAL = 0x08,
  DATA_UNACKNOWLEDGED = 0x10,
  /** td_maxack holds a value. */
  MAXACK_SET = 0x20,
  /** (last flags) An RFC 5961 challenge ACK may come: do not take it for the last ACK. */
  EXP_CHALLENGE_ACK = 0x40,
  /** (last flags) A SYN came from the reply direction. */
  SIMULTANEOUS_OPEN = 0x80,
}

/** Which of RST/SYN/FIN/ACK decides the transition (`tcp_bit_set`); also kept as the last index. */
export enum TcpIndex {
  SYN = 0,
  SYNACK = 1,
  FIN = 2,
  ACK = 3,
  RST = 4,
  NONE = 5,
}

/** The header flag bits the tracker reads (byte 13). */
export enum TcpBit {
  FIN = 0x01,
  SYN = 0x02,
  RST = 0x04,
  ACK = 0x10,
}

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
export enum Transition {
  INVALID = 10,
  IGNORE = 11,
}
const sIV = Transition.INVALID;
const sIG = Transition.IGNORE;

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

/** The state after a packet with transition index `index` in direction `dir` from `state`. */
export function transition(dir: number, index: number, state: number): number {
  return TRANSITIONS[(dir * 6 + index) * 10 + state]!;
}

/**
 * Flag combinations tcp_error accepts, indexed by the flag byte without
 * PSH, ECE and CWR (which never matter): a 64-bit set split in two words.
 */
const VALID_LO = validMask(0);
const VALID_HI = validMask(32);

function validMask(base: number): number {
  const URG = 0x20;
  const ok = [TcpBit.SYN, TcpBit.SYN | URG, TcpBit.SYN | TcpBit.ACK, TcpBit.RST, TcpBit.RST | TcpBit.ACK, TcpBit.FIN | TcpBit.ACK, TcpBit.FIN | TcpBit.ACK | URG, TcpBit.ACK, TcpBit.ACK | URG];
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
export function indexOf(flags: number): number {
  if ((flags & TcpBit.RST) !== 0) return TcpIndex.RST;
  if ((flags & TcpBit.SYN) !== 0) return (flags & TcpBit.ACK) !== 0 ? TcpIndex.SYNACK : TcpIndex.SYN;
  if ((flags & TcpBit.FIN) !== 0) return TcpIndex.FIN;
  if ((flags & TcpBit.ACK) !== 0) return TcpIndex.ACK;
  return TcpIndex.NONE;
}

/** Serial-number comparison (RFC 1982) on 32-bit sequence numbers. */
export function before(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
export function after(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

/** Sequence number just past the segment: SYN and FIN each take one. */
export function segmentEnd(p: ParsedPacket): number {
  return (p.seq + p.payloadLength + (p.tcpFlags & TcpBit.SYN ? 1 : 0) + (p.tcpFlags & TcpBit.FIN ? 1 : 0)) >>> 0;
}

/**
 * True for the closing states Linux lets the table evict first when it is
 * full (tcp_can_early_drop): FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE.
 */
export function closingState(state: number): boolean {
  return state === sFW || state === sCW || state === sLA || state === sTW || state === sCL;
}
