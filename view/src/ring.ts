/** A bounded list that forgets its oldest items: the view's memory stays the same whatever the traffic. */
export class Ring<T> {
  private items: T[] = [];
  /** Items ever pushed (a view compares it to know whether to redraw). */
  total = 0;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.total++;
    this.items.push(item);
    // Trim in batches so pushing stays O(1) amortised.
    if (this.items.length > this.capacity * 2) this.items = this.items.slice(-this.capacity);
  }

  /** The newest `n` items (default all kept), oldest first. */
  latest(n = this.capacity): T[] {
    return this.items.slice(-Math.min(n, this.capacity));
  }
}
