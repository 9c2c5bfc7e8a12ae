/**
 * The part of the engine's connection table a protocol tracker reads and
 * writes: a connection's timer, status bits, tracker state byte, tuple keys
 * and the areas private to the tracker. A connection is named by its slot
 * `s`, which the engine passes to every tracker call; a direction `dir` is
 * 0 (original) or 1 (reply).
 *
 * The private areas are where a tracker keeps what Linux keeps in
 * `ct->proto` (TCP's windows, SCTP's verification tags): 20 bytes per
 * direction and 16 bytes per connection, zero when a connection is created.
 * Word, half-word and byte accessors overlap: byte `i` of an area is in
 * word `i >> 2`. Every accessor is a plain indexed load or store into typed
 * arrays, so a tracker may call them freely per packet.
 */
export interface TrackerTable {
  /** Address family of slot `s` (4 or 6). */
  family(s: number): number;
  /** Transport protocol number of slot `s`. */
  protocol(s: number): number;
  /** Conntrack zone of slot `s`. */
  zone(s: number): number;
  /** Connection id of slot `s` (stable for its lifetime; slots are reused, ids are not). */
  id(s: number): number;
  /** `Status` bits. */
  status(s: number): number;
  /** Replaces the `Status` bits (keep the ones you do not own: `t.setStatus(s, t.status(s) | Status.ASSURED)`). */
  setStatus(s: number, bits: number): void;
  /** Sets `Status` bits. */
  addStatus(s: number, bits: number): void;
  /** The tracker's state byte (0 when the connection is created), shown through `stateName`. */
  protoState(s: number): number;
  setProtoState(s: number, state: number): void;
  /** Absolute expiry, in seconds of engine time. */
  expires(s: number): number;
  /** Sets the absolute expiry: `t.setExpires(s, p.time[0] + timeout)` (Linux's `nf_ct_refresh`). */
  setExpires(s: number, at: number): void;
  /** Time of the connection's first packet. */
  created(s: number): number;
  /** Tuple key `k`: 0 original source key, 1 original destination key, 2 reply source key, 3 reply destination key. */
  port(s: number, k: number): number;
  /** Word `i` (0..4) of direction `dir`'s private area. */
  dirU32(s: number, dir: number, i: number): number;
  setDirU32(s: number, dir: number, i: number, v: number): void;
  /** Byte `i` (0..19) of direction `dir`'s private area. */
  dirU8(s: number, dir: number, i: number): number;
  setDirU8(s: number, dir: number, i: number, v: number): void;
  /** Word `i` (0..3) of the connection's private area. */
  sharedU32(s: number, i: number): number;
  setSharedU32(s: number, i: number, v: number): void;
  /** Half-word `i` (0..7) of the connection's private area. */
  sharedU16(s: number, i: number): number;
  setSharedU16(s: number, i: number, v: number): void;
  /** Byte `i` (0..15) of the connection's private area. */
  sharedU8(s: number, i: number): number;
  setSharedU8(s: number, i: number, v: number): void;
}
