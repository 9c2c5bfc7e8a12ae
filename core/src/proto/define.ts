import { ReasonCode } from "../constants.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import { decodeQuotedPorts, invertPortKeys, invertPorts } from "./ports.js";
import { type ProtocolTracker, type TupleKeys, PacketKindCode } from "./tracker.js";

/**
 * A tracker as written: the name, the protocol numbers, `decode` and
 * `packet` are required; everything else has the default Linux gives a
 * protocol that does not define it (see {@link defineTracker}).
 */
export type TrackerDefinition = Pick<ProtocolTracker, "name" | "protocols" | "decode" | "packet"> &
  Partial<Omit<ProtocolTracker, "name" | "protocols" | "decode" | "packet" | "stateName">> & {
    /**
     * Printable names of the tracker's states, indexed by the state byte
     * (`["NONE", "OPEN", "CLOSED"]`); omitted: the protocol has no states.
     * Ignored when `stateName` is given.
     */
    readonly states?: readonly string[];
    /** Printable name of a state; default: `states[state]`, or "". */
    readonly stateName?: (state: number) => string;
  };

/**
 * Makes a complete {@link ProtocolTracker} from a definition, with these
 * defaults (what Linux does for a protocol without the callback):
 *
 * - `hasPorts` false, `minHeaderLength` 1;
 * - `decodeQuoted`: with ports, the first 4 bytes; without, no keys;
 * - `classify`: every packet belongs to a connection of its own (TRACK);
 * - `quotable`: an error may quote any packet;
 * - `invert` / `invertKeys`: the two keys swap (`nf_ct_invert_tuple`);
 * - `canCreate`: every packet may start a connection; `init`: nothing;
 * - `canEarlyDrop`: false; `checksumOk`: true (no checksum to verify);
 * - `keys`: the raw keys as ports; without ports, two zero keys are not
 *   printed (`conntrack -L` shows only the addresses).
 *
 * @example
 * ```ts
 * export const toy = defineTracker({
 *   name: "toy",
 *   protocols: [253],
 *   timeouts: { toyUnreplied: 30 },
 *   decode(p) { ... return Reason.NONE; },
 *   packet(t, s, dir, p, cfg) { t.setExpires(s, p.time[0]! + cfg.timeouts.toyUnreplied!); return TRACK_OK; },
 * });
 * ```
 */
export function defineTracker(def: TrackerDefinition): ProtocolTracker {
  const hasPorts = def.hasPorts ?? false;
  const states = def.states;
  const tracker: ProtocolTracker = {
    hasPorts,
    minHeaderLength: 1,
    decodeQuoted: hasPorts ? decodeQuotedPorts : decodeNoKeys,
    classify: trackAll,
    quotable: noReason,
    invert: invertPorts,
    invertKeys: invertPortKeys,
    canCreate: noReason,
    init: nothing,
    canEarlyDrop: never,
    keys: hasPorts ? rawKeys : keysUnlessNone,
    checksumOk: always,
    ...def,
    stateName: def.stateName ?? (states === undefined ? noName : (state: number) => states[state] ?? ""),
  };
  return tracker;
}

function decodeNoKeys(p: ParsedPacket, end: number): number {
  p.sport = 0;
  p.dport = 0;
  return p.l4Offset > end ? ReasonCode.ICMP_ERROR_TOO_SHORT : ReasonCode.NONE;
}
function trackAll(): number {
  return PacketKindCode.TRACK;
}
function noReason(): number {
  return ReasonCode.NONE;
}
function nothing(): void {}
function never(): boolean {
  return false;
}
function always(): boolean {
  return true;
}
function noName(): string {
  return "";
}
function rawKeys(sport: number, dport: number): TupleKeys {
  return { srcPort: sport, dstPort: dport };
}

const NONE_TO_PRINT: TupleKeys = Object.freeze({ srcPort: 0, dstPort: 0, text: "" });

function keysUnlessNone(sport: number, dport: number): TupleKeys {
  return sport === 0 && dport === 0 ? NONE_TO_PRINT : rawKeys(sport, dport);
}
