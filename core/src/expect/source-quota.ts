import type { Expectation } from "./expectation.js";

/**
 * A fairness limit beyond Linux: at most `max` pending expectations per
 * source (the address that opened the master connection: the client of an
 * FTP, IRC or SIP control connection), so one host cannot fill the global
 * table (`nf_ct_expect_max`, 4096 by default) and block every other user's
 * data connections until its expectations time out. Linux has only the
 * per-master class limits and the global one.
 *
 * An IPv6 source counts by its /64 prefix (a single host may hold a whole
 * /64 and pick any address in it). Over the limit, the source's oldest
 * pending expectation is evicted, as Linux evicts a master's oldest of a
 * class: the source's newest offers keep working, and nobody else's are
 * touched. Expectations are a slow path: a map of small arrays.
 */
export class SourceQuota {
  private readonly bySource = new Map<string, Expectation[]>();
  private readonly keyOf = new Map<Expectation, string>();

  constructor(readonly max: number) {}

  /**
   * Counts `e` for the source whose address words are `src` (family
   * `family`, zone `zone`); returns the source's oldest expectation when
   * the source is now over the limit (the caller evicts it), else null.
   */
  add(e: Expectation, family: number, zone: number, src: Uint32Array, at: number): Expectation | null {
    const key = family === 4 ? `${zone}/4/${src[at]!}` : `${zone}/6/${src[at]!}/${src[at + 1]!}`;
    this.keyOf.set(e, key);
    const list = this.bySource.get(key);
    if (list === undefined) {
      this.bySource.set(key, [e]);
      return null;
    }
    list.push(e);
    return list.length > this.max ? list[0]! : null;
  }

  /** Forgets `e` (it left the registry). */
  remove(e: Expectation): void {
    const key = this.keyOf.get(e);
    if (key === undefined) return;
    this.keyOf.delete(e);
    const list = this.bySource.get(key)!;
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.bySource.delete(key);
  }

  /** Pending expectations counted now (for tests and statistics). */
  get size(): number {
    return this.keyOf.size;
  }
}
