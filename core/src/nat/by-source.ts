import type { ConnTable } from "../table/conn-table.js";
import { hashTuple } from "../table/hash.js";

const ZERO = new Uint32Array(4);

/**
 * Source-NAT bindings by original source (Linux's `nf_nat_bysource`): a new
 * connection from a source already mapped reuses that mapping when it is
 * free (`find_appropriate_src`), so one host keeps one outside address and
 * port across its flows where possible. Holds slots of confirmed and
 * unconfirmed connections; entries leave with their connection.
 */
export class BySource {
  private readonly buckets = new Map<number, number[]>();

  constructor(private readonly seed: number) {}

  /** Bucket key of (zone, protocol, family, source address, source key). */
  key(family: number, proto: number, zone: number, src: Uint32Array, srcAt: number, sport: number): number {
    return hashTuple(this.seed, family, proto, zone, src, srcAt, ZERO, 0, sport, 0);
  }

  add(t: ConnTable, s: number): void {
    const k = this.key(t.family(s), t.protocol(s), t.zone(s), t.u32, t.srcAt(s, 0), t.port(s, 0));
    const list = this.buckets.get(k);
    if (list === undefined) this.buckets.set(k, [s]);
    else if (!list.includes(s)) list.push(s);
  }

  remove(t: ConnTable, s: number): void {
    const k = this.key(t.family(s), t.protocol(s), t.zone(s), t.u32, t.srcAt(s, 0), t.port(s, 0));
    const list = this.buckets.get(k);
    if (list === undefined) return;
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.buckets.delete(k);
  }

  /** Slots whose original tuple may have this source (the caller checks it exactly). */
  candidates(key: number): readonly number[] {
    return this.buckets.get(key) ?? [];
  }

  get size(): number {
    let n = 0;
    for (const l of this.buckets.values()) n += l.length;
    return n;
  }
}
