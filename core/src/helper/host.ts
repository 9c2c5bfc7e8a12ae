import { Direction, PacketState, ReasonCode } from "../constants.js";
import type { ConnectionEnd } from "../engine/info.js";
import { EventBit, type EventHub } from "../engine/event-hub.js";
import type { Snapshots } from "../engine/snapshots.js";
import type { EngineStats } from "../engine/stats.js";
import type { Expectation } from "../expect/expectation.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ConnTable } from "../table/conn-table.js";
import type { ContextHost } from "./contexts.js";
import { DestroyCtx, ExpiryCtx, HookLogger, MatchCtx, PacketCtx, RelateCtx, StateCtx } from "./contexts.js";
import { ConnView, type ViewSource } from "./connection-view.js";
import type { HelperSet } from "./helper-set.js";
import { HelperVerdict, type RelateAnswer } from "./types.js";

/** What a hook's failure does to its packet. */
export type HelperErrorVerdict = "accept" | "drop";

/** No state made yet for a slot (distinct from a helper whose state is `undefined`). */
const NO_STATE: unique symbol = Symbol("no helper state");

/** What {@link HelperHost.runPacket} answers besides ACCEPT (0): the reason the packet is dropped. */
export const HELPER_ACCEPT = 0;

/**
 * Runs helper hooks for the engine and keeps what helpers keep per
 * connection: their state and the options of the rule that attached them.
 * Every call into a helper is contained: a throw, or an answer of the
 * wrong type, is counted and reported as a `helper-error` event and never
 * changes how other packets are tracked.
 */
export class HelperHost {
  private readonly states: unknown[] = [];
  private readonly options: unknown[] = [];
  private readonly logger: HookLogger;
  private readonly view: ConnView;
  private readonly packetCtx: PacketCtx;
  private readonly stateCtx: StateCtx;
  private readonly destroyCtx: DestroyCtx;
  private readonly relateCtx: RelateCtx;
  /** Views handed to relation hooks during the current call (to check what they answer). */
  private readonly quoteViews: ConnView[] = [];
  /**
   * Payload and destroy hooks running now. A hook may destroy another
   * connection (`killConnection`), whose helper's destroy hook then runs
   * inside it: that one gets contexts of its own, so the outer hook's
   * reused context and view stay as they were.
   */
  private depth = 0;

  constructor(
    private readonly helpers: HelperSet,
    private readonly table: ConnTable,
    private readonly views: ViewSource,
    private readonly events: EventHub,
    private readonly snapshots: Snapshots,
    private readonly stats: EngineStats,
    private readonly errorVerdict: HelperErrorVerdict,
    private readonly host: ContextHost,
  ) {
    this.logger = new HookLogger(host);
    this.view = new ConnView(views);
    this.packetCtx = new PacketCtx(host, this.view, this.logger);
    this.stateCtx = new StateCtx(host, this.view, this.logger);
    this.destroyCtx = new DestroyCtx(host, this.view, this.logger);
    this.relateCtx = new RelateCtx(host, this.logger);
  }

  /** Attaches helper `indexPlusOne` (0: none) to slot `s`, with the options of the rule that chose it. */
  attach(s: number, indexPlusOne: number, options: unknown): void {
    this.table.setHelper(s, indexPlusOne);
    this.states[s] = NO_STATE;
    this.options[s] = options;
  }

  /** The helper's state for slot `s`, or undefined. */
  stateOf(s: number): unknown {
    const v = this.states[s];
    return v === NO_STATE ? undefined : v;
  }

  /** Forgets what helpers kept for slot `s` (it is being released). */
  forget(s: number): void {
    if (s < this.states.length) {
      this.states[s] = NO_STATE;
      this.options[s] = undefined;
    }
  }

  /**
   * Runs the payload hook of slot `s`'s helper for packet `p`. Returns
   * HELPER_ACCEPT, or the `Reason` the packet must be dropped for.
   */
  runPacket(s: number, dir: number, state: PacketState, p: ParsedPacket): number {
    const index = this.table.helper(s) - 1;
    const helper = this.helpers.list[index]!;
    // A helper with neither state nor a payload hook has nothing to do per packet.
    if (helper.onPacket === undefined && (helper.createState === undefined || this.states[s] !== NO_STATE)) return HELPER_ACCEPT;
    const now = this.views.time[0]!;
    const id = this.table.id(s);
    this.view.bind(s);
    this.logger.helper = index;
    this.logger.connectionId = id;
    let verdict: unknown;
    try {
      let data = this.states[s];
      if (data === NO_STATE) {
        data = undefined;
        if (helper.createState !== undefined) {
          const sc = this.stateCtx;
          sc.now = now;
          sc.options = this.options[s];
          data = helper.createState(sc);
        }
        this.states[s] = data;
      }
      // State is made on the connection's first packet even without a payload hook: the lifecycle hooks see it.
      if (helper.onPacket === undefined) return HELPER_ACCEPT;
      const ctx = this.packetCtx;
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
      ctx.data = data;
      ctx.options = this.options[s];
      ctx.slot = s;
      ctx.helper = index;
      ctx.packet = p;
      this.depth++;
      try {
        verdict = helper.onPacket(ctx);
      } finally {
        this.depth--;
      }
    } catch (error) {
      this.failed(index, id, error);
      return this.errorVerdict === "drop" ? ReasonCode.HELPER_ERROR : HELPER_ACCEPT;
    }
    if (verdict === undefined || verdict === HelperVerdict.ACCEPT) return HELPER_ACCEPT;
    if (verdict === HelperVerdict.DROP) return ReasonCode.HELPER_DROP;
    if (verdict === HelperVerdict.PARTIAL) return helper.onPartialMatch === "accept" ? HELPER_ACCEPT : ReasonCode.HELPER_PARTIAL;
    this.failed(index, id, new TypeError(`onPacket returned ${describe(verdict)}, not a HelperVerdict`));
    return this.errorVerdict === "drop" ? ReasonCode.HELPER_ERROR : HELPER_ACCEPT;
  }

  /** Tells slot `s`'s helper its connection is going (before the slot is released). */
  destroyed(s: number, why: ConnectionEnd): void {
    const index = this.table.helper(s) - 1;
    if (index < 0) return;
    const helper = this.helpers.list[index]!;
    if (helper.onConnectionDestroyed === undefined) return;
    const id = this.table.id(s);
    const nested = this.depth > 0;
    const outerHelper = this.logger.helper;
    const outerId = this.logger.connectionId;
    this.logger.helper = index;
    this.logger.connectionId = id;
    const ctx = nested ? new DestroyCtx(this.host, new ConnView(this.views).bind(s), this.logger) : this.destroyCtx;
    if (!nested) this.view.bind(s);
    ctx.now = this.views.time[0]!;
    ctx.data = this.stateOf(s);
    ctx.reason = why;
    ctx.slot = s;
    this.depth++;
    try {
      helper.onConnectionDestroyed(ctx);
    } catch (error) {
      this.failed(index, id, error);
    } finally {
      this.depth--;
      if (nested) {
        this.logger.helper = outerHelper;
        this.logger.connectionId = outerId;
      }
    }
  }

  /** Runs the `onExpectationMatched` hook of `e`'s creator for new connection `s`. */
  matched(e: Expectation, s: number): void {
    const helper = this.helpers.list[e.helper]!;
    if (helper.onExpectationMatched === undefined) return;
    const t = this.table;
    const master = t.holds(e.master, e.masterId) ? new ConnView(this.views).bind(e.master) : null;
    this.logger.helper = e.helper;
    this.logger.connectionId = t.id(s);
    const ctx = new MatchCtx(
      this.host,
      s,
      this.views.time[0]!,
      this.logger,
      this.snapshots.expectation(e),
      new ConnView(this.views).bind(s),
      master,
      master === null ? undefined : this.stateOf(e.master),
    );
    try {
      helper.onExpectationMatched(ctx);
    } catch (error) {
      this.failed(e.helper, t.id(s), error);
    }
  }

  /** Runs the `onExpectationExpired` hook of `e`'s creator. */
  expired(e: Expectation): void {
    const helper = this.helpers.list[e.helper]!;
    if (helper.onExpectationExpired === undefined) return;
    const t = this.table;
    const alive = t.holds(e.master, e.masterId);
    this.logger.helper = e.helper;
    this.logger.connectionId = e.masterId;
    const ctx = new ExpiryCtx(
      this.host,
      this.views.time[0]!,
      this.logger,
      this.snapshots.expectation(e),
      alive ? new ConnView(this.views).bind(e.master) : null,
      alive ? this.stateOf(e.master) : undefined,
    );
    try {
      helper.onExpectationExpired(ctx);
    } catch (error) {
      this.failed(e.helper, e.masterId, error);
    }
  }

  /** A view for a connection found by a relation hook's quote lookup (remembered to check the answer). */
  quoteView(s: number): ConnView {
    const v = new ConnView(this.views).bind(s);
    this.quoteViews.push(v);
    return v;
  }

  /**
   * Asks the relation hooks about packet `p` (an ICMP error), in
   * registration order. Returns `slot << 1 | dir` for RELATED, or `-reason`
   * for INVALID.
   */
  relate(p: ParsedPacket, zone: number): number {
    const ctx = this.relateCtx;
    ctx.bytes = p.bytes;
    ctx.family = p.family;
    ctx.protocol = p.protocol;
    ctx.icmpType = p.icmpType;
    ctx.icmpCode = p.icmpCode;
    ctx.l4Offset = p.l4Offset;
    ctx.l4Length = p.l4Length;
    const layout = this.views.trackers.get(p.protocol).natError;
    ctx.quoteOffset = layout !== undefined ? layout.quoteAt(p) : p.l4Offset + 8;
    ctx.src = p.src;
    ctx.dst = p.dst;
    ctx.zone = zone;
    ctx.now = this.views.time[0]!;
    for (const i of this.helpers.relaters) {
      this.quoteViews.length = 0;
      this.logger.helper = i;
      this.logger.connectionId = 0;
      let answer: RelateAnswer | undefined;
      let ref: number | undefined;
      // Reading the answer runs the helper's code too (getters, proxy traps): it is inside the containment.
      try {
        answer = this.helpers.list[i]!.relate!(ctx);
        if (answer === undefined) continue;
        ref = this.readAnswer(answer);
      } catch (error) {
        this.failed(i, 0, error);
        continue;
      }
      if (ref !== undefined) return ref;
      this.failed(i, 0, new TypeError(`relate returned ${describe(answer)}: answer { related: <a view from findQuoted>, direction: 0 | 1 } or { invalid: <Reason> }`));
    }
    this.quoteViews.length = 0;
    return -ReasonCode.ICMP_ERROR_UNRELATED;
  }

  /**
   * A relation answer as a reference (`slot << 1 | dir`, or `-reason`), or
   * undefined when it is not one the engine gave out: the view must be one
   * findQuoted handed out during this call, the direction exactly 0 or 1,
   * the reason a known `Reason` code. Each field is read once.
   */
  private readAnswer(answer: RelateAnswer): number | undefined {
    if (answer === null || typeof answer !== "object") return undefined;
    if ("related" in answer) {
      const v: unknown = answer.related;
      const dir: unknown = answer.direction;
      if (v instanceof ConnView && this.quoteViews.includes(v) && v.bound && (dir === 0 || dir === 1)) return (v.slot << 1) | dir;
    } else if ("invalid" in answer) {
      const reason: unknown = answer.invalid;
      if (typeof reason === "number" && Number.isInteger(reason) && reason > 0 && reason < this.stats.byReason.length) return -reason;
    }
    return undefined;
  }

  /** Counts and reports a helper's failure. */
  failed(index: number, connectionId: number, error: unknown): void {
    this.stats.helperErrors++;
    if ((this.events.wanted & EventBit["helper-error"]) !== 0) {
      this.events.emit(EventBit["helper-error"], {
        type: "helper-error",
        ts: this.views.time[0]!,
        helper: this.helpers.names[index] ?? `#${index}`,
        connectionId,
        error,
      });
    }
  }
}

/** A short description of an unexpected value for error messages (never throws, even on a revoked proxy). */
function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.slice(0, 40));
  if (typeof v !== "object") return typeof v === "symbol" ? "a symbol" : String(v);
  try {
    return Array.isArray(v) ? "an array" : "an object of the wrong shape";
  } catch {
    return "a revoked proxy";
  }
}
