import { StatusBit } from "../constants.js";
import type { TrackerRegistry } from "../proto/registry.js";
import type { ConnTable } from "../table/conn-table.js";
import { Tuple } from "../tuple.js";
import type { ConnectionView } from "./types.js";
import type { Direction } from "../constants.js";

/** What views read from. */
export interface ViewSource {
  readonly table: ConnTable;
  readonly trackers: TrackerRegistry;
  readonly helperNames: readonly string[];
  /** The engine's clock cell. */
  readonly time: Float64Array;
}

/**
 * A {@link ConnectionView} over one slot of the table. The engine keeps a
 * few and rebinds them before each hook; the tuples are built when first
 * asked for and kept until the next bind.
 */
export class ConnView implements ConnectionView {
  slot = -1;
  private boundId = 0;
  private originalTuple: Tuple | null = null;
  private replyTuple: Tuple | null = null;
  private masterView: ConnView | null = null;

  constructor(private readonly src: ViewSource) {}

  /** Points the view at slot `s`; returns it. */
  bind(s: number): this {
    this.slot = s;
    this.boundId = this.src.table.id(s);
    this.originalTuple = null;
    this.replyTuple = null;
    return this;
  }

  /** True while the slot still holds the connection the view was bound to. */
  get bound(): boolean {
    return this.slot >= 0 && this.src.table.holds(this.slot, this.boundId);
  }

  get id(): number {
    return this.boundId;
  }
  get zone(): number {
    return this.src.table.zone(this.slot);
  }
  get mark(): number {
    return this.src.table.mark(this.slot);
  }
  get status(): number {
    return this.src.table.status(this.slot);
  }
  get expected(): boolean {
    return (this.status & StatusBit.EXPECTED) !== 0;
  }
  get seenReply(): boolean {
    return (this.status & StatusBit.SEEN_REPLY) !== 0;
  }
  get assured(): boolean {
    return (this.status & StatusBit.ASSURED) !== 0;
  }
  get protocolState(): string {
    const t = this.src.table;
    return this.src.trackers.get(t.protocol(this.slot)).stateName(t.protoState(this.slot));
  }
  get helper(): string | null {
    const h = this.src.table.helper(this.slot);
    return h === 0 ? null : (this.src.helperNames[h - 1] ?? null);
  }
  get age(): number {
    return this.src.time[0]! - this.src.table.created(this.slot);
  }
  get original(): Tuple {
    return (this.originalTuple ??= this.build(0));
  }
  get reply(): Tuple {
    return (this.replyTuple ??= this.build(1));
  }
  tuple(dir: Direction): Tuple {
    return dir === 1 ? this.reply : this.original;
  }
  get master(): ConnectionView | null {
    const t = this.src.table;
    const m = t.master[this.slot]!;
    if (m < 0 || !t.holds(m, t.masterId[this.slot]!)) return null;
    return (this.masterView ??= new ConnView(this.src)).bind(m);
  }

  private build(dir: number): Tuple {
    const t = this.src.table;
    const s = this.slot;
    return Tuple.from(t.family(s), t.protocol(s), t.u32, t.srcAt(s, dir), t.dstAt(s, dir), t.port(s, dir * 2), t.port(s, dir * 2 + 1));
  }
}
