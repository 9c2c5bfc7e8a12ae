/**
 * Where each field of a connection lives in the table's record buffer.
 *
 * A connection is one 128-byte record (array of structs), so a packet of a
 * known connection touches two cache lines of it instead of one line per
 * field. The record is two 64-byte halves; each half also holds the TCP
 * window state of one direction, so the per-direction fields of direction
 * `dir` of slot `s` are found from `d = s * 2 + dir` alone.
 *
 * Index a view with the slot shifted for the view's element size:
 * - `u8[(s << 7) + B_*]`, `u16[(s << 6) + H_*]`, `u32[(s << 5) + W_*]`, `f64[(s << 4) + D_*]`;
 * - per direction: `u32[(d << 4) + DW_*]`, `u8[(d << 6) + DB_*]`.
 */

/** Bytes per connection record. */
export const RECORD_BYTES = 128;

// --- first half (bytes 0-63) ---------------------------------------------
/** Address family, 0 = free slot (u8). */
export const B_FAMILY = 0;
/** Transport protocol (u8). */
export const B_PROTO = 1;
/** Zone (u16). */
export const H_ZONE = 1;
/** `Status` bits (u16). */
export const H_STATUS = 2;
/** Tracker state, e.g. the TCP state (u8). */
export const B_PROTO_STATE = 6;
/** Helper index + 1, 0 = none (u8). */
export const B_HELPER = 7;
/** Original sport, dport, then reply sport, dport (u16 x 4; ICMP reply types differ from request types). */
export const H_PORTS = 4;
/** Original source address, 4 words (u32). */
export const W_SRC = 4;
/** Absolute expiry in seconds (f64). */
export const D_EXPIRES = 4;
/** TCP: last packet's direction and state-table index (u8). */
export const B_LAST_DIR = 58;
export const B_LAST_INDEX = 59;
/** Connection id (u32). */
export const W_ID = 15;

// --- second half (bytes 64-127) ------------------------------------------
/** Original destination address, 4 words (u32). */
export const W_DST = 16;
/** Time of the first packet (f64). */
export const D_CREATED = 10;
/** TCP: last packet's seq, ack, end (u32), window (u16), flags, retransmission count (u8). */
export const W_LAST_SEQ = 22;
export const W_LAST_ACK = 23;
export const W_LAST_END = 24;
export const H_LAST_WIN = 50;
export const B_LAST_FLAGS = 102;
export const B_RETRANS = 103;
/** TCP: window scale of the last SYN seen (u8). */
export const B_LAST_WSCALE = 122;
/** Mark (u32). */
export const W_MARK = 31;

// --- per direction, at the same place in each half -----------------------
/** TCP window tracking of the sender in direction d: td_end, td_maxend, td_maxwin, td_maxack (u32). */
export const DW_END = 10;
export const DW_MAX_END = 11;
export const DW_MAX_WIN = 12;
export const DW_MAX_ACK = 13;
/** td_scale and the IP_CT_TCP_FLAG_* bits (u8). */
export const DB_SCALE = 56;
export const DB_FLAGS = 57;
