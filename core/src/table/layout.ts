/**
 * Where each field of a connection lives in the table's record buffer.
 *
 * A connection is one 128-byte record (array of structs), so a packet of a
 * known connection touches two cache lines of it instead of one line per
 * field. The record is two 64-byte halves. Each half holds, at the same
 * place, a 20-byte area private to the protocol tracker for one direction
 * (direction `dir` of slot `s` is in half `s * 2 + dir`), and the record
 * has a 16-byte area private to the tracker for the connection as a whole.
 * Trackers name their fields over those areas (see `proto/tcp/record.ts`);
 * everything else is read through `ConnTable`'s named accessors.
 *
 * Views are indexed with the slot shifted for their element size:
 * `u8[(s << 7) + Layout.B_*]`, `u16[(s << 6) + Layout.H_*]`, `u32[(s << 5) + Layout.W_*]`,
 * `f64[(s << 4) + Layout.D_*]`. Only `ConnTable` and the tracker record files do
 * that arithmetic.
 *
 * Translated connections (NAT) keep what does not fit here in an extension
 * of 16 words per slot after the records in the same buffer: the reply
 * tuple's addresses, the per-direction sequence adjustment and the
 * checksum deltas of the bindings.
 */

/**
 * The offsets, as an enum: the bundler writes each use as its number, where a
 * module constant would cost a load and a type check per use in V8's code.
 */
export enum Layout {
  /** Bytes per connection record. */
  RECORD_BYTES = 128,

  // --- first half (bytes 0-63) -------------------------------------------
  /** Address family, 0 = free slot (u8). */
  B_FAMILY = 0,
  /** Transport protocol (u8). */
  B_PROTO = 1,
  /** Zone (u16). */
  H_ZONE = 1,
  /** `Status` bits (u16). */
  H_STATUS = 2,
  /** Tracker state, e.g. the TCP state (u8). */
  B_PROTO_STATE = 6,
  /** Helper index + 1, 0 = none (u8). */
  B_HELPER = 7,
  /** Original sport, dport, then reply sport, dport (u16 x 4; the tracker decides what they mean). */
  H_PORTS = 4,
  /** Original source address, 4 words (u32). */
  W_SRC = 4,
  /** Absolute expiry in seconds (f64). */
  D_EXPIRES = 4,
  /** Connection id (u32). */
  W_ID = 15,

  // --- second half (bytes 64-127) ----------------------------------------
  /** Original destination address, 4 words (u32). */
  W_DST = 16,
  /** Time of the first packet (f64). */
  D_CREATED = 10,
  /** Mark (u32). */
  W_MARK = 31,

  // --- tracker-private areas ---------------------------------------------
  /** Per direction: 20 bytes at this offset in the direction's half (5 words from `DIR_PRIVATE_WORD`). */
  DIR_PRIVATE_BYTE = 40,
  DIR_PRIVATE_WORD = 10,
  DIR_PRIVATE_BYTES = 20,
  /** Per connection: 16 bytes at this offset in the record (4 words from `SHARED_PRIVATE_WORD`). */
  SHARED_PRIVATE_BYTE = 88,
  SHARED_PRIVATE_WORD = 22,
  SHARED_PRIVATE_BYTES = 16,

  // --- NAT extension (16 words per slot, after all records) ---------------
  /** Words per slot in the extension. */
  EXT_WORDS = 16,
  /** Reply tuple source and destination address, 4 words each. */
  X_REPLY_SRC = 0,
  X_REPLY_DST = 4,
  /** Sequence adjustment of direction d at `X_SEQADJ + d * 3`: correction position, offset before, offset after. */
  X_SEQADJ = 8,
  /**
   * Per binding (0 source, 1 destination), one word as two 16-bit halves
   * (`u16[(x + X_NAT_DELTA + binding) * 2 + k]`): the checksum deltas of the
   * original direction's rewrite of that side, k 0 for the IPv4 header and
   * 1 for the transport header (address and port), or 0 when the packets
   * take the general rewrite (see `Nat.precompute`).
   */
  X_NAT_DELTA = 14,
}
