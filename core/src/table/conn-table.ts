import { StatusBit, StatusMask } from "../constants.js";
import type { TrackerTable } from "../proto/tracker-table.js";
import { hashTuple } from "./hash.js";
import { Layout } from "./layout.js";

/** How a connection slot is addressed together with a direction: `slot << 1 | dir`. */
export type ConnRef = number;

function grown<T extends Int32Array | Uint32Array>(a: T, length: number): T {
  const b = new (a.constructor as { new (n: number): T })(length);
  b.set(a.subarray(0, Math.min(a.length, length)));
  return b;
}

/**
 * The connection table: one 128-byte record per connection in a single
 * buffer (see `layout.ts`) and an open-addressing index with linear probing
 * that holds two entries per connection, one for each direction's tuple.
 *
 * Every field is read and written through the small methods below, which
 * V8 inlines: the layout is known here and in the trackers' record files,
 * nowhere else. Nothing allocates per packet. Storage grows by doubling up
 * to `max` slots, so a small engine stays small and a large one never
 * rehashes on the hot path after warm-up.
 */
export class ConnTable implements TrackerTable {
  /** Slots allocated now. */
  capacity = 0;
  /** Connections in use. */
  count = 0;
  /** Never more slots than this. */
  readonly max: number;
  readonly seed: number;
  /** Words of NAT extension per slot: 0, or `Layout.EXT_WORDS` when the engine translates. */
  readonly extWords: number;
  /** Word offset of slot 0's extension in `u32` (after every record). */
  extBase = 0;

  /** Views of the record buffer (replaced when the table grows: never cache them across calls). */
  u8 = new Uint8Array(0);
  u16 = new Uint16Array(0);
  u32 = new Uint32Array(0);
  f64 = new Float64Array(0);

  /** Master connection slot (-1 none) and the id it had, to detect reuse (cold: kept apart). */
  master = new Int32Array(0);
  masterId = new Uint32Array(0);
  private nextFree = new Int32Array(0);
  private freeHead = -1;
  private nextId = 1;

  /**
   * Entries are `ref + 1` in the low `refMask` bits (0 = empty) and, above
   * them, the same bits of the tuple's hash: a probe that meets another
   * tuple's entry is told apart without loading that record's cache lines.
   */
  private index = new Int32Array(0);
  private mask = 0;
  private refMask = 0;

  constructor(max: number, initial = 1024, seed = 0x2545f491, withExtension = false) {
    this.max = Math.max(1, max | 0);
    this.seed = seed | 0;
    this.extWords = withExtension ? Layout.EXT_WORDS : 0;
    this.resize(Math.min(this.max, Math.max(16, initial | 0)));
  }

  /** Bytes of storage per slot (record, extension, side arrays and index share): the memory cost of a connection. */
  bytesPerSlot(): number {
    return this.byteLength() / this.capacity;
  }

  /** Total bytes held by the table. */
  byteLength(): number {
    return this.u8.byteLength + this.master.byteLength + this.masterId.byteLength + this.nextFree.byteLength + this.index.byteLength;
  }

  private resize(cap: number): void {
    const old = this.capacity;
    const buffer = new ArrayBuffer(cap * (Layout.RECORD_BYTES + this.extWords * 4));
    const u8 = new Uint8Array(buffer);
    u8.set(this.u8.subarray(0, old * Layout.RECORD_BYTES));
    const u32 = new Uint32Array(buffer);
    if (this.extWords > 0) u32.set(this.u32.subarray(this.extBase, this.extBase + old * this.extWords), cap * (Layout.RECORD_BYTES >> 2));
    this.u8 = u8;
    this.u16 = new Uint16Array(buffer);
    this.u32 = u32;
    this.f64 = new Float64Array(buffer);
    this.extBase = cap * (Layout.RECORD_BYTES >> 2);
    this.master = grown(this.master, cap);
    this.masterId = grown(this.masterId, cap);
    this.nextFree = grown(this.nextFree, cap);
    // New slots join the free list, lowest first.
    for (let s = cap - 1; s >= old; s--) {
      this.master[s] = -1;
      this.nextFree[s] = this.freeHead;
      this.freeHead = s;
    }
    this.capacity = cap;
    let size = 16;
    while (size < cap * 4) size *= 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
    // Enough low bits for the largest `ref + 1` (2 * cap); the rest carry the hash tag.
    this.refMask = 2 ** (32 - Math.clz32(2 * cap)) - 1;
    for (let s = 0; s < old; s++) if (this.u8[(s << 7) + Layout.B_FAMILY] !== 0 && this.confirmed(s)) this.insertEntries(s);
  }

  /** Linked into the index (confirmed): findable by its tuples. */
  confirmed(s: number): boolean {
    return (this.u16[(s << 6) + Layout.H_STATUS]! & StatusBit.CONFIRMED) !== 0;
  }

  // --- generic fields ------------------------------------------------------

  family(s: number): number {
    return this.u8[(s << 7) + Layout.B_FAMILY]!;
  }
  protocol(s: number): number {
    return this.u8[(s << 7) + Layout.B_PROTO]!;
  }
  zone(s: number): number {
    return this.u16[(s << 6) + Layout.H_ZONE]!;
  }
  status(s: number): number {
    return this.u16[(s << 6) + Layout.H_STATUS]!;
  }
  setStatus(s: number, bits: number): void {
    this.u16[(s << 6) + Layout.H_STATUS] = bits;
  }
  addStatus(s: number, bits: number): void {
    this.u16[(s << 6) + Layout.H_STATUS] = this.u16[(s << 6) + Layout.H_STATUS]! | bits;
  }
  /** Tracker state (TCP: `TcpState`). */
  protoState(s: number): number {
    return this.u8[(s << 7) + Layout.B_PROTO_STATE]!;
  }
  setProtoState(s: number, state: number): void {
    this.u8[(s << 7) + Layout.B_PROTO_STATE] = state;
  }
  /** Helper index + 1, 0 for none. */
  helper(s: number): number {
    return this.u8[(s << 7) + Layout.B_HELPER]!;
  }
  setHelper(s: number, indexPlusOne: number): void {
    this.u8[(s << 7) + Layout.B_HELPER] = indexPlusOne;
  }
  /** Tuple key `k`: 0 original sport, 1 original dport, 2 reply sport, 3 reply dport. */
  port(s: number, k: number): number {
    return this.u16[(s << 6) + Layout.H_PORTS + k]!;
  }
  setPort(s: number, k: number, value: number): void {
    this.u16[(s << 6) + Layout.H_PORTS + k] = value;
  }
  expires(s: number): number {
    return this.f64[(s << 4) + Layout.D_EXPIRES]!;
  }
  setExpires(s: number, at: number): void {
    this.f64[(s << 4) + Layout.D_EXPIRES] = at;
  }
  created(s: number): number {
    return this.f64[(s << 4) + Layout.D_CREATED]!;
  }
  setCreated(s: number, at: number): void {
    this.f64[(s << 4) + Layout.D_CREATED] = at;
  }
  id(s: number): number {
    return this.u32[(s << 5) + Layout.W_ID]!;
  }
  mark(s: number): number {
    return this.u32[(s << 5) + Layout.W_MARK]!;
  }
  setMark(s: number, mark: number): void {
    this.u32[(s << 5) + Layout.W_MARK] = mark;
  }

  /** Word offset in `u32` of the source address of slot `s`'s tuple in direction `dir`. */
  srcAt(s: number, dir: number): number {
    if (dir === 0) return (s << 5) + Layout.W_SRC;
    return (this.u16[(s << 6) + Layout.H_STATUS]! & StatusMask.NAT) !== 0 ? this.extBase + s * Layout.EXT_WORDS + Layout.X_REPLY_SRC : (s << 5) + Layout.W_DST;
  }
  /** Word offset in `u32` of the destination address of slot `s`'s tuple in direction `dir`. */
  dstAt(s: number, dir: number): number {
    if (dir === 0) return (s << 5) + Layout.W_DST;
    return (this.u16[(s << 6) + Layout.H_STATUS]! & StatusMask.NAT) !== 0 ? this.extBase + s * Layout.EXT_WORDS + Layout.X_REPLY_DST : (s << 5) + Layout.W_SRC;
  }
  /** Word offset of slot `s`'s NAT extension (only when `extWords` > 0). */
  extAt(s: number): number {
    return this.extBase + s * Layout.EXT_WORDS;
  }

  // --- tracker-private areas ---------------------------------------------

  /** Word `i` (0..4) of direction `dir`'s private area. */
  dirU32(s: number, dir: number, i: number): number {
    return this.u32[(((s << 1) | dir) << 4) + Layout.DIR_PRIVATE_WORD + i]!;
  }
  setDirU32(s: number, dir: number, i: number, v: number): void {
    this.u32[(((s << 1) | dir) << 4) + Layout.DIR_PRIVATE_WORD + i] = v;
  }
  /** Byte `i` (0..19) of direction `dir`'s private area. */
  dirU8(s: number, dir: number, i: number): number {
    return this.u8[(((s << 1) | dir) << 6) + Layout.DIR_PRIVATE_BYTE + i]!;
  }
  setDirU8(s: number, dir: number, i: number, v: number): void {
    this.u8[(((s << 1) | dir) << 6) + Layout.DIR_PRIVATE_BYTE + i] = v;
  }
  /** Word `i` (0..3) of the connection's private area. */
  sharedU32(s: number, i: number): number {
    return this.u32[(s << 5) + Layout.SHARED_PRIVATE_WORD + i]!;
  }
  setSharedU32(s: number, i: number, v: number): void {
    this.u32[(s << 5) + Layout.SHARED_PRIVATE_WORD + i] = v;
  }
  /** Half-word `i` (0..7) of the connection's private area. */
  sharedU16(s: number, i: number): number {
    return this.u16[(s << 6) + (Layout.SHARED_PRIVATE_BYTE >> 1) + i]!;
  }
  setSharedU16(s: number, i: number, v: number): void {
    this.u16[(s << 6) + (Layout.SHARED_PRIVATE_BYTE >> 1) + i] = v;
  }
  /** Byte `i` (0..15) of the connection's private area. */
  sharedU8(s: number, i: number): number {
    return this.u8[(s << 7) + Layout.SHARED_PRIVATE_BYTE + i]!;
  }
  setSharedU8(s: number, i: number, v: number): void {
    this.u8[(s << 7) + Layout.SHARED_PRIVATE_BYTE + i] = v;
  }

  // --- life cycle ------------------------------------------------------------

  /**
   * Takes a free slot with a zeroed record, growing storage if allowed.
   * Returns -1 when the table holds `max` connections (the engine then tries
   * an early drop). Write the tuple with {@link setTuple}, then {@link link}.
   */
  allocate(): number {
    if (this.freeHead < 0) {
      if (this.capacity >= this.max) return -1;
      this.resize(Math.min(this.max, this.capacity * 2));
    }
    const s = this.freeHead;
    this.freeHead = this.nextFree[s]!;
    this.count++;
    this.u32.fill(0, s << 5, (s + 1) << 5);
    if (this.extWords > 0) this.u32.fill(0, this.extAt(s), this.extAt(s) + Layout.EXT_WORDS);
    this.master[s] = -1;
    this.masterId[s] = 0;
    this.u32[(s << 5) + Layout.W_ID] = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    return s;
  }

  /** Writes the original tuple of slot `s` and the keys of its reply tuple (the addresses are the original's, swapped). */
  setTuple(
    s: number,
    family: number,
    proto: number,
    zone: number,
    src: Uint32Array,
    dst: Uint32Array,
    sport: number,
    dport: number,
    replySport: number,
    replyDport: number,
  ): void {
    this.u8[(s << 7) + Layout.B_FAMILY] = family;
    this.u8[(s << 7) + Layout.B_PROTO] = proto;
    const h = s << 6;
    this.u16[h + Layout.H_ZONE] = zone;
    this.u16[h + Layout.H_PORTS] = sport;
    this.u16[h + Layout.H_PORTS + 1] = dport;
    this.u16[h + Layout.H_PORTS + 2] = replySport;
    this.u16[h + Layout.H_PORTS + 3] = replyDport;
    const w = s << 5;
    for (let i = 0; i < 4; i++) {
      this.u32[w + Layout.W_SRC + i] = src[i]!;
      this.u32[w + Layout.W_DST + i] = dst[i]!;
    }
  }

  /** Hash of slot `s`'s tuple in direction `dir`. */
  private hashOf(s: number, dir: number): number {
    return hashTuple(
      this.seed,
      this.family(s),
      this.protocol(s),
      this.zone(s),
      this.u32,
      this.srcAt(s, dir),
      this.u32,
      this.dstAt(s, dir),
      this.port(s, dir * 2),
      this.port(s, dir * 2 + 1),
    );
  }

  /**
   * Confirms slot `s`: sets CONFIRMED and makes it findable by both of its
   * tuples. Done once, when its first packet leaves (its reply tuple is final
   * by then: NAT has decided).
   */
  link(s: number): void {
    if (this.confirmed(s)) return;
    this.addStatus(s, StatusBit.CONFIRMED);
    this.insertEntries(s);
  }

  private insertEntries(s: number): void {
    for (let dir = 0; dir < 2; dir++) {
      const h = this.hashOf(s, dir);
      let i = h & this.mask;
      while (this.index[i] !== 0) i = (i + 1) & this.mask;
      this.index[i] = (h & ~this.refMask) | (((s << 1) | dir) + 1);
    }
  }

  /** Removes slot `s` from the index (if linked) and returns it to the free list. */
  release(s: number): void {
    if (this.u8[(s << 7) + Layout.B_FAMILY] === 0) return;
    if (this.confirmed(s)) for (let dir = 0; dir < 2; dir++) this.unlinkEntry(s, dir);
    this.u8[(s << 7) + Layout.B_FAMILY] = 0;
    this.u16[(s << 6) + Layout.H_STATUS] = 0;
    this.nextFree[s] = this.freeHead;
    this.freeHead = s;
    this.count--;
  }

  private unlinkEntry(s: number, dir: number): void {
    const want = ((s << 1) | dir) + 1;
    const mask = this.mask;
    const refMask = this.refMask;
    const index = this.index;
    let i = this.hashOf(s, dir) & mask;
    while ((index[i]! & refMask) !== want) {
      if (index[i] === 0) return;
      i = (i + 1) & mask;
    }
    // Backward-shift deletion keeps probe chains intact without tombstones.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const e = index[j]!;
      if (e === 0) break;
      const ref = (e & refMask) - 1;
      const home = this.hashOf(ref >> 1, ref & 1) & mask;
      const movable = i <= j ? home <= i || home > j : home <= i && home > j;
      if (movable) {
        index[i] = e;
        i = j;
      }
    }
    index[i] = 0;
  }

  /**
   * Finds the connection whose tuple in some direction equals the given one.
   * Returns `slot << 1 | dir`, or -1.
   */
  find(family: number, proto: number, zone: number, src: Uint32Array, dst: Uint32Array, sport: number, dport: number): ConnRef {
    // The hottest loop of the engine: it reads the record's fields in place
    // (this is the table's own layout) instead of going through accessors.
    const mask = this.mask;
    const index = this.index;
    const u8 = this.u8;
    const u16 = this.u16;
    const u32 = this.u32;
    const refMask = this.refMask;
    const h = hashTuple(this.seed, family, proto, zone, src, 0, dst, 0, sport, dport);
    const tag = h & ~refMask;
    let i = h & mask;
    for (;;) {
      const e = index[i]!;
      if (e === 0) return -1;
      if ((e & ~refMask) !== tag) {
        i = (i + 1) & mask;
        continue;
      }
      const ref = (e & refMask) - 1;
      const s = ref >> 1;
      const dir = ref & 1;
      const h = (s << 6) + Layout.H_PORTS + (dir << 1);
      if (u16[h] === sport && u16[h + 1] === dport) {
        const w = s << 5;
        let sa: number;
        let da: number;
        if (dir === 0) {
          sa = w + Layout.W_SRC;
          da = w + Layout.W_DST;
        } else if ((u16[(s << 6) + Layout.H_STATUS]! & StatusMask.NAT) === 0) {
          sa = w + Layout.W_DST;
          da = w + Layout.W_SRC;
        } else {
          const x = this.extBase + s * Layout.EXT_WORDS;
          sa = x + Layout.X_REPLY_SRC;
          da = x + Layout.X_REPLY_DST;
        }
        if (
          u32[sa] === src[0] &&
          u32[da] === dst[0] &&
          u8[(s << 7) + Layout.B_PROTO] === proto &&
          u8[(s << 7) + Layout.B_FAMILY] === family &&
          u16[(s << 6) + Layout.H_ZONE] === zone &&
          u32[sa + 1] === src[1] &&
          u32[sa + 2] === src[2] &&
          u32[sa + 3] === src[3] &&
          u32[da + 1] === dst[1] &&
          u32[da + 2] === dst[2] &&
          u32[da + 3] === dst[3]
        ) {
          return ref;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /** True when slot `s` holds a connection. */
  inUse(s: number): boolean {
    return s >= 0 && s < this.capacity && this.u8[(s << 7) + Layout.B_FAMILY] !== 0;
  }

  /** True when slot `s` holds connection `id` (not a later one that reused the slot). */
  holds(s: number, id: number): boolean {
    return this.inUse(s) && this.u32[(s << 5) + Layout.W_ID] === id;
  }
}
