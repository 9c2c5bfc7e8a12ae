import { sameAddress, type ExpectationHandle } from "@alg-sdk/core";

/** One expectation this helper created, with what its handle does not say. */
interface Entry {
  readonly handle: ExpectationHandle;
  readonly masterId: number;
  readonly zone: number;
}

/** An expectation of another master that {@link ExpectationIndex} found. */
export interface FoundExpectation {
  readonly masterId: number;
  readonly cls: number;
}

const SWEEP_MIN = 64;

/**
 * The SIP expectations of one engine, across master connections, looked up
 * by the tuple they expect. Linux's SIP helper asks the kernel's global
 * expectation table two things a helper context cannot ask the engine:
 * "is this media already expected by another call?" (`__nf_ct_expect_find`
 * in `set_expected_rtp_rtcp`) and, through `NF_CT_EXP_F_SKIP_MASTER`,
 * "is an identical expectation already there?" (then -EALREADY, which it
 * takes as success, where the engine answers "busy"). This index answers
 * both for the expectations this helper made. Dead handles are pruned as
 * they are met, and in a sweep when the index has doubled.
 */
export class ExpectationIndex {
  private readonly buckets = new Map<number, Entry[]>();
  private entries = 0;
  private sweepAt = SWEEP_MIN;

  /** Remembers an expectation made by master `masterId` in `zone`. */
  add(handle: ExpectationHandle, masterId: number, zone: number): void {
    const key = bucketKey(handle.tuple.dst, handle.tuple.dstPort);
    const list = this.buckets.get(key);
    if (list) list.push({ handle, masterId, zone });
    else this.buckets.set(key, [{ handle, masterId, zone }]);
    if (++this.entries >= this.sweepAt) this.sweep();
  }

  /**
   * Linux's `__nf_ct_expect_find`: the newest pending expectation that a
   * connection from `src` (any port) to `dst`:`dport` would match, INACTIVE
   * ones included.
   */
  find(zone: number, family: number, protocol: number, src: ArrayLike<number>, dst: ArrayLike<number>, dport: number): FoundExpectation | null {
    return this.scan(zone, family, protocol, src, true, dst, dport, -1);
  }

  /**
   * A pending expectation of another master with exactly this tuple and
   * mask (`src` null: any source), as Linux's `expect_matches` compares.
   */
  findIdentical(
    zone: number,
    family: number,
    protocol: number,
    src: ArrayLike<number> | null,
    dst: ArrayLike<number>,
    dport: number,
    exceptMaster: number,
  ): FoundExpectation | null {
    return this.scan(zone, family, protocol, src, false, dst, dport, exceptMaster);
  }

  private scan(
    zone: number,
    family: number,
    protocol: number,
    src: ArrayLike<number> | null,
    masked: boolean,
    dst: ArrayLike<number>,
    dport: number,
    exceptMaster: number,
  ): FoundExpectation | null {
    const key = bucketKey(dst, dport);
    const list = this.buckets.get(key);
    if (!list) return null;
    for (let i = list.length - 1; i >= 0; i--) {
      const { handle, masterId, zone: z } = list[i]!;
      if (!handle.live) {
        list.splice(i, 1);
        this.entries--;
        continue;
      }
      if (z !== zone || masterId === exceptMaster) continue;
      const t = handle.tuple;
      if (t.family !== family || t.protocol !== protocol || t.dstPort !== dport || !sameAddress(t.dst, dst)) continue;
      if (masked) {
        // The expectation's mask decides: an any-source expectation matches every source.
        if (handle.exactSource && !sameAddress(t.src, src!)) continue;
      } else if (src === null ? handle.exactSource : !handle.exactSource || !sameAddress(t.src, src)) continue;
      return { masterId, cls: handle.class };
    }
    if (list.length === 0) this.buckets.delete(key);
    return null;
  }

  private sweep(): void {
    let live = 0;
    for (const [key, list] of this.buckets) {
      for (let i = list.length - 1; i >= 0; i--) if (!list[i]!.handle.live) list.splice(i, 1);
      if (list.length === 0) this.buckets.delete(key);
      live += list.length;
    }
    this.entries = live;
    this.sweepAt = Math.max(SWEEP_MIN, live * 2);
  }
}

function bucketKey(dst: ArrayLike<number>, dport: number): number {
  let h = Math.imul(dst[0]! ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ dst[1]!, 0xc2b2ae35);
  h = Math.imul(h ^ dst[2]!, 0x85ebca6b);
  h = Math.imul(h ^ dst[3]!, 0xc2b2ae35);
  return (h ^ dport) | 0;
}
