import { hashTuple } from "./hash.js";

/** How a connection slot is addressed together with a direction: `slot << 1 | dir`. */
export type ConnRef = number;

function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as { new (n: number): T })(length);
  b.set(a);
  return b;
}

/**
 * The connection table: one slot per connection, every field in a typed
 * array (struct of arrays), and an open-addressing index with linear probing
 * that holds two entries per connection, one for each direction's tuple.
 *
 * Nothing here allocates per packet. Storage grows by doubling up to `max`
 * slots, so a small engine stays small and a large one never rehashes on the
 * hot path after warm-up.
 *
 * Protocol trackers read and write the protocol fields directly (the layout
 * is the contract between the table and `proto/*`).
 */
export class ConnTable {
  /** Slots allocated now. */
  capacity = 0;
  /** Connections in use. */
  count = 0;
  /** Never more slots than this. */
  readonly max: number;
  readonly seed: number;

  // --- tuple of the ORIGINAL direction ---------------------------------
  /** 0 = free slot, else 4 or 6. */
  family = new Uint8Array(0);
  proto = new Uint8Array(0);
  zone = new Uint16Array(0);
  /** 8 words per slot: original source (4 words) then original destination (4 words). */
  addr = new Uint32Array(0);
  /** 4 per slot: original sport, dport, then reply sport, dport (ICMP reply types differ from request types). */
  ports = new Uint16Array(0);

  // --- connection ------------------------------------------------------
  /** `Status` bits. */
  status = new Uint16Array(0);
  /** Absolute expiry time in seconds (caller's clock). */
  expires = new Float64Array(0);
  /** Time of the first packet, in seconds. */
  created = new Float64Array(0);
  mark = new Uint32Array(0);
  /** Master connection slot (-1 none) and the id it had, to detect reuse. */
  master = new Int32Array(0);
  masterId = new Uint32Array(0);
  /** Helper index + 1 (0 = none). */
  helper = new Uint8Array(0);
  /** Connection id (never 0), like Linux's ct id: stable for the connection's life. */
  id = new Uint32Array(0);
  /** Live expectations whose master is this slot. */
  expectCount = new Uint16Array(0);
  private nextFree = new Int32Array(0);
  private freeHead = -1;
  private nextId = 1;

  // --- protocol state (TCP uses all; others use `protoState` only) ------
  /** Tracker state: the TCP state number, or a protocol-specific value. */
  protoState = new Uint8Array(0);
  /** Per direction (`slot * 2 + dir`): TCP window tracking of the sender in that direction. */
  tdEnd = new Uint32Array(0);
  tdMaxEnd = new Uint32Array(0);
  tdMaxWin = new Uint32Array(0);
  /** Highest acknowledgement the sender in that direction has sent (Linux td_maxack, judges RSTs). */
  tdMaxAck = new Uint32Array(0);
  tdScale = new Uint8Array(0);
  tdFlags = new Uint8Array(0);
  /** Per slot: what the TCP tracker remembers of the last packet (retransmission detection). */
  tcpLastDir = new Uint8Array(0);
  tcpLastIndex = new Uint8Array(0);
  tcpRetrans = new Uint8Array(0);
  tcpLastWscale = new Uint8Array(0);
  tcpLastFlags = new Uint8Array(0);
  tcpLastSeq = new Uint32Array(0);
  tcpLastAck = new Uint32Array(0);
  tcpLastEnd = new Uint32Array(0);
  tcpLastWin = new Uint16Array(0);

  // --- index -----------------------------------------------------------
  /** Entries are `ref + 1` (0 = empty). */
  private index = new Int32Array(0);
  private mask = 0;

  constructor(max: number, initial = 1024, seed = 0x2545f491) {
    this.max = Math.max(1, max | 0);
    this.seed = seed | 0;
    this.resize(Math.min(this.max, Math.max(16, initial | 0)));
  }

  /** Bytes of typed-array storage per slot, the table's memory cost per connection. */
  bytesPerSlot(): number {
    let bytes = 0;
    for (const a of this.arrays()) bytes += a.BYTES_PER_ELEMENT * (a.length / this.capacity);
    return bytes + (this.index.byteLength / this.capacity);
  }

  /** Total bytes held by the table's typed arrays. */
  byteLength(): number {
    let bytes = this.index.byteLength;
    for (const a of this.arrays()) bytes += a.byteLength;
    return bytes;
  }

  private arrays(): (Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array)[] {
    return [
      this.family, this.proto, this.zone, this.addr, this.ports, this.status, this.expires, this.created, this.mark,
      this.master, this.masterId, this.helper, this.id, this.expectCount, this.nextFree, this.protoState,
      this.tdEnd, this.tdMaxEnd, this.tdMaxWin, this.tdMaxAck, this.tdScale, this.tdFlags, this.tcpLastDir,
      this.tcpLastIndex, this.tcpRetrans, this.tcpLastWscale, this.tcpLastFlags, this.tcpLastSeq,
      this.tcpLastAck, this.tcpLastEnd, this.tcpLastWin,
    ];
  }

  private resize(cap: number): void {
    const old = this.capacity;
    this.family = grown(this.family, cap);
    this.proto = grown(this.proto, cap);
    this.zone = grown(this.zone, cap);
    this.addr = grown(this.addr, cap * 8);
    this.ports = grown(this.ports, cap * 4);
    this.status = grown(this.status, cap);
    this.expires = grown(this.expires, cap);
    this.created = grown(this.created, cap);
    this.mark = grown(this.mark, cap);
    this.master = grown(this.master, cap);
    this.masterId = grown(this.masterId, cap);
    this.helper = grown(this.helper, cap);
    this.id = grown(this.id, cap);
    this.expectCount = grown(this.expectCount, cap);
    this.nextFree = grown(this.nextFree, cap);
    this.protoState = grown(this.protoState, cap);
    this.tdEnd = grown(this.tdEnd, cap * 2);
    this.tdMaxEnd = grown(this.tdMaxEnd, cap * 2);
    this.tdMaxWin = grown(this.tdMaxWin, cap * 2);
    this.tdMaxAck = grown(this.tdMaxAck, cap * 2);
    this.tdScale = grown(this.tdScale, cap * 2);
    this.tdFlags = grown(this.tdFlags, cap * 2);
    this.tcpLastDir = grown(this.tcpLastDir, cap);
    this.tcpLastIndex = grown(this.tcpLastIndex, cap);
    this.tcpRetrans = grown(this.tcpRetrans, cap);
    this.tcpLastWscale = grown(this.tcpLastWscale, cap);
    this.tcpLastFlags = grown(this.tcpLastFlags, cap);
    this.tcpLastSeq = grown(this.tcpLastSeq, cap);
    this.tcpLastAck = grown(this.tcpLastAck, cap);
    this.tcpLastEnd = grown(this.tcpLastEnd, cap);
    this.tcpLastWin = grown(this.tcpLastWin, cap);
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
    for (let s = 0; s < old; s++) if (this.family[s] !== 0) this.link(s);
  }

  /**
   * Takes a free slot, growing storage if allowed. Returns -1 when the table
   * holds `max` connections (the engine then tries an early drop).
   * The slot's tuple must be written, then {@link link} called.
   */
  allocate(): number {
    if (this.freeHead < 0) {
      if (this.capacity >= this.max) return -1;
      this.resize(Math.min(this.max, this.capacity * 2));
    }
    const s = this.freeHead;
    this.freeHead = this.nextFree[s]!;
    this.count++;
    this.status[s] = 0;
    this.mark[s] = 0;
    this.master[s] = -1;
    this.masterId[s] = 0;
    this.helper[s] = 0;
    this.expectCount[s] = 0;
    this.protoState[s] = 0;
    this.id[s] = this.nextId;
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
    this.family[s] = family;
    this.proto[s] = proto;
    this.zone[s] = zone;
    const a = s * 8;
    this.addr[a] = src[0]!;
    this.addr[a + 1] = src[1]!;
    this.addr[a + 2] = src[2]!;
    this.addr[a + 3] = src[3]!;
    this.addr[a + 4] = dst[0]!;
    this.addr[a + 5] = dst[1]!;
    this.addr[a + 6] = dst[2]!;
    this.addr[a + 7] = dst[3]!;
    const p = s * 4;
    this.ports[p] = sport;
    this.ports[p + 1] = dport;
    this.ports[p + 2] = replySport;
    this.ports[p + 3] = replyDport;
  }

  /** Hash of slot `s`'s tuple in direction `dir`. */
  private hashOf(s: number, dir: number): number {
    const a = s * 8;
    const p = s * 4 + dir * 2;
    return dir === 0
      ? hashTuple(this.seed, this.family[s]!, this.proto[s]!, this.zone[s]!, this.addr, a, this.addr, a + 4, this.ports[p]!, this.ports[p + 1]!)
      : hashTuple(this.seed, this.family[s]!, this.proto[s]!, this.zone[s]!, this.addr, a + 4, this.addr, a, this.ports[p]!, this.ports[p + 1]!);
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
    if (this.family[s] === 0) return;
    for (let dir = 0; dir < 2; dir++) this.unlinkEntry(s, dir);
    this.family[s] = 0;
    this.status[s] = 0;
    this.expectCount[s] = 0;
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
    let i = hashTuple(this.seed, family, proto, zone, src, 0, dst, 0, sport, dport) & mask;
    const addr = this.addr;
    const ports = this.ports;
    for (;;) {
      const e = index[i]!;
      if (e === 0) return -1;
      const ref = e - 1;
      const s = ref >> 1;
      const dir = ref & 1;
      const p = (s << 2) + (dir << 1);
      if (
        ports[p] === sport &&
        ports[p + 1] === dport &&
        this.proto[s] === proto &&
        this.family[s] === family &&
        this.zone[s] === zone
      ) {
        const a = s << 3;
        const sa = dir === 0 ? a : a + 4;
        const da = dir === 0 ? a + 4 : a;
        if (
          addr[sa] === src[0] &&
          addr[da] === dst[0] &&
          addr[sa + 1] === src[1] &&
          addr[sa + 2] === src[2] &&
          addr[sa + 3] === src[3] &&
          addr[da + 1] === dst[1] &&
          addr[da + 2] === dst[2] &&
          addr[da + 3] === dst[3]
        ) {
          return ref;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /** True when slot `s` holds a connection. */
  inUse(s: number): boolean {
    return s >= 0 && s < this.capacity && this.family[s] !== 0;
  }
}
