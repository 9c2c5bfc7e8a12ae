import { hashTuple } from "./hash.js";
import {
  B_FAMILY,
  B_PROTO,
  H_PORTS,
  H_STATUS,
  H_ZONE,
  RECORD_BYTES,
  W_DST,
  W_ID,
  W_SRC,
} from "./layout.js";

/** How a connection slot is addressed together with a direction: `slot << 1 | dir`. */
export type ConnRef = number;

function grown<T extends Int32Array | Uint32Array>(a: T, length: number): T {
  const b = new (a.constructor as { new (n: number): T })(length);
  b.set(a);
  return b;
}

/**
 * The connection table: one 128-byte record per connection in a single
 * buffer (see `layout.ts`), viewed as bytes, 16-bit, 32-bit and float64
 * words, and an open-addressing index with linear probing that holds two
 * entries per connection, one for each direction's tuple.
 *
 * Nothing here allocates per packet. Storage grows by doubling up to `max`
 * slots, so a small engine stays small and a large one never rehashes on the
 * hot path after warm-up.
 *
 * Protocol trackers read and write their fields in the record directly; the
 * layout is the contract between the table and `proto/*`.
 */
export class ConnTable {
  /** Slots allocated now. */
  capacity = 0;
  /** Connections in use. */
  count = 0;
  /** Never more slots than this. */
  readonly max: number;
  readonly seed: number;

  /** Views of the record buffer. */
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

  /** Entries are `ref + 1` (0 = empty). */
  private index = new Int32Array(0);
  private mask = 0;

  constructor(max: number, initial = 1024, seed = 0x2545f491) {
    this.max = Math.max(1, max | 0);
    this.seed = seed | 0;
    this.resize(Math.min(this.max, Math.max(16, initial | 0)));
  }

  /** Bytes of storage per slot (record, side arrays and index share), the memory cost of a connection. */
  bytesPerSlot(): number {
    return this.byteLength() / this.capacity;
  }

  /** Total bytes held by the table. */
  byteLength(): number {
    return this.u8.byteLength + this.master.byteLength + this.masterId.byteLength + this.nextFree.byteLength + this.index.byteLength;
  }

  private resize(cap: number): void {
    const old = this.capacity;
    const buffer = new ArrayBuffer(cap * RECORD_BYTES);
    const u8 = new Uint8Array(buffer);
    u8.set(this.u8);
    this.u8 = u8;
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.f64 = new Float64Array(buffer);
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
    for (let s = 0; s < old; s++) if (this.u8[(s << 7) + B_FAMILY] !== 0) this.link(s);
  }

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
    this.master[s] = -1;
    this.masterId[s] = 0;
    this.u32[(s << 5) + W_ID] = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    return s;
  }

  /** Writes the original tuple of slot `s` and the ports of its reply tuple. */
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
    const b = s << 7;
    this.u8[b + B_FAMILY] = family;
    this.u8[b + B_PROTO] = proto;
    const h = s << 6;
    this.u16[h + H_ZONE] = zone;
    this.u16[h + H_PORTS] = sport;
    this.u16[h + H_PORTS + 1] = dport;
    this.u16[h + H_PORTS + 2] = replySport;
    this.u16[h + H_PORTS + 3] = replyDport;
    const w = s << 5;
    for (let i = 0; i < 4; i++) {
      this.u32[w + W_SRC + i] = src[i]!;
      this.u32[w + W_DST + i] = dst[i]!;
    }
  }

  // --- named access for slow paths (the hot path indexes the views) ------

  /** Port `k` of slot `s`: 0 original sport, 1 original dport, 2 reply sport, 3 reply dport. */
  port(s: number, k: number): number {
    return this.u16[(s << 6) + H_PORTS + k]!;
  }
  /** Word offset in `u32` of slot `s`'s source address (direction 0) or destination address (1). */
  addressOffset(s: number, which: 0 | 1): number {
    return (s << 5) + (which === 0 ? W_SRC : W_DST);
  }

  /** Hash of slot `s`'s tuple in direction `dir`. */
  private hashOf(s: number, dir: number): number {
    const w = s << 5;
    const h = (s << 6) + H_PORTS + dir * 2;
    const b = s << 7;
    const family = this.u8[b + B_FAMILY]!;
    const proto = this.u8[b + B_PROTO]!;
    const zone = this.u16[(s << 6) + H_ZONE]!;
    return dir === 0
      ? hashTuple(this.seed, family, proto, zone, this.u32, w + W_SRC, this.u32, w + W_DST, this.u16[h]!, this.u16[h + 1]!)
      : hashTuple(this.seed, family, proto, zone, this.u32, w + W_DST, this.u32, w + W_SRC, this.u16[h]!, this.u16[h + 1]!);
  }

  /** Makes slot `s` findable by both of its tuples. */
  link(s: number): void {
    for (let dir = 0; dir < 2; dir++) {
      let i = this.hashOf(s, dir) & this.mask;
      while (this.index[i] !== 0) i = (i + 1) & this.mask;
      this.index[i] = ((s << 1) | dir) + 1;
    }
  }

  /** Removes slot `s` from the index and returns it to the free list. */
  release(s: number): void {
    if (this.u8[(s << 7) + B_FAMILY] === 0) return;
    for (let dir = 0; dir < 2; dir++) this.unlinkEntry(s, dir);
    this.u8[(s << 7) + B_FAMILY] = 0;
    this.u16[(s << 6) + H_STATUS] = 0;
    this.nextFree[s] = this.freeHead;
    this.freeHead = s;
    this.count--;
  }

  private unlinkEntry(s: number, dir: number): void {
    const want = ((s << 1) | dir) + 1;
    const mask = this.mask;
    const index = this.index;
    let i = this.hashOf(s, dir) & mask;
    while (index[i] !== want) {
      if (index[i] === 0) return;
      i = (i + 1) & mask;
    }
    // Backward-shift deletion keeps probe chains intact without tombstones.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const e = index[j]!;
      if (e === 0) break;
      const home = this.hashOf((e - 1) >> 1, (e - 1) & 1) & mask;
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
  find(
    family: number,
    proto: number,
    zone: number,
    src: Uint32Array,
    dst: Uint32Array,
    sport: number,
    dport: number,
  ): ConnRef {
    const mask = this.mask;
    const index = this.index;
    const u32 = this.u32;
    const u16 = this.u16;
    const u8 = this.u8;
    let i = hashTuple(this.seed, family, proto, zone, src, 0, dst, 0, sport, dport) & mask;
    for (;;) {
      const e = index[i]!;
      if (e === 0) return -1;
      const ref = e - 1;
      const s = ref >> 1;
      const dir = ref & 1;
      const h = (s << 6) + H_PORTS + (dir << 1);
      if (u16[h] === sport && u16[h + 1] === dport) {
        const w = s << 5;
        const sa = w + (dir === 0 ? W_SRC : W_DST);
        const da = w + (dir === 0 ? W_DST : W_SRC);
        if (
          u32[sa] === src[0] &&
          u32[da] === dst[0] &&
          u8[(s << 7) + B_PROTO] === proto &&
          u8[(s << 7) + B_FAMILY] === family &&
          u16[(s << 6) + H_ZONE] === zone &&
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
    return s >= 0 && s < this.capacity && this.u8[(s << 7) + B_FAMILY] !== 0;
  }
}
