import type { Expectation } from "./expectation.js";

/** One scheduled expiry: the expectation and the time it was scheduled for. */
interface Timer {
  readonly e: Expectation;
  readonly at: number;
}

/**
 * Min-heap of expectation expiries. An entry is stale when its expectation
 * was removed or rescheduled (its `expires` no longer equals the entry's
 * time); stale entries are dropped when they surface (lazy deletion), and
 * the heap is rebuilt when they outnumber live ones, so it stays
 * proportional to what is pending.
 */
export class TimerHeap {
  private items: Timer[] = [];
  private stale = 0;
  /**
   * The engine's "anything due?" cell: the earliest entry's time (possibly a
   * stale one), Infinity when empty. A typed-array cell, so reading it per
   * packet never boxes a float.
   */
  readonly nextDue = new Float64Array([Infinity]);

  get size(): number {
    return this.items.length;
  }

  /** Schedules `e` at `e.expires`. */
  push(e: Expectation): void {
    const entry: Timer = { e, at: e.expires };
    const a = this.items;
    a.push(entry);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.at <= entry.at) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = entry;
    if (entry.at < this.nextDue[0]!) this.nextDue[0] = entry.at;
  }

  /** Notes that an entry went stale elsewhere; compacts when worthwhile. */
  markStale(): void {
    this.stale++;
    if (this.stale > 1024 && this.stale * 2 > this.items.length) {
      const live = this.items.filter((t) => isCurrent(t));
      this.items = [];
      this.stale = 0;
      this.nextDue[0] = Infinity;
      for (const t of live) this.push(t.e);
    }
  }

  /** Removes and returns the earliest live expectation due at `now`, or undefined. */
  popDue(now: number): Expectation | undefined {
    const a = this.items;
    while (a.length > 0) {
      const top = a[0]!;
      const current = isCurrent(top);
      if (current && top.at > now) return undefined;
      this.popTop();
      if (current) return top.e;
      this.stale--;
    }
    return undefined;
  }

  private popTop(): void {
    const a = this.items;
    const last = a.pop()!;
    if (a.length === 0) {
      this.nextDue[0] = Infinity;
      return;
    }
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && a[r]!.at < a[l]!.at ? r : l;
      if (a[c]!.at >= last.at) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    this.nextDue[0] = a[0]!.at;
  }
}

function isCurrent(t: Timer): boolean {
  return t.e.live && t.e.expires === t.at;
}
