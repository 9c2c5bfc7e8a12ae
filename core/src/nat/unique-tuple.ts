import { ReasonCode } from "../constants.js";
import type { TrackerRegistry } from "../proto/registry.js";
import type { ConnTable } from "../table/conn-table.js";
import type { BySource } from "./by-source.js";
import { byteSwap, jhash2 } from "./jhash.js";
import { Side } from "./manip.js";
import { NatTuple } from "./nat-tuple.js";
import type { NatRandom } from "./random.js";
import type { NatRange } from "./range.js";

/** Tries per round of a key search (Linux's NF_NAT_MAX_ATTEMPTS). */
const MAX_ATTEMPTS = 128;

/**
 * Chooses the tuple a connection's original direction will have after a
 * manipulation (Linux's `get_unique_tuple`): the current one when it is
 * in range and unique, else an existing mapping of the same source, else
 * the range's address (hashed over the range as Linux hashes it) with the
 * current key, else another key searched in the protocol's range.
 */
export class TupleChooser {
  private readonly candidate = new NatTuple();
  private readonly keys = new Uint16Array(2);
  private readonly hashWords = new Uint32Array(4);

  constructor(
    private readonly table: ConnTable,
    private readonly trackers: TrackerRegistry,
    private readonly bySource: BySource,
    private readonly random: NatRandom,
  ) {}

  /**
   * Writes into `out` the unique tuple for `orig` (the original direction
   * as it looks now) under `range` for a manipulation of `side`. `self` is
   * the connection deciding (never counted as a clash). Returns false when no
   * unique tuple exists in the range.
   */
  choose(out: NatTuple, orig: NatTuple, range: NatRange, side: Side, self: number): boolean {
    const tracker = this.trackers.get(orig.proto);
    if (side === Side.SOURCE) {
      if (this.inRange(orig, range, side)) {
        if (!this.used(orig, self)) {
          out.copy(orig);
          return true;
        }
      } else if (this.appropriateSource(out, orig, range) && !this.used(out, self)) {
        return true;
      }
    }
    out.copy(orig);
    this.bestAddress(out, range, side);
    if (range.specified) {
      const key = this.keyOf(out, side, tracker.hasPorts);
      if (key >= range.minKey && key <= range.maxKey && (range.minKey === range.maxKey || !this.used(out, self))) return true;
    } else if (!this.used(out, self)) {
      return true;
    }
    // A protocol with a NAT rewrite but no ports keys by an identifier (ICMP queries).
    return this.uniqueKey(out, range, side, self, tracker.hasPorts, !tracker.hasPorts && tracker.natRewrite !== undefined);
  }

  /**
   * Whether another connection already has the reply tuple `tuple` would
   * get (`nf_nat_used_tuple`).
   */
  used(tuple: NatTuple, self: number): boolean {
    const t = this.table;
    if (this.trackers.get(tuple.proto).invertKeys(tuple.sport, tuple.dport, this.keys) !== ReasonCode.NONE) return false;
    const ref = t.find(tuple.family, tuple.proto, tuple.zone, tuple.dst, tuple.src, this.keys[0]!, this.keys[1]!);
    return ref >= 0 && ref >> 1 !== self;
  }

  /** The key a manipulation of `side` changes: the port of that side, or the ICMP identifier. */
  private keyOf(t: NatTuple, side: Side, ported: boolean): number {
    return ported && side === Side.DESTINATION ? t.dport : t.sport;
  }

  private setKey(t: NatTuple, side: Side, ported: boolean, key: number): void {
    if (ported && side === Side.DESTINATION) t.dport = key;
    else t.sport = key;
  }

  /** `nf_in_range`: the side's address in the range, and its key too when keys are specified. */
  private inRange(t: NatTuple, range: NatRange, side: Side): boolean {
    if (range.mapIps && !range.holdsAddress(side === Side.SOURCE ? t.src : t.dst)) return false;
    if (!range.specified) return true;
    const tracker = this.trackers.get(t.proto);
    if (!tracker.hasPorts && tracker.natRewrite === undefined) return true;
    const key = this.keyOf(t, side, tracker.hasPorts);
    return key >= range.minKey && key <= range.maxKey;
  }

  /**
   * `find_appropriate_src`: a connection from the same source (protocol,
   * address, key) already mapped; its mapped source with this destination,
   * if in range.
   */
  private appropriateSource(out: NatTuple, orig: NatTuple, range: NatRange): boolean {
    const t = this.table;
    const key = this.bySource.key(orig.family, orig.proto, orig.zone, orig.src, 0, orig.sport);
    for (const s of this.bySource.candidates(key)) {
      if (t.family(s) !== orig.family || t.protocol(s) !== orig.proto || t.zone(s) !== orig.zone || t.port(s, 0) !== orig.sport) continue;
      const sa = t.srcAt(s, 0);
      if (t.u32[sa] !== orig.src[0] || t.u32[sa + 1] !== orig.src[1] || t.u32[sa + 2] !== orig.src[2] || t.u32[sa + 3] !== orig.src[3]) continue;
      // Copy the source part from the inverted reply tuple; keep our destination.
      const c = this.candidate.fromSlot(t, s, 1);
      if (this.trackers.get(c.proto).invertKeys(c.sport, c.dport, this.keys) !== ReasonCode.NONE) continue;
      out.copy(orig);
      out.src.set(c.dst);
      out.sport = this.keys[0]!;
      if (this.inRange(out, range, Side.SOURCE)) return true;
    }
    return false;
  }

  /**
   * `find_best_ips_proto`: one address, or an address of the range chosen
   * by hashing the source and destination as Linux does, so the same
   * client maps to the same address.
   */
  private bestAddress(t: NatTuple, range: NatRange, side: Side): void {
    if (!range.mapIps) return;
    const target = side === Side.SOURCE ? t.src : t.dst;
    let same = true;
    for (let w = 0; w < 4; w++) if (range.minAddress[w] !== range.maxAddress[w]) same = false;
    if (same) {
      target.set(range.minAddress);
      return;
    }
    const max = t.family === 4 ? 0 : 3;
    // The kernel hashes the address words as a little-endian machine loads them.
    for (let w = 0; w < 4; w++) this.hashWords[w] = byteSwap(t.src[w]!);
    let j = jhash2(this.hashWords, 4, (byteSwap(t.dst[max]!) ^ t.zone) >>> 0);
    let fullRange = false;
    for (let i = 0; i <= max; i++) {
      let minip: number;
      let dist: number;
      if (!fullRange) {
        minip = range.minAddress[i]! >>> 0;
        dist = ((range.maxAddress[i]! >>> 0) - minip + 1) >>> 0;
      } else {
        minip = 0;
        dist = 0xffffffff;
      }
      // reciprocal_scale: the top 32 bits of the 64-bit product.
      const scaled = Math.floor((j * dist) / 0x1_0000_0000) >>> 0;
      target[i] = (minip + scaled) >>> 0;
      if (target[i] !== range.maxAddress[i]) fullRange = true;
      j = (j ^ byteSwap(t.dst[i]!)) >>> 0;
    }
  }

  /**
   * `nf_nat_l4proto_unique_tuple`: a key (port, ICMP identifier) that makes
   * the tuple unique, searched from a random offset in the range; a
   * destination port is kept unless keys are specified. False when every
   * try clashed.
   */
  private uniqueKey(t: NatTuple, range: NatRange, side: Side, self: number, ported: boolean, identifier: boolean): boolean {
    if (!ported && !identifier) return !this.used(t, self);
    let min: number;
    let size: number;
    if (identifier) {
      min = range.specified ? range.minKey : 0;
      size = range.specified ? range.maxKey - range.minKey + 1 : 65536;
    } else if (!range.specified) {
      // A destination's port is what the client asked for: it cannot change.
      if (side === Side.DESTINATION) return !this.used(t, self);
      const key = this.keyOf(t, side, ported);
      // Keep privileged source ports privileged (the "credential passing" convention).
      if (key < 512) {
        min = 1;
        size = 511;
      } else if (key < 1024) {
        min = 600;
        size = 1023 - 600 + 1;
      } else {
        min = 1024;
        size = 65535 - 1024 + 1;
      }
    } else {
      min = range.minKey;
      size = range.maxKey - range.minKey + 1;
    }
    let off = identifier || side === Side.SOURCE ? this.random.u16() : 0;
    let attempts = Math.min(size, MAX_ATTEMPTS);
    for (;;) {
      for (let i = 0; i < attempts; i++, off++) {
        this.setKey(t, side, ported, min + (off % size));
        if (!this.used(t, self)) return true;
      }
      if (attempts >= size || attempts < 16) return false;
      attempts >>= 1;
      off = this.random.u16();
    }
  }
}
