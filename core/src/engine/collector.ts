import type { ConnTable } from "../table/conn-table.js";
import type { Conntrack } from "./conntrack.js";

/** Most slots the garbage collector visits while handling one packet. */
const MAX_REAP_PER_PACKET = 256;

/**
 * Incremental garbage collection paced by packet time, not packet count (as
 * gVisor and Linux reap on a timer): the sweep covers the table once per
 * `sweepSeconds`, so a fast stream pays almost nothing per packet and the
 * work per call stays bounded.
 */
export class Collector {
  /** Packet time at which the collector next has a slot to visit (a typed-array cell: compared per packet, never boxed). */
  readonly nextDue = new Float64Array([-Infinity]);
  private cursor = 0;
  /** Packet time up to which the collector has done its share (a cell too: a float field written per tick could be boxed). */
  private readonly clock = new Float64Array([-Infinity]);

  constructor(
    private readonly table: ConnTable,
    private readonly conntrack: Conntrack,
    private readonly sweepSeconds: number,
    private readonly time: Float64Array,
  ) {}

  /** Does this packet's share of the sweep. */
  tick(): void {
    const now = this.time[0]!;
    if (this.sweepSeconds <= 0) {
      this.nextDue[0] = Infinity;
      return;
    }
    const slotTime = this.sweepSeconds / this.table.capacity;
    const clock = this.clock;
    if (clock[0] === -Infinity) {
      clock[0] = now;
      this.nextDue[0] = now + slotTime;
      return;
    }
    let n = Math.floor((now - clock[0]!) / slotTime);
    if (n > MAX_REAP_PER_PACKET) {
      // A long silence: catch up by a bounded amount and restart the pace from now.
      n = MAX_REAP_PER_PACKET;
      clock[0] = now;
    } else {
      clock[0] += n * slotTime;
    }
    this.nextDue[0] = clock[0]! + slotTime;
    if (n > 0 && this.table.count > 0) this.reap(n);
  }

  /** Looks at `n` slots from the cursor and removes expired connections. */
  reap(n: number): void {
    const now = this.time[0]!;
    const t = this.table;
    const cap = t.capacity;
    let c = this.cursor;
    for (let i = 0; i < n; i++) {
      if (c >= cap) c = 0;
      if (t.family(c) !== 0 && t.confirmed(c) && t.expires(c) <= now) this.conntrack.destroy(c, "timeout");
      c++;
    }
    this.cursor = c;
  }
}
