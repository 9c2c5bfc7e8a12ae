import { formatAddress } from "../address.js";
import { StatusBit } from "../constants.js";
import type { Expectation } from "../expect/expectation.js";
import type { Helper } from "../helper/types.js";
import type { TrackerRegistry } from "../proto/registry.js";
import type { ConnTable } from "../table/conn-table.js";
import type { ConnectionInfo, ExpectationInfo, TupleInfo } from "./info.js";

const ALL_ONES = new Uint32Array([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
const ZERO = new Uint32Array(4);

/**
 * Builds the printable snapshots of connections and expectations that events
 * and the public API hand out. Slow path: objects and strings are fine here,
 * and nothing here runs unless someone asks.
 */
export class Snapshots {
  constructor(
    private readonly table: ConnTable,
    private readonly trackers: TrackerRegistry,
    private readonly helpers: readonly Helper[],
    private readonly helperNames: readonly string[],
    /** The engine's clock cell: snapshots count the seconds left from `time[0]`. */
    private readonly time: Float64Array,
  ) {}

  /** A tuple from address words and its two keys, printed as its tracker prints them. */
  tupleInfo(family: number, proto: number, words: Uint32Array, srcAt: number, dstAt: number, sport: number, dport: number): TupleInfo {
    const f = family as 4 | 6;
    const keys = this.trackers.get(proto).keys(sport, dport);
    const info: TupleInfo = {
      family: f,
      protocol: proto,
      protocolName: this.trackers.nameOf(proto),
      src: formatAddress(f, words, srcAt),
      dst: formatAddress(f, words, dstAt),
      srcPort: keys.srcPort,
      dstPort: keys.dstPort,
      ...(keys.icmp ? { icmp: keys.icmp } : {}),
      ...(keys.text !== undefined ? { keyText: keys.text } : {}),
    };
    return info;
  }

  tuple(s: number, dir: number): TupleInfo {
    const t = this.table;
    return this.tupleInfo(t.family(s), t.protocol(s), t.u32, t.srcAt(s, dir), t.dstAt(s, dir), t.port(s, dir * 2), t.port(s, dir * 2 + 1));
  }

  connection(s: number): ConnectionInfo {
    const t = this.table;
    const status = t.status(s);
    const m = t.master[s]!;
    const masterAlive = m >= 0 && t.holds(m, t.masterId[s]!);
    const helper = t.helper(s);
    return {
      id: t.id(s),
      slot: s,
      zone: t.zone(s),
      original: this.tuple(s, 0),
      reply: this.tuple(s, 1),
      protocolState: this.trackers.get(t.protocol(s)).stateName(t.protoState(s)),
      status,
      expected: (status & StatusBit.EXPECTED) !== 0,
      seenReply: (status & StatusBit.SEEN_REPLY) !== 0,
      assured: (status & StatusBit.ASSURED) !== 0,
      confirmed: (status & StatusBit.CONFIRMED) !== 0,
      timeout: Math.max(0, t.expires(s) - this.time[0]!),
      mark: t.mark(s),
      helper: helper === 0 ? null : this.helperNames[helper - 1]!,
      master: masterAlive ? { id: t.id(m), original: this.tuple(m, 0) } : null,
      created: t.created(s),
    };
  }

  expectation(e: Expectation): ExpectationInfo {
    const t = this.table;
    const masterAlive = t.holds(e.master, e.masterId);
    const policy = this.helpers[e.helper]!.policies[e.cls];
    const tuple = this.tupleInfo(e.family, e.proto, e.srcMask[0] !== 0 ? e.src : ZERO, 0, 0, e.sport & e.sportMask, e.dport);
    // The destination comes from its own words.
    const withDst: TupleInfo = { ...tuple, dst: formatAddress(e.family as 4 | 6, e.dst) };
    return {
      id: e.id,
      tuple: withDst,
      mask: {
        src: formatAddress(e.family as 4 | 6, e.srcMask),
        srcPort: e.sportMask,
        dst: formatAddress(e.family as 4 | 6, ALL_ONES),
        dstPort: 0xffff,
      },
      master: masterAlive ? { id: e.masterId, original: this.tuple(e.master, 0) } : null,
      helper: this.helperNames[e.helper]!,
      class: e.cls,
      className: policy?.name ?? String(e.cls),
      flags: e.flags,
      timeout: Math.max(0, e.expires - this.time[0]!),
      created: e.created,
      zone: e.zone,
    };
  }
}
