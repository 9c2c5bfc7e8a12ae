import { hashTuple } from "../table/hash.js";
import { ExpectFlag } from "../helper/types.js";
import type { Expectation } from "./expectation.js";
import { clash, matches, sameExpectation } from "./expectation.js";
import { TimerHeap } from "./timer-heap.js";

/** Why an expectation left the registry (printed in destroy events). */
export type ExpectationEnd = "matched" | "timeout" | "evicted" | "replaced" | "removed" | "master-destroyed" | "flushed";

/** Called when expectations come and go, for events, statistics and helper hooks. */
export interface ExpectationObserver {
  created(e: Expectation): void;
  destroyed(e: Expectation, why: ExpectationEnd): void;
}

/** What {@link ExpectationRegistry.insert} answers. */
export const InsertResult = {
  CREATED: 0,
  /** Replaced an identical expectation of the same master and class (its timer restarted). */
  REPLACED: 1,
  /**
   * An identical expectation of the same master has another class, or, when
   * the request skips the master check, an identical one of another master
   * exists (Linux's -EALREADY).
   */
  ALREADY: -1,
  /** Overlaps an expectation of another master (-EBUSY). */
  BUSY: -2,
  /** The global maximum (-EMFILE). */
  LIMIT: -3,
} as const;
export type InsertResult = (typeof InsertResult)[keyof typeof InsertResult];

const ZERO = new Uint32Array(4);

/**
 * The expectation registry with Linux's semantics (nf_conntrack_expect.c):
 * buckets keyed by the exact part of the tuple make the lookup of a new
 * connection O(1) however many expectations are pending; per master and
 * class limits evict the oldest; a global maximum refuses.
 */
export class ExpectationRegistry {
  private readonly buckets = new Map<number, Expectation[]>();
  /**
   * Pending expectations of each master, oldest first, by master connection
   * id. Linux's per-master list (`help->expectations`) is newest first; the
   * readers below walk these arrays backwards to go in its order.
   */
  private readonly byMaster = new Map<number, Expectation[]>();
  private readonly timers = new TimerHeap();
  private nextId = 1;
  private count = 0;

  constructor(
    readonly max: number,
    private readonly seed: number,
    private readonly observer: ExpectationObserver,
  ) {}

  /** Expectations pending now. */
  get size(): number {
    return this.count;
  }

  /** Cell holding the earliest time at which {@link expire} may have something to remove (Infinity: nothing). */
  get nextDue(): Float64Array {
    return this.timers.nextDue;
  }

  /** Bucket key of a destination (family, protocol, zone, address, port). */
  keyOf(family: number, proto: number, zone: number, dst: Uint32Array, dport: number): number {
    return hashTuple(this.seed, family, proto, zone, ZERO, 0, dst, 0, 0, dport);
  }

  /**
   * Inserts `e` for its master. `maxExpected` is the helper's limit for the
   * class (0: none). Follows `__nf_ct_expect_check`: an identical expectation
   * of the same master is replaced (or refused if its class differs), an
   * overlapping one of another master refuses, the master's oldest of the
   * class is evicted at the limit, and the global maximum refuses. With
   * `skipMaster` (`NF_CT_EXP_F_SKIP_MASTER`) an identical expectation of
   * another master answers ALREADY instead of BUSY.
   */
  insert(e: Expectation, maxExpected: number, skipMaster = false): InsertResult {
    const bucket = this.buckets.get(e.key);
    let replaced = false;
    if (bucket) {
      for (let i = 0; i < bucket.length; i++) {
        const other = bucket[i]!;
        if ((skipMaster || other.masterId === e.masterId) && sameExpectation(other, e)) {
          if (other.cls !== e.cls || other.masterId !== e.masterId) return InsertResult.ALREADY;
          this.remove(other, "replaced");
          replaced = true;
          break;
        }
        if (clash(other, e)) return InsertResult.BUSY;
      }
    }
    if (maxExpected > 0) {
      const mine = this.byMaster.get(e.masterId);
      if (mine) {
        let inClass = 0;
        for (const x of mine) if (x.cls === e.cls) inClass++;
        if (inClass >= maxExpected) {
          for (const x of mine) {
            if (x.cls === e.cls) {
              this.remove(x, "evicted");
              break;
            }
          }
        }
      }
    }
    if (this.count >= this.max) return InsertResult.LIMIT;
    e.id = this.nextId;
    e.live = true;
    this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
    const b = this.buckets.get(e.key);
    if (b) b.push(e);
    else this.buckets.set(e.key, [e]);
    const m = this.byMaster.get(e.masterId);
    if (m) m.push(e);
    else this.byMaster.set(e.masterId, [e]);
    this.timers.push(e);
    this.count++;
    this.observer.created(e);
    return replaced ? InsertResult.REPLACED : InsertResult.CREATED;
  }

  /**
   * Finds the expectation a new connection matches; a non-PERMANENT one is
   * consumed. `masterUsable(slot, id)` tells whether the master is still a
   * confirmed, live connection (Linux ignores expectations of masters that
   * are not). Returns undefined when none matches.
   */
  match(
    family: number,
    proto: number,
    zone: number,
    src: Uint32Array,
    dst: Uint32Array,
    sport: number,
    dport: number,
    masterUsable: (slot: number, id: number) => boolean,
  ): Expectation | undefined {
    if (this.count === 0) return undefined;
    const bucket = this.buckets.get(this.keyOf(family, proto, zone, dst, dport));
    if (!bucket) return undefined;
    for (const e of bucket) {
      if ((e.flags & ExpectFlag.INACTIVE) !== 0) continue;
      if (!matches(e, family, proto, zone, src, dst, sport, dport)) continue;
      if (!masterUsable(e.master, e.masterId)) return undefined;
      if ((e.flags & ExpectFlag.PERMANENT) === 0) this.remove(e, "matched");
      return e;
    }
    return undefined;
  }

  /**
   * The newest pending expectation, INACTIVE ones included, that a
   * connection with this original tuple would match (`__nf_ct_expect_find`).
   */
  find(family: number, proto: number, zone: number, src: Uint32Array, dst: Uint32Array, sport: number, dport: number): Expectation | undefined {
    if (this.count === 0) return undefined;
    const bucket = this.buckets.get(this.keyOf(family, proto, zone, dst, dport));
    if (!bucket) return undefined;
    for (let i = bucket.length - 1; i >= 0; i--) {
      const e = bucket[i]!;
      if (matches(e, family, proto, zone, src, dst, sport, dport)) return e;
    }
    return undefined;
  }

  /** Removes every expectation of a master, newest first (`nf_ct_remove_expectations`: the master is going away). */
  removeMaster(masterId: number): void {
    for (const e of this.ofMaster(masterId)) this.remove(e, "master-destroyed");
  }

  /** Pending expectations of a master, newest first as Linux keeps them (a copy). */
  ofMaster(masterId: number): Expectation[] {
    const mine = this.byMaster.get(masterId);
    return mine === undefined ? [] : mine.slice().reverse();
  }

  /** Restarts `e`'s timer with `seconds` from `now`. */
  refresh(e: Expectation, now: number, seconds: number): boolean {
    if (!e.live) return false;
    e.expires = now + seconds;
    this.timers.markStale();
    this.timers.push(e);
    return true;
  }

  /** Removes expectations whose time has come. */
  expire(now: number): void {
    let e: Expectation | undefined;
    while ((e = this.timers.popDue(now)) !== undefined) this.remove(e, "timeout", true);
  }

  /** Every pending expectation, oldest first per master. */
  *all(): IterableIterator<Expectation> {
    for (const list of this.byMaster.values()) yield* list;
  }

  /** Removes everything. */
  flush(): void {
    for (const e of [...this.all()]) this.remove(e, "flushed");
  }

  /** Removes one expectation and reports why; false when it was not pending. */
  remove(e: Expectation, why: ExpectationEnd, fromTimer = false): boolean {
    if (!e.live) return false;
    e.live = false;
    this.count--;
    dropFrom(this.buckets, e.key, e);
    dropFrom(this.byMaster, e.masterId, e);
    if (!fromTimer) this.timers.markStale();
    this.observer.destroyed(e, why);
    return true;
  }
}

function dropFrom(map: Map<number, Expectation[]>, key: number, e: Expectation): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(e);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}
