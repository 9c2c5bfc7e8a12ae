import { formatAddress } from "../address.js";
import { IpProto, Status, protocolName } from "../constants.js";
import type { Expectation } from "../expect/expectation.js";
import type { Helper } from "../helper/types.js";
import type { ConnTable } from "../table/conn-table.js";
import {
  B_FAMILY,
  B_HELPER,
  B_PROTO,
  B_PROTO_STATE,
  D_CREATED,
  D_EXPIRES,
  H_STATUS,
  H_ZONE,
  W_ID,
  W_MARK,
} from "../table/layout.js";
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
    private readonly helpers: readonly Helper<unknown>[],
    private readonly helperNames: readonly string[],
    /** The engine's clock cell: snapshots count the seconds left from `time[0]`. */
    private readonly time: Float64Array,
    private readonly stateName: (proto: number, state: number) => string,
  ) {}

  tuple(s: number, dir: number): TupleInfo {
    const t = this.table;
    const family = t.u8[(s << 7) + B_FAMILY]! as 4 | 6;
    const proto = t.u8[(s << 7) + B_PROTO]!;
    const src = formatAddress(family, t.u32, t.addressOffset(s, dir === 0 ? 0 : 1));
    const dst = formatAddress(family, t.u32, t.addressOffset(s, dir === 0 ? 1 : 0));
    const sp = t.port(s, dir * 2);
    const dp = t.port(s, dir * 2 + 1);
    const base = { family, protocol: proto, protocolName: protocolName(proto), src, dst };
    if (proto === IpProto.ICMP || proto === IpProto.ICMPV6) {
      return { ...base, srcPort: 0, dstPort: 0, icmp: { type: dp >> 8, code: dp & 255, id: sp } };
    }
    const ported = proto === IpProto.TCP || proto === IpProto.UDP || proto === IpProto.UDPLITE;
    return { ...base, srcPort: ported ? sp : 0, dstPort: ported ? dp : 0 };
  }

  connection(s: number): ConnectionInfo {
    const t = this.table;
    const status = t.u16[(s << 6) + H_STATUS]!;
    const m = t.master[s]!;
    const masterAlive = m >= 0 && t.inUse(m) && t.u32[(m << 5) + W_ID] === t.masterId[s];
    const helper = t.u8[(s << 7) + B_HELPER]!;
    return {
      id: t.u32[(s << 5) + W_ID]!,
      slot: s,
      zone: t.u16[(s << 6) + H_ZONE]!,
      original: this.tuple(s, 0),
      reply: this.tuple(s, 1),
      protocolState: this.stateName(t.u8[(s << 7) + B_PROTO]!, t.u8[(s << 7) + B_PROTO_STATE]!),
      status,
      expected: (status & Status.EXPECTED) !== 0,
      seenReply: (status & Status.SEEN_REPLY) !== 0,
      assured: (status & Status.ASSURED) !== 0,
      confirmed: (status & Status.CONFIRMED) !== 0,
      timeout: Math.max(0, t.f64[(s << 4) + D_EXPIRES]! - this.time[0]!),
      mark: t.u32[(s << 5) + W_MARK]!,
      helper: helper === 0 ? null : this.helperNames[helper - 1]!,
      master: masterAlive ? { id: t.u32[(m << 5) + W_ID]!, original: this.tuple(m, 0) } : null,
      created: t.f64[(s << 4) + D_CREATED]!,
    };
  }

  expectation(e: Expectation): ExpectationInfo {
    const t = this.table;
    const family = e.family as 4 | 6;
    const masterAlive = t.inUse(e.master) && t.u32[(e.master << 5) + W_ID] === e.masterId;
    const policy = this.helpers[e.helper]!.policies[e.cls];
    return {
      id: e.id,
      tuple: {
        family,
        protocol: e.proto,
        protocolName: protocolName(e.proto),
        src: formatAddress(family, e.srcMask[0] !== 0 ? e.src : ZERO),
        dst: formatAddress(family, e.dst),
        srcPort: e.sport & e.sportMask,
        dstPort: e.dport,
      },
      mask: {
        src: formatAddress(family, e.srcMask),
        srcPort: e.sportMask,
        dst: formatAddress(family, ALL_ONES),
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
