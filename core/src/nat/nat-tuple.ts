import type { ConnTable } from "../table/conn-table.js";

/**
 * A tuple NAT works on while it decides a binding: family, protocol, zone,
 * addresses and the two keys. Scratch objects, reused: NAT decisions
 * allocate nothing.
 */
export class NatTuple {
  family = 0;
  proto = 0;
  zone = 0;
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  sport = 0;
  dport = 0;

  /** Copies slot `s`'s tuple of direction `dir`. */
  fromSlot(t: ConnTable, s: number, dir: number): this {
    this.family = t.family(s);
    this.proto = t.protocol(s);
    this.zone = t.zone(s);
    const u32 = t.u32;
    const sa = t.srcAt(s, dir);
    const da = t.dstAt(s, dir);
    for (let w = 0; w < 4; w++) {
      this.src[w] = u32[sa + w]!;
      this.dst[w] = u32[da + w]!;
    }
    this.sport = t.port(s, dir * 2);
    this.dport = t.port(s, dir * 2 + 1);
    return this;
  }

  copy(from: NatTuple): this {
    this.family = from.family;
    this.proto = from.proto;
    this.zone = from.zone;
    this.src.set(from.src);
    this.dst.set(from.dst);
    this.sport = from.sport;
    this.dport = from.dport;
    return this;
  }

  equals(o: NatTuple): boolean {
    if (this.sport !== o.sport || this.dport !== o.dport || this.proto !== o.proto) return false;
    for (let w = 0; w < 4; w++) if (this.src[w] !== o.src[w] || this.dst[w] !== o.dst[w]) return false;
    return true;
  }
}
