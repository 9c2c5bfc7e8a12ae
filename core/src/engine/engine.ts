import { inject, injectable, injectAll } from "tsyringe";
import type { EngineConfig } from "../config.js";
import { PacketState, Reason, Status, Verdict } from "../constants.js";
import type { ExpectationRegistry } from "../expect/registry.js";
import type { HelperSet } from "../helper/helper-set.js";
import { HELPER_ACCEPT, type HelperHost } from "../helper/host.js";
import type { Helper } from "../helper/types.js";
import { ipv4HeaderChecksumOk } from "../packet/checksum.js";
import { decodePacket } from "../packet/decode.js";
import { DEFRAG_DONE, DEFRAG_HELD, type Defragmenter } from "../packet/defrag.js";
import { ParsedPacket } from "../packet/parsed-packet.js";
import { Side } from "../nat/manip.js";
import type { TrackerRegistry } from "../proto/registry.js";
import { PacketKind, type ProtocolTracker } from "../proto/tracker.js";
import type { ConnTable } from "../table/conn-table.js";
import type { ServiceToken } from "../service.js";
import { TOKENS } from "../tokens.js";
import { assembleEngine, type EngineSetup } from "./assemble.js";
import type { Collector } from "./collector.js";
import type { Conntrack } from "./conntrack.js";
import { EventHub, type SubscribeOptions } from "./event-hub.js";

export type { EngineSetup } from "./assemble.js";
import type { ConnectionInfo, EngineEventListener, ExpectationInfo } from "./info.js";
import type { Outcome } from "./outcome.js";
import type { PolicyStages } from "./policy-stages.js";
import { PacketResult } from "./result.js";
import type { NotrackTable } from "./rules.js";
import type { Snapshots } from "./snapshots.js";
import { EngineStats } from "./stats.js";

/** Bits of the `flags` argument of {@link Engine.process}. */
export const ProcessFlag = {
  /** Treat this packet as matched by a NOTRACK rule. */
  NOTRACK: 1,
} as const;

/**
 * The connection-tracking engine: give it IP datagrams, it answers with the
 * state a stateful firewall would see (NEW, ESTABLISHED, RELATED, INVALID,
 * UNTRACKED), the direction and a verdict, reproducing Linux's
 * nf_conntrack.
 *
 * Create it with `createEngine(options)`. One engine is single-threaded and
 * deterministic: time only comes from the timestamps you pass (or the clock
 * you inject), and randomness only from its `hashSeed` (drawn at random
 * when not given, as Linux seeds its hash: give one to repeat a run).
 */
@injectable()
export class Engine {
  /** Counters. */
  readonly stats = new EngineStats();
  /** The answer for the last packet (reused: copy what you keep). */
  readonly result = new PacketResult();
  /**
   * The engine's time in seconds: the last packet's. Calls without a
   * timestamp (and without an injected clock) read it, so a caller can set
   * it by a plain store, `engine.time[0] = ts`, which never allocates.
   */
  readonly time = new Float64Array(1);

  private readonly table: ConnTable;
  private readonly trackers: TrackerRegistry;
  private readonly helperSet: HelperSet;
  private readonly expectations: ExpectationRegistry;
  private readonly defrag: Defragmenter;
  private readonly notrack: NotrackTable;
  private readonly helpers: HelperHost;
  private readonly conntrack: Conntrack;
  private readonly collector: Collector;
  private readonly outcome: Outcome;
  private readonly events = new EventHub();
  private readonly snap: Snapshots;
  private readonly pkt = new ParsedPacket();
  private readonly stages: PolicyStages;
  /** Cells compared per packet to decide whether upkeep is due (typed arrays: never boxed). */
  private readonly gcDue: Float64Array;
  private readonly expectDue: Float64Array;
  private readonly fragmentsDue: Float64Array;
  /** Inside process, expire or flush: a call from a hook or a listener must not re-enter (see {@link process}). */
  private busy = false;
  private readonly config: EngineConfig;
  /** What trackers offer helpers, by token key. */
  private readonly serviceMap: Map<symbol, unknown>;

  constructor(
    @inject(TOKENS.Config) given: EngineConfig,
    @injectAll(TOKENS.Helper, { isOptional: true }) helpers: Helper[],
    @injectAll(TOKENS.Tracker, { isOptional: true }) trackers: ProtocolTracker[],
    @inject(TOKENS.Setup) setup: EngineSetup,
  ) {
    const parts = assembleEngine(given, helpers, trackers, setup, { result: this.result, stats: this.stats, time: this.time, events: this.events, packet: this.pkt });
    this.config = parts.config;
    this.trackers = parts.trackers;
    this.serviceMap = parts.services;
    this.helperSet = parts.helperSet;
    this.table = parts.table;
    this.notrack = parts.notrack;
    this.snap = parts.snapshots;
    this.outcome = parts.outcome;
    this.expectations = parts.expectations;
    this.helpers = parts.helpers;
    this.defrag = parts.defrag;
    this.conntrack = parts.conntrack;
    this.stages = parts.stages;
    this.collector = parts.collector;
    this.gcDue = this.collector.nextDue;
    this.expectDue = this.expectations.nextDue;
    this.fragmentsDue = this.defrag.nextDue;
  }

  // ------------------------------------------------------------------
  // Per packet
  // ------------------------------------------------------------------

  /**
   * Tracks one IP datagram (IPv4 or IPv6, starting at the IP header).
   *
   * @param bytes - the datagram; read during the call (and rewritten in place by NAT).
   * @param ts - the packet's time in seconds; default: the injected clock,
   *   or without one {@link time}`[0]`. (For allocation-free replay write the
   *   time into `engine.time[0]` and omit `ts`: V8 may box a float argument.)
   * @param zone - conntrack zone (separate tables in one engine). Default 0.
   * @param flags - {@link ProcessFlag} bits.
   * @returns the engine's reused {@link PacketResult}.
   * @throws Error when called re-entrantly: from a helper hook or an event
   *   listener while the engine is inside `process`, `processRange`,
   *   `expire` or `flush`. The engine is single-threaded and its pipeline
   *   works on one packet at a time (one reused result, one parsed packet),
   *   so a nested call would overwrite the outer packet's result and could
   *   confirm a tuple twice. Nothing is changed by the refused call; the
   *   outer call finishes normally (a hook's throw is contained and counted
   *   as a helper error, a listener's is ignored). Queue the packet and
   *   process it after the outer call returns.
   */
  process(bytes: Uint8Array, ts?: number, zone = 0, flags = 0): PacketResult {
    return this.processRange(bytes, 0, bytes.length, ts, zone, flags);
  }

  /** Like {@link process}, for a datagram at `offset` in a larger buffer (a capture record). */
  processRange(bytes: Uint8Array, offset: number, length: number, ts?: number, zone = 0, flags = 0): PacketResult {
    if (this.busy) this.reentered("process");
    this.busy = true;
    try {
      if (ts !== undefined) this.time[0] = ts;
      else if (this.config.clock !== undefined) this.time[0] = this.config.clock();
      this.run(bytes, offset, length, zone, flags);
      return this.result;
    } finally {
      this.busy = false;
    }
  }

  /** The pipeline: decode, reassemble, classify, track, filter, help, confirm, hand out. */
  private run(bytes: Uint8Array, offset: number, length: number, zone: number, flags: number): void {
    const r = this.result;
    const out = this.outcome;
    r.reset();
    this.stats.packets++;
    if (this.time[0]! >= this.gcDue[0]!) this.collector.tick();
    if (this.time[0]! >= this.expectDue[0]!) this.expectations.expire(this.time[0]!);
    // Incomplete datagrams time out on the clock, not only when another fragment comes (ip_expire).
    if (this.time[0]! >= this.fragmentsDue[0]!) this.defrag.expire(this.time[0]!);

    const p = this.pkt;
    let reason = decodePacket(bytes, offset, length, p, this.trackers);
    if (reason === Reason.NONE && p.fragment) {
      const d = this.defrag.push(p, zone, this.time[0]!);
      // Linux holds fragments before conntrack sees them; the datagram's state comes with the last one.
      if (d === DEFRAG_HELD) return out.held();
      if (d !== DEFRAG_DONE) return out.invalidDropped(d);
      const whole = this.defrag.datagram;
      reason = decodePacket(whole, 0, whole.length, p, this.trackers);
    }
    let tracked = false;
    const tracker = this.trackers.get(p.protocol);
    if (reason !== Reason.NONE) out.invalid(reason);
    else if (this.config.checksums && p.family === 4 && !ipv4HeaderChecksumOk(p)) return out.invalidDropped(Reason.BAD_CHECKSUM);
    else if (this.config.checksums && !tracker.checksumOk(p)) out.invalid(Reason.BAD_CHECKSUM);
    else if ((flags & ProcessFlag.NOTRACK) !== 0 || (this.notrack.size > 0 && this.notrack.matches(p, zone))) out.untracked();
    else {
      const kind = tracker.classify(p);
      if (kind === PacketKind.TRACK) tracked = this.conntrack.track(p, zone, tracker);
      else if (kind === PacketKind.RELATE) this.relate(p, zone);
      else if (kind === PacketKind.UNTRACKED) out.untracked();
      else out.invalid(kind);
    }
    if (this.dropped()) return;
    const stages = this.stages;
    const nat = stages.nat;
    // Prerouting: destination NAT, decided on a connection's first packet.
    if (nat !== null && r.state !== PacketState.INVALID && r.state !== PacketState.UNTRACKED) stages.translate(nat, p, tracked, Side.DESTINATION);
    if (!this.dropped() && stages.filters) stages.filter(p, zone, tracked ? this.conntrack.slot : -1);
    // Postrouting: source NAT, then the helper and the sequence adjustment (nf_confirm).
    if (nat !== null && !this.dropped() && r.state !== PacketState.INVALID && r.state !== PacketState.UNTRACKED) stages.translate(nat, p, tracked, Side.SOURCE);
    if (tracked) {
      const s = this.conntrack.slot;
      if (!this.dropped()) {
        // Linux decides before the helper runs whether this packet's sequence numbers need adjusting.
        const adjust = (this.table.status(s) & Status.SEQ_ADJUST) !== 0;
        if (this.table.helper(s) !== 0) {
          const drop = this.helpers.runPacket(s, this.conntrack.dir, r.state, p);
          if (drop !== HELPER_ACCEPT) out.drop(drop);
        }
        if (adjust && !this.dropped() && !stages.adjustSequence(p, tracker, s)) out.drop(Reason.NAT_FAILED);
      }
      this.conntrack.finish(this.dropped());
    }
    if (!this.dropped()) out.handOut(p, bytes, offset, length);
  }

  /** The verdict so far is DROP (read through a call: every stage may change it). */
  private dropped(): boolean {
    return this.result.verdict === Verdict.DROP;
  }

  /** An error quoting another datagram: the relation hooks place it, or it is INVALID. */
  private relate(p: ParsedPacket, zone: number): void {
    const ref = this.helpers.relate(p, zone);
    // RELATED, and the connection's timer is left alone.
    if (ref >= 0) this.outcome.tracked(PacketState.RELATED, ref >> 1, ref & 1);
    else this.outcome.invalid(-ref);
  }

  // ------------------------------------------------------------------
  // Public API
  // ------------------------------------------------------------------

  /**
   * Subscribes to events (all, or `options.types`); returns the function that
   * unsubscribes. Snapshots are built only for the types someone listens to.
   */
  on(listener: EngineEventListener, options?: SubscribeOptions): () => void {
    return this.events.subscribe(listener, options);
  }

  /**
   * The service a registered tracker offers under `token` (GRE's keymaps:
   * `engine.service(GRE_KEYMAPS)`), or undefined when no tracker offers it.
   */
  service<T>(token: ServiceToken<T>): T | undefined {
    return this.serviceMap.get(token.key) as T | undefined;
  }

  /** Connections tracked now (including unexpired ones that will time out). */
  get connectionCount(): number {
    return this.table.count;
  }

  /** Expectations pending now. */
  get expectationCount(): number {
    return this.expectations.size;
  }

  /** Names of the registered helpers, in registration order. */
  get helperList(): readonly string[] {
    return this.helperSet.names;
  }

  /** Snapshots of every confirmed connection, by slot order. */
  *connections(): IterableIterator<ConnectionInfo> {
    for (let s = 0; s < this.table.capacity; s++) {
      if (this.table.family(s) !== 0 && this.table.confirmed(s)) yield this.snap.connection(s);
    }
  }

  /** Snapshot of the connection in `slot`, or null. */
  connection(slot: number): ConnectionInfo | null {
    return this.table.inUse(slot) ? this.snap.connection(slot) : null;
  }

  /** Snapshots of every pending expectation. */
  *pendingExpectations(): IterableIterator<ExpectationInfo> {
    for (const e of this.expectations.all()) yield this.snap.expectation(e);
  }

  /** Sets the mark of a connection (inherited by connections it expects). */
  setMark(slot: number, mark: number): void {
    if (this.table.inUse(slot)) this.table.setMark(slot, mark >>> 0);
  }

  /**
   * Removes connections, expectations and incomplete fragmented datagrams
   * that expired at `now` (a full sweep). Not re-entrant (see {@link process}).
   */
  expire(now: number): void {
    if (this.busy) this.reentered("expire");
    this.busy = true;
    try {
      this.time[0] = now;
      this.expectations.expire(now);
      this.defrag.expire(now);
      this.collector.reap(this.table.capacity);
    } finally {
      this.busy = false;
    }
  }

  /** Removes every connection and expectation. Not re-entrant (see {@link process}). */
  flush(): void {
    if (this.busy) this.reentered("flush");
    this.busy = true;
    try {
      this.expectations.flush();
      for (let s = 0; s < this.table.capacity; s++) if (this.table.family(s) !== 0) this.conntrack.destroy(s, "flushed");
    } finally {
      this.busy = false;
    }
  }

  /** Refuses a nested call (out of line: the per-packet check stays one branch). */
  private reentered(call: string): never {
    throw new Error(
      `engine.${call}() was called from inside a helper hook or an event listener while the engine was busy: ` +
        "the engine is not re-entrant; queue the work and do it after the current call returns",
    );
  }

  /**
   * Typed-array bytes per connection slot, and in all (for capacity
   * planning); bytes and datagrams the defragmenter holds (counted as
   * against `fragments.maxBytes`: data, headers and per-fragment overheads).
   */
  memory(): { bytesPerConnection: number; tableBytes: number; capacity: number; fragmentBytes: number; fragmentDatagrams: number } {
    return {
      bytesPerConnection: this.table.bytesPerSlot(),
      tableBytes: this.table.byteLength(),
      capacity: this.table.capacity,
      fragmentBytes: this.defrag.heldBytes,
      fragmentDatagrams: this.defrag.pending,
    };
  }
}
