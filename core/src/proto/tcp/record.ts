import { Layout } from "../../table/layout.js";

/**
 * TCP's fields in the connection record's tracker-private areas, with the
 * names of Linux's `struct ip_ct_tcp` / `ip_ct_tcp_state`.
 *
 * A field is read as `view[base + TcpField.X]`: the base functions below give
 * the index of a direction's (or the connection's) area in a view, and the
 * constants name the fields in it. The tracker computes each base once per
 * packet, so a field access is one indexed load with no call: window
 * tracking touches some sixty fields per packet, far more than V8 would
 * inline as separate accessor calls.
 */

/** Index in the `u32` view of direction `dir`'s words (the sender's view of the window). */
export function dirWords(s: number, dir: number): number {
  return (((s << 1) | dir) << 4) + Layout.DIR_PRIVATE_WORD;
}
/** Index in the `u8` view of direction `dir`'s bytes. */
export function dirBytes(s: number, dir: number): number {
  return (((s << 1) | dir) << 6) + Layout.DIR_PRIVATE_BYTE;
}
/** Index in the `u32` view of the connection's words. */
export function connWords(s: number): number {
  return (s << 5) + Layout.SHARED_PRIVATE_WORD;
}
/** Index in the `u16` view of the connection's half-words. */
export function connHalves(s: number): number {
  return (s << 6) + (Layout.SHARED_PRIVATE_BYTE >> 1);
}
/** Index in the `u8` view of the connection's bytes. */
export function connBytes(s: number): number {
  return (s << 7) + Layout.SHARED_PRIVATE_BYTE;
}

/** The fields, as an enum: the bundler writes each use as its number (see `table/layout.ts`). */
export enum TcpField {
  // Per direction, words (u32 at dirWords): td_end, td_maxend, td_maxwin, td_maxack.
  TD_END = 0,
  TD_MAX_END = 1,
  TD_MAX_WIN = 2,
  TD_MAX_ACK = 3,
  // Per direction, bytes (u8 at dirBytes): td_scale and the IP_CT_TCP_FLAG_* bits.
  TD_SCALE = 16,
  TD_FLAGS = 17,
  // Per connection, words (u32 at connWords): the last packet's seq, ack and end.
  LAST_SEQ = 0,
  LAST_ACK = 1,
  LAST_END = 2,
  // Per connection, half-words (u16 at connHalves): the last packet's window.
  LAST_WIN = 6,
  // Per connection, bytes (u8 at connBytes): the last flags, the retransmission count.
  LAST_FLAGS = 14,
  RETRANS = 15,
  // The spare bytes of the directions' areas (u8 at dirBytes(s, 0) / dirBytes(s, 1)).
  /** In direction 0's bytes: the last packet's direction and transition index. */
  LAST_DIR = 18,
  LAST_INDEX = 19,
  /** In direction 1's bytes: the window scale of the last SYN let through. */
  LAST_WSCALE = 18,
}
