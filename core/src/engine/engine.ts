import { inject, injectable, injectAll } from "tsyringe";
import { parseAddress } from "../address.js";
import type { EngineConfig } from "../config.js";
import { Direction, IpProto, PacketState, Reason, Status, Verdict } from "../constants.js";
import { Expectation } from "../expect/expectation.js";
import type { ExpectationEnd } from "../expect/registry.js";
import { ExpectationRegistry } from "../expect/registry.js";
import type { AddressInput, ExpectationRequest, Helper } from "../helper/types.js";
import { ExpectResult, HelperVerdict } from "../helper/types.js";
import { decodePacket } from "../packet/decode.js";
import { decodeQuoted } from "../packet/decode-quoted.js";
import { ipv4HeaderChecksumOk, transportChecksumOk } from "../packet/checksum.js";
import { DEFRAG_DONE, DEFRAG_HELD, Defragmenter } from "../packet/defrag.js";
import { ParsedPacket } from "../packet/parsed-packet.js";
import { genericTracker } from "../proto/generic.js";
import { icmpInverseType, icmpTracker, isIcmpError, isIcmpv6Error, isIcmpv6Untracked } from "../proto/icmp.js";
import { tcpCanEarlyDrop, tcpTracker } from "../proto/tcp.js";
import type { ProtoTracker } from "../proto/tracker.js";
import { TRACK_KILL, TRACK_REOPEN } from "../proto/tracker.js";
import { udpliteTracker, udpTracker } from "../proto/udp.js";
import { ConnTable } from "../table/conn-table.js";
import { TOKENS } from "../tokens.js";
import type { ContextHost } from "./contexts.js";
import { PayloadContext, QuoteContext } from "./contexts.js";
import type { ConnectionEnd, ConnectionInfo, EngineEventListener, ExpectationInfo } from "./info.js";
import { PacketResult } from "./result.js";
import { EventBit, EventHub, type SubscribeOptions } from "./event-hub.js";
import { Snapshots } from "./snapshots.js";
import type { HelperAttachment, NotrackRule } from "./rules.js";
import { AttachTable, NotrackTable } from "./rules.js";
import { EngineStats } from "./stats.js";
import type { PacketPolicy } from "../policy/types.js";
import { FilterVerdict } from "../policy/types.js";
import { PolicyView } from "./policy-view.js";
import { B_FAMILY, B_HELPER, B_PROTO, B_PROTO_STATE, D_CREATED, D_EXPIRES, H_STATUS, H_ZONE, W_ID, W_MARK } from "../table/layout.js";

/** Bits of the `flags` argument of {@link Engine.process}. */
export const ProcessFlag = {
  /** Treat this packet as matched by a NOTRACK rule. */
  NOTRACK: 1,
} as const;

/** Slots looked at when the table is full and one unassured connection must go (Linux scans a few buckets). */
const EARLY_DROP_SCAN = 64;

/** Most slots the garbage collector visits while handling one packet. */
const MAX_REAP_PER_PACKET = 256;

/** Engine-wide settings that are not part of {@link EngineConfig}. */
export interface EngineSetup {
  readonly attach: readonly HelperAttachment[] | undefined;
  readonly notrack: readonly NotrackRule[];
  readonly helperErrorVerdict: "accept" | "drop";
  readonly policy: PacketPolicy | undefined;
}

/**
 * The connection-tracking engine: give it IP datagrams, it answers with the
 * state a stateful firewall would see (NEW, ESTABLISHED, RELATED, INVALID,
 * UNTRACKED), the direction and a verdict, reproducing Linux's
 * nf_conntrack.
 *
 * Create it with `createEngine(options)`. One engine is single-threaded and
 * deterministic: time only comes from the timestamps you pass (or the clock
 * you inject).
 */
@injectable()
export class Engine implements ContextHost {
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
  private readonly expectations: ExpectationRegistry;
  private readonly defrag: Defragmenter;
  private readonly attachTable: AttachTable;
  private readonly notrackTable: NotrackTable;
  private readonly helperNames: readonly string[];
  private readonly helperData = new Map<number, unknown>();
  private readonly pkt = new ParsedPacket();
  private readonly quoted = new ParsedPacket();
  private readonly payloadCtx: PayloadContext;
  private readonly quoteCtx: QuoteContext;
  private readonly relaters: number[] = [];
  private readonly events = new EventHub();
  private readonly snap: Snapshots;
  private readonly masterUsable = (slot: number, id: number): boolean =>
    this.table.inUse(slot) &&
    this.table.u32[(slot << 5) + W_ID] === id &&
    (this.table.u16[(slot << 6) + H_STATUS]! & (Status.CONFIRMED | Status.DYING)) === Status.CONFIRMED;
  private readonly policyView = new PolicyView();
  /** The filter already judged this packet (tracked packets are judged before their helper runs). */
  private filterDone = false;
  private reapCursor = 0;
  /** Packet time up to which the garbage collector has done its share. */
  private gcClock = -Infinity;
  /** Packet time at which the collector next has a slot to visit (a field compare per packet, nothing more). */
  private gcNext = -Infinity;

  constructor(
    @inject(TOKENS.Config) private readonly config: EngineConfig,
    @injectAll(TOKENS.Helper, { isOptional: true }) private readonly helpers: Helper<unknown>[],
    @inject(TOKENS.Setup) private readonly setup: EngineSetup,
  ) {
    const names = new Set<string>();
    for (const h of helpers) {
      if (!h || typeof h.name !== "string" || h.name === "") throw new TypeError("a helper needs a non-empty name");
      if (names.has(h.name)) throw new Error(`two helpers are named "${h.name}"`);
      if (!Array.isArray(h.policies) || h.policies.length > 4) {
        throw new RangeError(`helper "${h.name}": policies must be an array of at most 4 classes`);
      }
      names.add(h.name);
    }
    if (helpers.length > 254) throw new RangeError("at most 254 helpers per engine");
    this.helperNames = helpers.map((h) => h.name);
    helpers.forEach((h, i) => {
      if (h.relate) this.relaters.push(i);
    });
    const attachments =
      setup.attach ??
      helpers.flatMap((h) => (h.defaultRules ?? []).map((r) => ({ ...r, helper: h.name })));
    this.attachTable = new AttachTable(attachments, (n) => this.helperNames.indexOf(n));
    this.notrackTable = new NotrackTable(setup.notrack);
    this.table = new ConnTable(config.maxConnections, config.initialCapacity, config.hashSeed);
    this.expectations = new ExpectationRegistry(config.maxExpectations, config.hashSeed ^ 0x5bd1e995, {
      created: (e) => this.onExpectationCreated(e),
      destroyed: (e, why) => this.onExpectationDestroyed(e, why),
    });
    this.defrag = new Defragmenter(config.fragments, config.hashSeed);
    this.pkt.time = this.time;
    this.snap = new Snapshots(this.table, helpers, this.helperNames, this.time, (proto, state) => this.trackerFor(proto).stateName(state));
    this.payloadCtx = new PayloadContext(this);
    this.quoteCtx = new QuoteContext(this);
  }

  // ------------------------------------------------------------------
  // Public API
  // ------------------------------------------------------------------

  /**
   * Tracks one IP datagram (IPv4 or IPv6, starting at the IP header).
   *
   * @param bytes - the datagram; only read during the call.
   * @param ts - the packet's time in seconds; default: the injected clock,
   *   or without one {@link time}`[0]`. (The engine allocates nothing per
   *   packet, but V8 boxes a float argument when the call is not inlined:
   *   for allocation-free replay write the time into `engine.time[0]` and
   *   omit `ts`.)
   * @param zone - conntrack zone (separate tables in one engine). Default 0.
   * @param flags - {@link ProcessFlag} bits.
   * @returns the engine's reused {@link PacketResult}.
   */
  process(bytes: Uint8Array, ts?: number, zone = 0, flags = 0): PacketResult {
    return this.processRange(bytes, 0, bytes.length, ts, zone, flags);
  }

  /** Like {@link process}, for a datagram at `offset` in a larger buffer (a capture record). */
  processRange(bytes: Uint8Array, offset: number, length: number, ts?: number, zone = 0, flags = 0): PacketResult {
    this.filterDone = false;
    const r = this.processInner(bytes, offset, length, ts, zone, flags);
    // INVALID and UNTRACKED packets meet the filter too (an nft forward chain sees every packet).
    if (!this.filterDone && r.verdict === Verdict.ACCEPT && this.setup.policy?.filter !== undefined) this.filterRejects(this.pkt, zone, -1);
    if (r.verdict === Verdict.ACCEPT) {
      const p = this.pkt;
      // A decoded datagram leaves as decoded (a reassembled one whole); an undecodable one as it came.
      if (p.family !== 0 && p.l3End > p.l3Offset) {
        r.outBytes = p.bytes;
        r.outOffset = p.l3Offset;
        r.outLength = p.l3End - p.l3Offset;
      } else {
        r.outBytes = bytes;
        r.outOffset = offset;
        r.outLength = length;
      }
    }
    return r;
  }

  private processInner(bytes: Uint8Array, offset: number, length: number, ts: number | undefined, zone: number, flags: number): PacketResult {
    // Through the typed array, `now` is always an unboxed float: merging the
    // argument and the stored time in one expression would box it.
    if (ts !== undefined) this.time[0] = ts;
    else if (this.config.clock !== undefined) this.time[0] = this.config.clock();
    const now = this.time[0]!;
    // From here on time is read from this.time (shared with the parsed packet
    // and the snapshots), never passed around as a float that V8 might box.
    const r = this.result;
    r.reset();
    this.stats.packets++;
    if (now >= this.gcNext) this.collect();
    if (now >= this.expectations.nextDue) this.expectations.expire(this.time[0]!);

    const p = this.pkt;
    let reason = decodePacket(bytes, offset, length, p);
    if (reason !== Reason.NONE) return this.finishInvalid(reason);
    if (p.fragment) {
      const d = this.defrag.push(p, zone, this.time[0]!);
      if (d === DEFRAG_HELD) {
        // Linux holds fragments before conntrack sees them; the datagram's
        // state comes with the fragment that completes it.
        r.state = PacketState.UNTRACKED;
        r.verdict = Verdict.HOLD;
        this.stats.fragmentsHeld++;
        return r;
      }
      if (d !== DEFRAG_DONE) return this.dropInvalid(d);
      const whole = this.defrag.datagram;
      reason = decodePacket(whole, 0, whole.length, p);
      if (reason !== Reason.NONE) return this.finishInvalid(reason);
    }
    if (this.config.checksums) {
      const bad = this.badChecksum(p);
      if (bad !== 0) return bad === 1 ? this.dropInvalid(Reason.BAD_CHECKSUM) : this.finishInvalid(Reason.BAD_CHECKSUM);
    }
    if ((flags & ProcessFlag.NOTRACK) !== 0 || (this.notrackTable.size > 0 && this.notrackTable.matches(p, zone))) {
      return this.finish(PacketState.UNTRACKED);
    }
    return this.track(p, zone);
  }

  /**
   * Subscribes to events (all, or `options.types`); returns the function that
   * unsubscribes. Snapshots are built only for the types someone listens to.
   */
  on(listener: EngineEventListener, options?: SubscribeOptions): () => void {
    return this.events.subscribe(listener, options);
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
    return this.helperNames;
  }

  /** Snapshots of every connection, by slot order. */
  *connections(): IterableIterator<ConnectionInfo> {
    for (let s = 0; s < this.table.capacity; s++) {
      if (this.table.u8[(s << 7) + B_FAMILY] !== 0 && (this.table.u16[(s << 6) + H_STATUS]! & Status.CONFIRMED) !== 0) yield this.snap.connection(s);
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
    if (this.table.inUse(slot)) this.table.u32[(slot << 5) + W_MARK] = mark >>> 0;
  }

  /** Removes connections and expectations that expired at `now` (a full sweep). */
  expire(now: number): void {
    this.time[0] = now;
    this.expectations.expire(now);
    this.reapStep(this.table.capacity);
  }

  /** Removes every connection and expectation. */
  flush(): void {
    this.expectations.flush();
    for (let s = 0; s < this.table.capacity; s++) if (this.table.u8[(s << 7) + B_FAMILY] !== 0) this.destroy(s, "flushed");
  }

  /** Typed-array bytes per connection slot, and in all (for capacity planning). */
  memory(): { bytesPerConnection: number; tableBytes: number; capacity: number } {
    return { bytesPerConnection: this.table.bytesPerSlot(), tableBytes: this.table.byteLength(), capacity: this.table.capacity };
  }

  // ------------------------------------------------------------------
  // Per packet
  // ------------------------------------------------------------------

  private trackerFor(proto: number): ProtoTracker {
    switch (proto) {
      case IpProto.TCP: return tcpTracker;
      case IpProto.UDP: return udpTracker;
      case IpProto.UDPLITE: return udpliteTracker;
      case IpProto.ICMP:
      case IpProto.ICMPV6: return icmpTracker;
      default: return genericTracker;
    }
  }

  private track(p: ParsedPacket, zone: number): PacketResult {
    // Events below read this.time again rather than reuse `now`: a float that
    // also feeds an object literal may be boxed on every packet by V8.
    const now = this.time[0]!;
    const proto = p.protocol;
    if (proto === IpProto.ICMP) {
      if (isIcmpError(p.icmpType)) return this.relate(p, zone);
      if (p.icmpType > 18) return this.finishInvalid(Reason.ICMP_UNKNOWN_TYPE);
    } else if (proto === IpProto.ICMPV6) {
      if (isIcmpv6Untracked(p.icmpType)) return this.finish(PacketState.UNTRACKED);
      if (isIcmpv6Error(p.icmpType)) return this.relate(p, zone);
    }
    const tracker = this.trackerFor(proto);
    const t = this.table;
    for (let attempt = 0; attempt < 2; attempt++) {
      let ref = t.find(p.family, proto, zone, p.src, p.dst, p.sport, p.dport);
      if (ref >= 0 && t.f64[((ref >> 1) << 4) + D_EXPIRES]! <= now) {
        this.destroy(ref >> 1, "timeout");
        ref = -1;
      }
      if (ref < 0) return this.create(p, zone, tracker);
      const s = ref >> 1;
      const dir = ref & 1;
      const status = t.u16[(s << 6) + H_STATUS]!;
      const state =
        dir === Direction.REPLY || (status & Status.SEEN_REPLY) !== 0
          ? PacketState.ESTABLISHED
          : (status & Status.EXPECTED) !== 0
            ? PacketState.RELATED
            : PacketState.NEW;
      const before = t.u8[(s << 7) + B_PROTO_STATE]!;
      const res = tracker.packet(t, s, dir, p, this.config);
      if (res > 0) return this.finishInvalid(res);
      if (res === TRACK_REOPEN) {
        this.destroy(s, "reopened");
        continue;
      }
      if (dir === Direction.REPLY) t.u16[(s << 6) + H_STATUS] = t.u16[(s << 6) + H_STATUS]! | Status.SEEN_REPLY;
      const r = this.finishTracked(state, s, dir);
      if (this.setup.policy?.filter !== undefined && this.filterRejects(p, zone, s)) return r;
      if (t.u8[(s << 7) + B_HELPER] !== 0) this.runHelper(s, dir, state, p);
      if (res === TRACK_KILL) this.destroy(s, "killed");
      else if ((this.events.wanted & EventBit["conn-update"]) !== 0 && (t.u8[(s << 7) + B_PROTO_STATE] !== before || t.u16[(s << 6) + H_STATUS] !== status)) {
        this.events.emit(EventBit["conn-update"], { type: "conn-update", ts: this.time[0]!, connection: this.snap.connection(s) });
      }
      return r;
    }
    return this.finishInvalid(Reason.TCP_INVALID_STATE);
  }

  /** A packet that matched no connection (`init_conntrack`). */
  private create(p: ParsedPacket, zone: number, tracker: ProtoTracker): PacketResult {
    const now = this.time[0]!;
    const t = this.table;
    let replySport = p.dport;
    let replyDport = p.sport;
    if (p.protocol === IpProto.ICMP || p.protocol === IpProto.ICMPV6) {
      const inverse = icmpInverseType(p.protocol, p.icmpType);
      if (inverse < 0) return this.finishInvalid(Reason.ICMP_UNKNOWN_TYPE);
      replySport = p.sport;
      replyDport = (inverse << 8) | p.icmpCode;
    }
    // Linux consumes a matching expectation before the protocol's own check of the first packet.
    const exp =
      this.expectations.size > 0
        ? this.expectations.match(p.family, p.protocol, zone, p.src, p.dst, p.sport, p.dport, this.masterUsable)
        : undefined;
    const reason = tracker.canCreate(p, this.config);
    if (reason !== Reason.NONE) return this.finishInvalid(reason);
    let s = t.allocate();
    if (s < 0 && this.earlyDrop(p)) s = t.allocate();
    if (s < 0) return this.dropInvalid(Reason.TABLE_FULL);
    t.setTuple(s, p.family, p.protocol, zone, p.src, p.dst, p.sport, p.dport, replySport, replyDport);
    t.f64[(s << 4) + D_CREATED] = now;
    t.f64[(s << 4) + D_EXPIRES] = now;
    if (exp) {
      t.u16[(s << 6) + H_STATUS] = Status.EXPECTED;
      t.master[s] = exp.master;
      t.masterId[s] = exp.masterId;
      t.u32[(s << 5) + W_MARK] = t.u32[((exp.master) << 5) + W_MARK]!;
      t.u8[(s << 7) + B_HELPER] = exp.assignHelper;
      this.stats.expectationsMatched++;
    }
    if (t.u8[(s << 7) + B_HELPER] === 0 && this.attachTable.size > 0) {
      t.u8[(s << 7) + B_HELPER] = this.attachTable.lookup(p.family, p.protocol, zone, p.dport);
    }
    tracker.init(t, s, p, this.config);
    const res = tracker.packet(t, s, Direction.ORIGINAL, p, this.config);
    if (res > 0) {
      t.release(s);
      return this.finishInvalid(res);
    }
    const state = exp ? PacketState.RELATED : PacketState.NEW;
    const r = this.finishTracked(state, s, Direction.ORIGINAL);
    if (exp) r.expectationId = exp.id;
    const filtered = this.setup.policy?.filter !== undefined && this.filterRejects(p, zone, s);
    if (!filtered && t.u8[(s << 7) + B_HELPER] !== 0) this.runHelper(s, Direction.ORIGINAL, state, p);
    if (r.verdict === Verdict.DROP || res === TRACK_KILL) {
      // Never confirmed: the connection disappears with its packet.
      this.expectations.removeMaster(t.u32[(s << 5) + W_ID]!);
      this.helperData.delete(s);
      t.release(s);
      r.slot = -1;
      return r;
    }
    t.link(s);
    t.u16[(s << 6) + H_STATUS] = t.u16[(s << 6) + H_STATUS]! | Status.CONFIRMED;
    this.stats.connectionsCreated++;
    if ((this.events.wanted & EventBit["conn-new"]) !== 0) {
      this.events.emit(EventBit["conn-new"], { type: "conn-new", ts: this.time[0]!, connection: this.snap.connection(s) });
    }
    return r;
  }

  /** ICMP errors: the relation hooks place them, or they are INVALID. */
  private relate(p: ParsedPacket, zone: number): PacketResult {
    const now = this.time[0]!;
    const ctx = this.quoteCtx;
    ctx.bytes = p.bytes;
    ctx.family = p.family;
    ctx.protocol = p.protocol;
    ctx.icmpType = p.icmpType;
    ctx.icmpCode = p.icmpCode;
    ctx.l4Offset = p.l4Offset;
    ctx.l4Length = p.l4Length;
    ctx.src = p.src;
    ctx.dst = p.dst;
    ctx.zone = zone;
    ctx.now = now;
    for (const i of this.relaters) {
      let ref: number | undefined;
      try {
        ref = this.helpers[i]!.relate!(ctx);
      } catch (error) {
        this.helperFailed(i, 0, error, now);
        continue;
      }
      if (ref === undefined) continue;
      if (typeof ref !== "number" || !Number.isInteger(ref)) continue;
      if (ref < 0) return this.finishInvalid(-ref);
      const s = ref >> 1;
      if (!this.table.inUse(s)) return this.finishInvalid(Reason.ICMP_ERROR_UNRELATED);
      // RELATED, and the connection's timer is left alone.
      return this.finishTracked(PacketState.RELATED, s, ref & 1);
    }
    return this.finishInvalid(Reason.ICMP_ERROR_UNRELATED);
  }

  private runHelper(s: number, dir: number, state: PacketState, p: ParsedPacket): void {
    const now = this.time[0]!;
    const index = this.table.u8[(s << 7) + B_HELPER]! - 1;
    const helper = this.helpers[index]!;
    if (!helper.onPacket) return;
    const ctx = this.payloadCtx;
    ctx.bytes = p.bytes;
    ctx.payloadOffset = p.payloadOffset;
    ctx.payloadLength = p.payloadLength;
    ctx.direction = dir as Direction;
    ctx.state = state;
    ctx.family = p.family;
    ctx.protocol = p.protocol;
    ctx.src = p.src;
    ctx.dst = p.dst;
    ctx.srcPort = p.sport;
    ctx.dstPort = p.dport;
    ctx.tcpSeq = p.seq;
    ctx.tcpAck = p.ack;
    ctx.tcpFlags = p.tcpFlags;
    ctx.now = now;
    ctx.connectionId = this.table.u32[(s << 5) + W_ID]!;
    ctx.slot = s;
    ctx.helper = index;
    let data = this.helperData.get(s);
    let verdict: HelperVerdict | void;
    try {
      if (data === undefined && helper.createState) {
        data = helper.createState();
        this.helperData.set(s, data);
      }
      ctx.data = data;
      verdict = helper.onPacket(ctx);
    } catch (error) {
      this.helperFailed(index, this.table.u32[(s << 5) + W_ID]!, error, now);
      if (this.setup.helperErrorVerdict === "drop") this.dropResult(Reason.HELPER_ERROR);
      return;
    }
    if (verdict === HelperVerdict.DROP) this.dropResult(Reason.HELPER_DROP);
    else if (verdict === HelperVerdict.PARTIAL && helper.onPartialMatch !== "accept") this.dropResult(Reason.HELPER_PARTIAL);
  }

  /**
   * Asks the policy's filter about the packet (after destination NAT, before
   * the helper and confirmation, as the forward chain sits between
   * prerouting and postrouting). A DROP sets the verdict; returns true then.
   */
  private filterRejects(p: ParsedPacket, zone: number, s: number): boolean {
    this.filterDone = true;
    const v = this.policyView;
    const r = this.result;
    v.fill(r, p, zone, s < 0 ? 0 : this.table.u32[(s << 5) + W_MARK]!);
    let verdict: FilterVerdict;
    try {
      verdict = this.setup.policy!.filter!(v);
    } catch {
      verdict = FilterVerdict.DROP;
    }
    if (verdict === FilterVerdict.ACCEPT) return false;
    this.dropResult(Reason.FILTERED);
    return true;
  }

  private dropResult(reason: number): void {
    this.result.verdict = Verdict.DROP;
    this.result.reason = reason;
    this.stats.dropped++;
    if (reason < this.stats.byReason.length) this.stats.byReason[reason]!++;
  }

  private helperFailed(index: number, connectionId: number, error: unknown, now: number): void {
    this.stats.helperErrors++;
    if ((this.events.wanted & EventBit["helper-error"]) !== 0) {
      this.events.emit(EventBit["helper-error"], { type: "helper-error", ts: now, helper: this.helperNames[index]!, connectionId, error });
    }
  }

  /** 0: checksums fine; 1: bad IPv4 header (dropped before tracking); 2: bad transport checksum. */
  private badChecksum(p: ParsedPacket): number {
    if (p.family === 4 && !ipv4HeaderChecksumOk(p)) return 1;
    return transportChecksumOk(p) ? 0 : 2;
  }

  private dropInvalid(reason: number): PacketResult {
    this.finishInvalid(reason);
    this.result.verdict = Verdict.DROP;
    this.stats.dropped++;
    return this.result;
  }

  private finish(state: PacketState): PacketResult {
    const r = this.result;
    r.state = state;
    this.stats.byState[state]!++;
    return r;
  }

  private finishInvalid(reason: number): PacketResult {
    const r = this.result;
    r.state = PacketState.INVALID;
    r.direction = Direction.NONE;
    r.reason = reason;
    this.stats.byState[PacketState.INVALID]!++;
    if (reason < this.stats.byReason.length) this.stats.byReason[reason]!++;
    return r;
  }

  private finishTracked(state: PacketState, s: number, dir: number): PacketResult {
    const r = this.result;
    const t = this.table;
    r.state = state;
    r.direction = dir as Direction;
    r.slot = s;
    r.connectionId = t.u32[(s << 5) + W_ID]!;
    r.expected = (t.u16[(s << 6) + H_STATUS]! & Status.EXPECTED) !== 0;
    r.helper = t.u8[(s << 7) + B_HELPER] === 0 ? null : this.helperNames[t.u8[(s << 7) + B_HELPER]! - 1]!;
    this.stats.byState[state]!++;
    return r;
  }

  // ------------------------------------------------------------------
  // Table upkeep
  // ------------------------------------------------------------------

  /**
   * Incremental garbage collection paced by packet time, not packet count (as
   * gVisor and Linux reap on a timer): the sweep covers the table once per
   * `gcSweepSeconds`, so a fast stream pays almost nothing per packet and the
   * work per call stays bounded.
   */
  private collect(): void {
    const now = this.time[0]!;
    const sweep = this.config.gcSweepSeconds;
    if (sweep <= 0) {
      this.gcNext = Infinity;
      return;
    }
    const slotTime = sweep / this.table.capacity;
    if (this.gcClock === -Infinity) {
      this.gcClock = now;
      this.gcNext = now + slotTime;
      return;
    }
    let n = Math.floor((now - this.gcClock) / slotTime);
    if (n > MAX_REAP_PER_PACKET) {
      // A long silence: catch up by a bounded amount and restart the pace from now.
      n = MAX_REAP_PER_PACKET;
      this.gcClock = now;
    } else {
      this.gcClock += n * slotTime;
    }
    this.gcNext = this.gcClock + slotTime;
    if (n > 0 && this.table.count > 0) this.reapStep(n);
  }

  /** Looks at `n` slots from the cursor and removes expired connections. */
  private reapStep(n: number): void {
    const now = this.time[0]!;
    const t = this.table;
    const cap = t.capacity;
    let c = this.reapCursor;
    for (let i = 0; i < n; i++) {
      if (c >= cap) c = 0;
      if (t.u8[(c << 7) + B_FAMILY] !== 0 && t.f64[(c << 4) + D_EXPIRES]! <= now && (t.u16[(c << 6) + H_STATUS]! & Status.CONFIRMED) !== 0) this.destroy(c, "timeout");
      c++;
    }
    this.reapCursor = c;
  }

  /**
   * Table full: remove an expired or an unassured connection from a window
   * of slots chosen by the new tuple's hash, as Linux's early_drop does.
   */
  private earlyDrop(p: ParsedPacket): boolean {
    const now = this.time[0]!;
    const t = this.table;
    const cap = t.capacity;
    let start = (Math.imul(p.src[0]! ^ p.dst[0]! ^ ((p.sport << 16) | p.dport), 0x9e3779b1) >>> 0) % cap;
    for (let i = 0; i < EARLY_DROP_SCAN; i++, start = start + 1 === cap ? 0 : start + 1) {
      if (t.u8[(start << 7) + B_FAMILY] === 0) continue;
      const st = t.u16[(start << 6) + H_STATUS]!;
      // Linux also lets assured TCP connections go once they are closing.
      const droppable =
        (st & Status.ASSURED) === 0 || (t.u8[(start << 7) + B_PROTO] === IpProto.TCP && tcpCanEarlyDrop(t.u8[(start << 7) + B_PROTO_STATE]!));
      if (t.f64[(start << 4) + D_EXPIRES]! <= now || droppable) {
        this.destroy(start, t.f64[(start << 4) + D_EXPIRES]! <= now ? "timeout" : "early-drop");
        if (t.f64[(start << 4) + D_EXPIRES]! > now) this.stats.earlyDrops++;
        return true;
      }
    }
    return false;
  }

  private destroy(s: number, why: ConnectionEnd): void {
    const t = this.table;
    if (t.u8[(s << 7) + B_FAMILY] === 0) return;
    t.u16[(s << 6) + H_STATUS] = t.u16[(s << 6) + H_STATUS]! | Status.DYING;
    const id = t.u32[(s << 5) + W_ID]!;
    this.expectations.removeMaster(id);
    if ((this.events.wanted & EventBit["conn-destroy"]) !== 0 && (t.u16[(s << 6) + H_STATUS]! & Status.CONFIRMED) !== 0) {
      this.events.emit(EventBit["conn-destroy"], { type: "conn-destroy", ts: this.time[0]!, connection: this.snap.connection(s), reason: why });
    }
    this.helperData.delete(s);
    t.release(s);
    this.stats.connectionsDestroyed++;
  }

  // ------------------------------------------------------------------
  // Expectations (ContextHost)
  // ------------------------------------------------------------------

  /** @internal */
  expectFor(slot: number, helperIndex: number, req: ExpectationRequest, now: number): ExpectResult {
    const t = this.table;
    const helper = this.helpers[helperIndex]!;
    const cls = req.class ?? 0;
    const policy = helper.policies[cls];
    if (!policy || !t.inUse(slot)) return this.refused(ExpectResult.INVALID);
    const family = t.u8[(slot << 7) + B_FAMILY]!;
    const dst = toWords(req.dst, family);
    if (!dst) return this.refused(ExpectResult.INVALID);
    const src = req.src === null || req.src === undefined ? new Uint32Array(4) : toWords(req.src, family);
    if (!src) return this.refused(ExpectResult.INVALID);
    const port = req.dstPort;
    if (!Number.isInteger(port) || port < 0 || port > 65535) return this.refused(ExpectResult.INVALID);
    const anySrc = req.src === null || req.src === undefined;
    const srcMask = new Uint32Array(4);
    if (!anySrc) srcMask.fill(0xffffffff, 0, family === 4 ? 1 : 4);
    const anyPort = req.srcPort === null || req.srcPort === undefined;
    const assign = req.helper === undefined ? 0 : this.helperNames.indexOf(req.helper) + 1;
    if (req.helper !== undefined && assign === 0) return this.refused(ExpectResult.INVALID);
    const proto = req.protocol ?? t.u8[(slot << 7) + B_PROTO]!;
    const zone = t.u16[(slot << 6) + H_ZONE]!;
    const e = new Expectation(
      family,
      proto,
      zone,
      src,
      srcMask,
      anyPort ? 0 : req.srcPort! & 0xffff,
      anyPort ? 0 : 0xffff,
      dst,
      port,
      slot,
      t.u32[(slot << 5) + W_ID]!,
      helperIndex,
      cls,
      req.flags ?? 0,
      assign,
      now,
      policy.timeout,
      this.expectations.keyOf(family, proto, zone, dst, port),
    );
    const res = this.expectations.insert(e, policy.maxExpected);
    if (res < 0) this.stats.expectationsRefused++;
    return res;
  }

  private refused(r: ExpectResult): ExpectResult {
    this.stats.expectationsRefused++;
    return r;
  }

  /** @internal */
  findQuoted(bytes: Uint8Array, offset: number, length: number, zone: number, now: number): number {
    const q = this.quoted;
    const reason = decodeQuoted(bytes, offset, length, q);
    if (reason !== Reason.NONE) return -reason;
    if (q.protocol === IpProto.ICMP && (isIcmpError(q.icmpType) || icmpInverseType(IpProto.ICMP, q.icmpType) < 0)) {
      return -Reason.ICMP_ERROR_NESTED;
    }
    if (q.protocol === IpProto.ICMPV6 && (isIcmpv6Error(q.icmpType) || icmpInverseType(IpProto.ICMPV6, q.icmpType) < 0)) {
      return -Reason.ICMP_ERROR_NESTED;
    }
    const isPorted =
      q.protocol === IpProto.TCP || q.protocol === IpProto.UDP || q.protocol === IpProto.UDPLITE ||
      q.protocol === IpProto.ICMP || q.protocol === IpProto.ICMPV6;
    if (!isPorted) {
      q.sport = 0;
      q.dport = 0;
    }
    const ref = this.table.find(q.family, q.protocol, zone, q.src, q.dst, q.sport, q.dport);
    if (ref < 0 || this.table.f64[((ref >> 1) << 4) + D_EXPIRES]! <= now) return -Reason.ICMP_ERROR_UNRELATED;
    return ref;
  }

  /** @internal */
  isDestination(ref: number, dir: number, words: Uint32Array): boolean {
    const s = ref >> 1;
    if (!this.table.inUse(s)) return false;
    // The destination of direction 0 is the original destination; of direction 1, the original source.
    const a = this.table.addressOffset(s, dir === 0 ? 1 : 0);
    const u32 = this.table.u32;
    return u32[a] === words[0] && u32[a + 1] === words[1] && u32[a + 2] === words[2] && u32[a + 3] === words[3];
  }

  private onExpectationCreated(e: Expectation): void {
    this.stats.expectationsCreated++;
    if ((this.events.wanted & EventBit["expect-new"]) !== 0) {
      this.events.emit(EventBit["expect-new"], { type: "expect-new", ts: this.time[0]!, expectation: this.snap.expectation(e) });
    }
  }

  private onExpectationDestroyed(e: Expectation, why: ExpectationEnd): void {
    if (why === "timeout") this.stats.expectationsExpired++;
    else if (why === "evicted") this.stats.expectationsEvicted++;
    if ((this.events.wanted & EventBit["expect-destroy"]) !== 0) {
      this.events.emit(EventBit["expect-destroy"], { type: "expect-destroy", ts: this.time[0]!, expectation: this.snap.expectation(e), reason: why });
    }
  }
}

function toWords(input: AddressInput, family: number): Uint32Array | null {
  if (typeof input === "string") {
    const parsed = parseAddress(input);
    return parsed && parsed.family === family ? parsed.words : null;
  }
  if (!input || input.length < (family === 4 ? 1 : 4)) return null;
  const w = new Uint32Array(4);
  for (let i = 0; i < (family === 4 ? 1 : 4); i++) w[i] = input[i]! >>> 0;
  return w;
}
