import type { EngineConfig } from "../config.js";
import { DirectionCode, PacketStateCode, ReasonCode, StatusBit } from "../constants.js";
import type { ExpectationRegistry } from "../expect/registry.js";
import type { HelperHost } from "../helper/host.js";
import type { Nat } from "../nat/nat.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { TrackerRegistry } from "../proto/registry.js";
import { type ProtocolTracker, TrackResult } from "../proto/tracker.js";
import type { ConnTable } from "../table/conn-table.js";
import { EventBit, type EventHub } from "./event-hub.js";
import type { ConnectionEnd } from "./info.js";
import type { Outcome } from "./outcome.js";
import type { PacketResult } from "./result.js";
import type { AttachTable } from "./rules.js";
import type { Snapshots } from "./snapshots.js";
import type { EngineStats } from "./stats.js";

/** Slots looked at when the table is full and one unassured connection must go (Linux scans a few buckets). */
const EARLY_DROP_SCAN = 64;

/** The parts of an engine connection tracking works with. */
export interface ConntrackParts {
  readonly table: ConnTable;
  readonly trackers: TrackerRegistry;
  readonly expectations: ExpectationRegistry;
  readonly helpers: HelperHost;
  /** NAT, when the engine translates. */
  readonly nat: Nat | null;
  readonly attach: AttachTable;
  readonly outcome: Outcome;
  readonly result: PacketResult;
  readonly events: EventHub;
  readonly snapshots: Snapshots;
  readonly stats: EngineStats;
  readonly config: EngineConfig;
  /** The engine's clock cell. */
  readonly time: Float64Array;
}

/**
 * Finds or creates the connection of a packet (Linux's `resolve_normal_ct`
 * and `init_conntrack`), runs its tracker, and at the end of the pipeline
 * confirms a new connection or lets it go (`nf_conntrack_confirm`). It never
 * names a protocol: the tracker of the packet's protocol decides.
 */
export class Conntrack {
  /** The connection of the packet being processed (valid after a successful `track`). */
  slot = -1;
  dir = 0;
  /** It was created by this packet and is not confirmed yet. */
  isNew = false;
  /** The tracker asked to destroy it after this packet (a RST before any reply). */
  private kill = false;
  private protoStateBefore = 0;
  private statusBefore = 0;
  private readonly masterUsable = (slot: number, id: number): boolean =>
    this.p.table.holds(slot, id) && (this.p.table.status(slot) & (StatusBit.CONFIRMED | StatusBit.DYING)) === StatusBit.CONFIRMED;

  constructor(private readonly p: ConntrackParts) {}

  /**
   * Tracks packet `p` in `zone` with the tracker of its protocol. Returns true with `slot`, `dir` and the
   * result's state set; false when the packet is INVALID or dropped (the
   * result says why).
   */
  track(p: ParsedPacket, zone: number, tracker: ProtocolTracker): boolean {
    const { table: t, config, outcome } = this.p;
    let ref = t.find(p.family, p.protocol, zone, p.src, p.dst, p.sport, p.dport);
    if (ref >= 0 && t.expires(ref >> 1) <= this.p.time[0]!) {
      this.destroy(ref >> 1, "timeout");
      ref = -1;
    }
    if (ref < 0) return this.create(p, zone, tracker);
    const s = ref >> 1;
    const dir = ref & 1;
    const status = t.status(s);
    const state =
      dir === DirectionCode.REPLY || (status & StatusBit.SEEN_REPLY) !== 0
        ? PacketStateCode.ESTABLISHED
        : (status & StatusBit.EXPECTED) !== 0
          ? PacketStateCode.RELATED
          : PacketStateCode.NEW;
    const before = t.protoState(s);
    const res = tracker.packet(t, s, dir, p, config);
    if (res > 0) {
      outcome.invalid(res);
      return false;
    }
    if (res === TrackResult.REOPEN) {
      // The packet starts a new connection over the old one (NF_REPEAT): its tuple is free now.
      this.destroy(s, "reopened");
      return this.create(p, zone, tracker);
    }
    if (dir === DirectionCode.REPLY) t.addStatus(s, StatusBit.SEEN_REPLY);
    outcome.tracked(state, s, dir);
    this.slot = s;
    this.dir = dir;
    this.isNew = false;
    this.kill = res === TrackResult.KILL;
    this.protoStateBefore = before;
    this.statusBefore = status;
    return true;
  }

  /** A packet that matched no connection (`init_conntrack`). */
  private create(p: ParsedPacket, zone: number, tracker: ProtocolTracker): boolean {
    const { table: t, expectations, helpers, attach, config, outcome, stats } = this.p;
    const now = this.p.time[0]!;
    let reason = tracker.invert(p);
    if (reason !== ReasonCode.NONE) {
      outcome.invalid(reason);
      return false;
    }
    // Linux consumes a matching expectation before the protocol's own check of the first packet.
    const exp =
      expectations.size > 0 ? expectations.match(p.family, p.protocol, zone, p.src, p.dst, p.sport, p.dport, this.masterUsable) : undefined;
    reason = tracker.canCreate(p, config);
    if (reason !== ReasonCode.NONE) {
      outcome.invalid(reason);
      return false;
    }
    let s = t.allocate();
    if (s < 0 && this.earlyDrop(p)) s = t.allocate();
    if (s < 0) {
      outcome.invalidDropped(ReasonCode.TABLE_FULL);
      return false;
    }
    t.setTuple(s, p.family, p.protocol, zone, p.src, p.dst, p.sport, p.dport, p.replySport, p.replyDport);
    t.setCreated(s, now);
    t.setExpires(s, now);
    if (exp) {
      t.setStatus(s, StatusBit.EXPECTED);
      t.master[s] = exp.master;
      t.masterId[s] = exp.masterId;
      t.setMark(s, t.mark(exp.master));
      helpers.attach(s, exp.assignHelper, undefined);
      stats.expectationsMatched++;
    } else {
      const h = attach.size > 0 ? attach.lookup(p.family, p.protocol, zone, p.dport) : 0;
      helpers.attach(s, h, h === 0 ? undefined : attach.lastOptions);
    }
    if (exp) {
      // A master's translation carries over (nf_nat_follow_master), then the creator's expectfn runs.
      if (this.p.nat !== null && !this.p.nat.followMaster(s, exp)) {
        this.discard(s);
        outcome.invalidDropped(ReasonCode.NAT_FAILED);
        return false;
      }
      helpers.matched(exp, s);
    }
    tracker.init(t, s, p, config);
    const res = tracker.packet(t, s, DirectionCode.ORIGINAL, p, config);
    if (res > 0) {
      this.discard(s);
      outcome.invalid(res);
      return false;
    }
    outcome.tracked(exp ? PacketStateCode.RELATED : PacketStateCode.NEW, s, DirectionCode.ORIGINAL);
    if (exp) this.p.result.expectationId = exp.id;
    this.slot = s;
    this.dir = DirectionCode.ORIGINAL;
    this.isNew = true;
    this.kill = res === TrackResult.KILL;
    return true;
  }

  /**
   * The end of the pipeline for a tracked packet: a new connection is
   * confirmed (linked, reported) unless the packet was dropped or the
   * tracker killed it; a known one is destroyed when killed, or reported
   * when it changed.
   */
  finish(dropped: boolean): void {
    const { table: t, events, stats, snapshots } = this.p;
    const s = this.slot;
    if (this.isNew) {
      this.isNew = false;
      if (dropped || this.kill) {
        // Never confirmed: the connection disappears with its packet.
        this.discard(s);
        this.p.result.slot = -1;
        this.p.result.connectionId = 0;
        return;
      }
      t.link(s);
      stats.connectionsCreated++;
      if ((events.wanted & EventBit["conn-new"]) !== 0) {
        events.emit(EventBit["conn-new"], { type: "conn-new", ts: this.p.time[0]!, connection: snapshots.connection(s) });
      }
      return;
    }
    if (this.kill) this.destroy(s, "killed");
    else if ((events.wanted & EventBit["conn-update"]) !== 0 && (t.protoState(s) !== this.protoStateBefore || t.status(s) !== this.statusBefore)) {
      events.emit(EventBit["conn-update"], { type: "conn-update", ts: this.p.time[0]!, connection: snapshots.connection(s) });
    }
  }

  /** Lets an unconfirmed connection go without a trace. */
  discard(s: number): void {
    this.p.expectations.removeMaster(this.p.table.id(s));
    this.p.helpers.forget(s);
    this.p.nat?.forget(s);
    this.p.table.release(s);
  }

  /** Removes connection `s`, telling its helper and the listeners. */
  destroy(s: number, why: ConnectionEnd): void {
    const { table: t, events, snapshots, helpers, stats } = this.p;
    if (t.family(s) === 0) return;
    t.addStatus(s, StatusBit.DYING);
    this.p.expectations.removeMaster(t.id(s));
    if (t.confirmed(s)) {
      if ((events.wanted & EventBit["conn-destroy"]) !== 0) {
        events.emit(EventBit["conn-destroy"], { type: "conn-destroy", ts: this.p.time[0]!, connection: snapshots.connection(s), reason: why });
      }
      helpers.destroyed(s, why);
    }
    helpers.forget(s);
    this.p.nat?.forget(s);
    t.release(s);
    stats.connectionsDestroyed++;
  }

  /**
   * Table full: remove an expired or an unassured connection from a window
   * of slots chosen by the new tuple's hash, as Linux's early_drop does.
   */
  private earlyDrop(p: ParsedPacket): boolean {
    const { table: t, trackers, stats } = this.p;
    const now = this.p.time[0]!;
    const cap = t.capacity;
    let at = (Math.imul(p.src[0]! ^ p.dst[0]! ^ ((p.sport << 16) | p.dport), 0x9e3779b1) >>> 0) % cap;
    for (let i = 0; i < EARLY_DROP_SCAN; i++, at = at + 1 === cap ? 0 : at + 1) {
      if (t.family(at) === 0 || !t.confirmed(at)) continue;
      const expired = t.expires(at) <= now;
      const droppable = (t.status(at) & StatusBit.ASSURED) === 0 || trackers.get(t.protocol(at)).canEarlyDrop(t, at);
      if (expired || droppable) {
        this.destroy(at, expired ? "timeout" : "early-drop");
        if (!expired) stats.earlyDrops++;
        return true;
      }
    }
    return false;
  }
}
