import { Direction, PacketState, DirectionCode, PacketStateCode, StatusBit, VerdictCode } from "../constants.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ConnTable } from "../table/conn-table.js";
import type { PacketResult } from "./result.js";
import type { EngineStats } from "./stats.js";

/**
 * Writes the engine's answer for a packet into the reused result and counts
 * it: the one place where states, verdicts and reasons meet the statistics.
 */
export class Outcome {
  constructor(
    private readonly result: PacketResult,
    private readonly stats: EngineStats,
    private readonly table: ConnTable,
  ) {}

  untracked(): void {
    this.result.state = PacketStateCode.UNTRACKED;
    this.stats.byState[PacketStateCode.UNTRACKED]!++;
  }

  invalid(reason: number): void {
    const r = this.result;
    r.state = PacketStateCode.INVALID;
    r.direction = DirectionCode.NONE;
    r.reason = reason;
    this.stats.byState[PacketStateCode.INVALID]!++;
    if (reason < this.stats.byReason.length) this.stats.byReason[reason]!++;
  }

  /** INVALID, and dropped: the packet never reaches tracking (a bad IPv4 header, a full table). */
  invalidDropped(reason: number): void {
    this.invalid(reason);
    this.result.verdict = VerdictCode.DROP;
    this.result.dropReason = reason;
    this.stats.dropped++;
  }

  /** Drops a packet that keeps its state (a helper's or the filter's verdict); an INVALID one keeps its reason. */
  drop(reason: number): void {
    const r = this.result;
    r.verdict = VerdictCode.DROP;
    r.dropReason = reason;
    if (r.state !== PacketStateCode.INVALID) r.reason = reason;
    this.stats.dropped++;
    if (reason < this.stats.byReason.length) this.stats.byReason[reason]!++;
  }

  /** A fragment kept for reassembly. */
  held(): void {
    this.result.state = PacketStateCode.UNTRACKED;
    this.result.verdict = VerdictCode.HOLD;
    this.stats.fragmentsHeld++;
  }

  tracked(state: PacketState, s: number, dir: number): void {
    const r = this.result;
    const t = this.table;
    r.state = state;
    r.direction = dir as Direction;
    r.slot = s;
    r.connectionId = t.id(s);
    r.expected = (t.status(s) & StatusBit.EXPECTED) !== 0;
    r.helperIndex = t.helper(s);
    this.stats.byState[state]!++;
  }

  /** Points the result at the datagram that leaves: as decoded (a reassembled one whole, NAT's rewrites included), or as it came. */
  handOut(p: ParsedPacket, bytes: Uint8Array, offset: number, length: number): void {
    if (p.family !== 0 && p.l3End > p.l3Offset) this.result.handOutDecoded();
    else this.result.handOutInput(bytes, offset, length);
  }
}
