import type { Expectation } from "./expectation.js";

/**
 * Min-heap of expectations by expiry. Removed expectations stay in the heap
 * until they surface (lazy deletion); the heap is rebuilt when dead entries
 * outnumber live ones, so it stays proportional to what is pending.
 */
export class TimerHeap {
  private items: Expectation[] = [];
  private dead = 0;
  /**
   * Expiry of the earliest entry (possibly a removed one), Infinity when
   * empty: a field, so the engine can ask "anything due?" per packet for free.
   */
  nextDue = Infinity;

  get size(): number {
    return this.items.length;
  }

  push(e: Expectation): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.expires <= e.expires) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = e;
    if (e.expires < this.nextDue) this.nextDue = e.expires;
  }

  /** Notes that an entry was removed elsewhere; compacts when worthwhile. */
  markDead(): void {
    this.dead++;
    if (this.dead > 1024 && this.dead * 2 > this.items.length) {
      const live = this.items.filter((e) => e.live);
      this.items = [];
      this.dead = 0;
      this.nextDue = Infinity;
      for (const e of live) this.push(e);
    }
  }

  /** Removes and returns the earliest live expectation due at `now`, or undefined. */
  popDue(now: number): Expectation | undefined {
    const a = this.items;
    while (a.length > 0) {
      const top = a[0]!;
      if (top.live && top.expires > now) return undefined;
      this.popTop();
      if (top.live) return top;
      this.dead--;
    }
    return undefined;
  }

  private popTop(): void {
    const a = this.items;
    const last = a.pop()!;
    if (a.length === 0) {
      this.nextDue = Infinity;
      return;
    }
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && a[r]!.expires < a[l]!.expires ? r : l;
      if (a[c]!.expires >= last.expires) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    this.nextDue = a[0]!.expires;
  }
}
