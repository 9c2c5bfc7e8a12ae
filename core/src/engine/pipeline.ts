import type { EngineConfig } from "../config.js";
import { PacketStateCode, ReasonCode, StatusBit, VerdictCode, type MirrorOf } from "../constants.js";
import type { ExpectationRegistry } from "../expect/registry.js";
import { HELPER_ACCEPT, type HelperHost } from "../helper/host.js";
import { Side } from "../nat/manip.js";
import type { Nat } from "../nat/nat.js";
import { ipv4HeaderChecksumOk } from "../packet/checksum.js";
import { decodeNetwork, decodeTransport } from "../packet/decode.js";
import { type Defragmenter, DefragResult } from "../packet/defrag.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { TrackerRegistry } from "../proto/registry.js";
import { type ProtocolTracker, PacketKindCode } from "../proto/tracker.js";
import type { ConnTable } from "../table/conn-table.js";
import type { EngineParts, EngineShared } from "./assemble.js";
import type { Collector } from "./collector.js";
import type { Conntrack } from "./conntrack.js";
import type { Outcome } from "./outcome.js";
import type { PolicyStages } from "./policy-stages.js";
import { PolicyHook, type PolicyView } from "./policy-view.js";
import type { PolicyPacket } from "../policy/types.js";
import type { PacketResult } from "./result.js";
import type { NotrackTable } from "./rules.js";
import type { EngineStats } from "./stats.js";

/** @internal {@link ProcessFlag} for core's own code (see `constants.ts`). */
enum ProcessFlagCode {
  NOTRACK = 1,
}

/** Bits of the `flags` argument of `Engine.process`. */
export const ProcessFlag = {
  /** Treat this packet as matched by a NOTRACK rule. */
  NOTRACK: 1,
} as const satisfies MirrorOf<typeof ProcessFlagCode>;

/**
 * One packet's way through an engine, in netfilter's order: decode,
 * reassemble, classify, track, destination NAT, filter, source NAT, help,
 * confirm, hand out (Linux's `nf_conntrack_in` through `nf_confirm`). The
 * per-protocol decisions are the trackers'; nothing here names a protocol.
 * The hot path: a packet of a known connection allocates nothing.
 */
export class PacketPipeline {
  private readonly result: PacketResult;
  private readonly outcome: Outcome;
  private readonly stats: EngineStats;
  private readonly time: Float64Array;
  private readonly pkt: ParsedPacket;
  private readonly config: EngineConfig;
  private readonly trackers: TrackerRegistry;
  private readonly table: ConnTable;
  private readonly notrack: NotrackTable;
  private readonly expectations: ExpectationRegistry;
  private readonly helpers: HelperHost;
  private readonly defrag: Defragmenter;
  private readonly conntrack: Conntrack;
  private readonly stages: PolicyStages;
  private readonly collector: Collector;
  private readonly view: PolicyView;
  /** The embedder's routing decision after destination NAT (the `route` option), or null. */
  private readonly route: ((packet: PolicyPacket) => number) | null;
  private readonly interfaces: Uint32Array;
  /** Cells compared per packet to decide whether upkeep is due (typed arrays: never boxed). */
  private readonly gcDue: Float64Array;
  private readonly expectDue: Float64Array;
  private readonly fragmentsDue: Float64Array;

  constructor(parts: EngineParts, shared: EngineShared) {
    this.result = shared.result;
    this.stats = shared.stats;
    this.time = shared.time;
    this.pkt = shared.packet;
    this.outcome = parts.outcome;
    this.config = parts.config;
    this.trackers = parts.trackers;
    this.table = parts.table;
    this.notrack = parts.notrack;
    this.expectations = parts.expectations;
    this.helpers = parts.helpers;
    this.defrag = parts.defrag;
    this.conntrack = parts.conntrack;
    this.stages = parts.stages;
    this.collector = parts.collector;
    this.view = parts.view;
    this.route = parts.route;
    this.interfaces = shared.interfaces;
    this.gcDue = parts.collector.nextDue;
    this.expectDue = parts.expectations.nextDue;
    this.fragmentsDue = parts.defrag.nextDue;
  }

  /** The pipeline: decode, reassemble, classify, track, filter, help, confirm, hand out. */
  run(bytes: Uint8Array, offset: number, length: number, zone: number, flags: number): void {
    const r = this.result;
    const out = this.outcome;
    r.reset();
    this.stats.packets++;
    const now = this.time[0]!;
    if (now >= this.gcDue[0]! || now >= this.expectDue[0]! || now >= this.fragmentsDue[0]!) this.housekeeping(now);

    const p = this.pkt;
    let reason = decodeNetwork(bytes, offset, length, p);
    if (reason === ReasonCode.NONE && p.fragment) {
      p.clearTransport();
      reason = this.reassemble(p, zone, now);
      if (reason < 0) return;
    }
    const tracker = this.trackers.get(p.protocol);
    reason = decodeTransport(reason, p, tracker);
    let tracked = false;
    if (reason !== ReasonCode.NONE) out.invalid(reason);
    else if (this.config.checksums && p.family === 4 && !ipv4HeaderChecksumOk(p)) return out.invalidDropped(ReasonCode.BAD_CHECKSUM);
    else if (this.config.checksums && !tracker.checksumOk(p)) out.invalid(ReasonCode.BAD_CHECKSUM);
    else if ((flags & ProcessFlagCode.NOTRACK) !== 0 || (this.notrack.size > 0 && this.notrack.matches(p, zone))) out.untracked();
    else {
      const kind = tracker.classify(p);
      if (kind === PacketKindCode.TRACK) tracked = this.conntrack.track(p, zone, tracker);
      else if (kind === PacketKindCode.RELATE) this.relate(p, zone);
      else if (kind === PacketKindCode.UNTRACKED) out.untracked();
      else out.invalid(kind);
    }
    if (this.dropped()) return;
    const stages = this.stages;
    if (stages.nat !== null || stages.filters) {
      // A known connection through NAT alone: only its bindings' rewrites (no hook to ask, no view to fill).
      if (tracked && !this.conntrack.isNew && !stages.filters && this.route === null) this.translateKnown(stages.nat!, p);
      else this.policyStages(p, zone, tracked);
    }
    if (tracked) {
      const s = this.conntrack.slot;
      // Linux decides before the helper runs whether this packet's sequence numbers need adjusting.
      if (!this.dropped() && (this.table.helper(s) !== 0 || (this.table.status(s) & StatusBit.SEQ_ADJUST) !== 0)) this.help(p, tracker, s);
      this.conntrack.finish(this.dropped());
    }
    if (!this.dropped()) out.handOut(p, bytes, offset, length);
  }

  /** Timers that fell due: connection garbage collection, expectations, incomplete datagrams (ip_expire). */
  private housekeeping(now: number): void {
    if (now >= this.gcDue[0]!) this.collector.tick();
    if (now >= this.expectDue[0]!) this.expectations.expire(now);
    // Incomplete datagrams time out on the clock, not only when another fragment comes.
    if (now >= this.fragmentsDue[0]!) this.defrag.expire(now);
  }

  /**
   * A fragment: held until its datagram is whole (Linux holds fragments
   * before conntrack sees them; the datagram's state comes with the last
   * one), then the whole datagram's network layer decoded. Returns its reason, or -1
   * when the fragment was held or dropped (the result says which).
   */
  private reassemble(p: ParsedPacket, zone: number, now: number): number {
    const d = this.defrag.push(p, zone, now);
    if (d === DefragResult.DEFRAG_HELD) {
      this.outcome.held();
      return -1;
    }
    if (d !== DefragResult.DEFRAG_DONE) {
      this.outcome.invalidDropped(d);
      return -1;
    }
    const whole = this.defrag.datagram;
    return decodeNetwork(whole, 0, whole.length, p);
  }

  /**
   * Destination NAT (prerouting), the routing decision, the filter
   * (forward), source NAT (postrouting), in netfilter's order. The view is
   * told which hook it serves, so each sees only the interfaces Linux's does.
   */
  private policyStages(p: ParsedPacket, zone: number, tracked: boolean): void {
    const r = this.result;
    const stages = this.stages;
    const nat = stages.nat;
    // The NAT hooks with work to do (bit `1 << side`): both for a new connection (its bindings are decided
    // there) and for an error (it may relate to a translated one); for a known connection, the sides it rewrites.
    let hooks = 0;
    if (nat !== null && r.state !== PacketStateCode.INVALID && r.state !== PacketStateCode.UNTRACKED) {
      const ct = this.conntrack;
      hooks = tracked && !ct.isNew ? nat.rewrittenSides(ct.slot, ct.dir) : (1 << Side.SOURCE) | (1 << Side.DESTINATION);
    }
    const view = this.view;
    view.hook = PolicyHook.PREROUTING;
    if ((hooks & (1 << Side.DESTINATION)) !== 0) stages.translate(nat!, p, tracked, Side.DESTINATION);
    if (this.route !== null && !this.dropped()) this.routeAfterNat(p, zone, tracked ? this.conntrack.slot : -1);
    view.hook = PolicyHook.FORWARD;
    if (!this.dropped() && stages.filters) stages.filter(p, zone, tracked ? this.conntrack.slot : -1);
    view.hook = PolicyHook.POSTROUTING;
    if ((hooks & (1 << Side.SOURCE)) !== 0 && !this.dropped()) stages.translate(nat!, p, tracked, Side.SOURCE);
  }

  /** The rewrites a known connection's bindings call for, in hook order (destination, then source). */
  private translateKnown(nat: Nat, p: ParsedPacket): void {
    const ct = this.conntrack;
    const hooks = nat.rewrittenSides(ct.slot, ct.dir);
    if ((hooks & (1 << Side.DESTINATION)) !== 0) this.stages.translate(nat, p, true, Side.DESTINATION);
    if ((hooks & (1 << Side.SOURCE)) !== 0 && !this.dropped()) this.stages.translate(nat, p, true, Side.SOURCE);
  }

  /**
   * The embedder's routing decision on the packet as destination NAT left
   * it (Linux routes after prerouting: `ip_rcv_finish` → `ip_route_input`),
   * stored as the output interface the filter and source NAT see. A router
   * that throws gives 0 (unknown): an `oif` match then fails.
   */
  private routeAfterNat(p: ParsedPacket, zone: number, s: number): void {
    const view = this.view;
    view.fill(this.result, p, zone, s < 0 ? 0 : this.table.mark(s));
    let out: number;
    try {
      out = this.route!(view);
    } catch {
      out = 0;
    }
    this.interfaces[1] = out;
  }

  /** The connection's helper, then the sequence adjustment earlier rewrites call for (nf_confirm). */
  private help(p: ParsedPacket, tracker: ProtocolTracker, s: number): void {
    const adjust = (this.table.status(s) & StatusBit.SEQ_ADJUST) !== 0;
    if (this.table.helper(s) !== 0) {
      const drop = this.helpers.runPacket(s, this.conntrack.dir, this.result.state, p);
      if (drop !== HELPER_ACCEPT) this.outcome.drop(drop);
    }
    if (adjust && !this.dropped() && !this.stages.adjustSequence(p, tracker, s)) this.outcome.drop(ReasonCode.NAT_FAILED);
  }

  /** The verdict so far is DROP (read through a call: every stage may change it). */
  private dropped(): boolean {
    return this.result.verdict === VerdictCode.DROP;
  }

  /** An error quoting another datagram: the relation hooks place it, or it is INVALID. */
  private relate(p: ParsedPacket, zone: number): void {
    const ref = this.helpers.relate(p, zone);
    // RELATED, and the connection's timer is left alone.
    if (ref >= 0) this.outcome.tracked(PacketStateCode.RELATED, ref >> 1, ref & 1);
    else this.outcome.invalid(-ref);
  }
}
