import { PacketState, Reason, type Engine, type EngineEvent } from "@alg-sdk/core";
import { NOT_DECIDED, type RulesPolicy } from "@alg-sdk/rules";
import type { PacketInput } from "../capture/packet-input.js";
import type { EgressCapture } from "../output/egress-capture.js";
import type { EventTap } from "./event-tap.js";
import { PacketOutcome } from "./outcome.js";
import type { ReplaySink } from "./sink.js";
import type { RunCounts } from "./summary.js";

const HOLD = 2;
const DROP = 1;
/** PacketOutcome.rule for a packet conntrack dropped (before or after the filter). */
const CONNTRACK = -2;

/** What the replay loop works with besides the engine. */
export interface ReplayerParts {
  readonly zone: number;
  readonly tap: EventTap;
  readonly sink: ReplaySink;
  readonly counts: RunCounts;
  /** The `--rules` policy the engine runs, to read what it decided; null without `--rules`. */
  readonly rules: RulesPolicy | null;
  /** `--write`: where packets go as they leave; null without it. */
  readonly egress: EgressCapture | null;
}

/**
 * Turns IP packets into engine calls and sink calls: `engine.processRange`
 * (which runs the rules: NAT and the filter) → events → what the rules
 * decided → `--write` → sink. Synchronous and allocation-free per packet on
 * the common path.
 */
export class Replayer {
  private readonly outcome: PacketOutcome;
  /** Connection ids only grow: a packet with a higher one than all before created its connection. */
  private newestConnection = 0;
  /** NAT may rewrite the packet in place: a sink that prints tuples reads them first. */
  private readonly decodeBeforeEngine: boolean;
  /** The rules have a filter (filter rules or a policy line): packets carry its verdict. */
  private readonly filtering: boolean;

  constructor(
    private readonly engine: Engine,
    private readonly parts: ReplayerParts,
  ) {
    this.outcome = new PacketOutcome(engine);
    const rules = parts.rules;
    const translates = rules !== null && (rules.destinationNat !== undefined || rules.sourceNat !== undefined);
    this.decodeBeforeEngine = translates && parts.sink.showsTuples;
    this.filtering = rules?.filter !== undefined;
  }

  /** Tracks one IP packet (called by the capture reader, in capture order). */
  packet(input: PacketInput): void {
    const { counts, rules, egress } = this.parts;
    const ts = input.tsSeconds;
    if (counts.firstTs === null) counts.firstTs = ts;
    counts.lastTs = ts;
    const o = this.outcome;
    o.reset(input.bytes, input.offset, input.length);
    if (this.decodeBeforeEngine) o.tuple();
    rules?.forget();
    // Time goes in through engine.time: a float argument would be boxed per call.
    this.engine.time[0] = ts;
    const r = this.engine.processRange(input.bytes, input.offset, input.length, undefined, this.parts.zone);
    o.placed(r.slot);
    o.index = input.index;
    o.ts = ts;
    o.tsSec = input.tsSec;
    o.tsNanos = input.tsNanos;
    o.state = r.state;
    o.direction = r.direction;
    o.expected = r.expected;
    o.helper = r.helper;
    o.verdict = r.verdict;
    o.reason = r.reason;
    o.dropReason = r.dropReason;
    o.connectionId = r.connectionId;
    o.expectationId = r.expectationId;
    o.outBytes = r.outBytes;
    o.outOffset = r.outOffset;
    o.outLength = r.outLength;
    o.translated = r.translated;
    o.rewrites = r.rewrites;
    o.newConnection = r.slot >= 0 && r.connectionId > this.newestConnection;
    if (o.newConnection) this.newestConnection = r.connectionId;
    if (r.translated) counts.translated++;
    counts.rewrites += r.rewrites;
    const events = this.parts.tap.take();
    if (this.filtering && o.verdict !== HOLD) this.judged(o, rules!, events);
    // Before the sink and the next packet: the engine may reuse the buffer of a rewritten datagram.
    if (egress !== null && r.outBytes !== null) egress.packet(r.outBytes, r.outOffset, r.outLength, input.tsSec, input.tsNanos);
    this.parts.sink.packet(o, events);
  }

  /** A record without an IP packet. */
  skipped(index: number, ts: number, reason: "not-ip" | "link-error", detail: string): void {
    const counts = this.parts.counts;
    if (counts.firstTs === null) counts.firstTs = ts;
    counts.lastTs = ts;
    if (reason === "not-ip") counts.notIp++;
    else counts.linkErrors++;
    this.parts.sink.skipped(index, ts, reason, detail);
  }

  /** Events of the final expiry sweep at the last packet's time, so the tables show what Linux would list then. */
  finish(): void {
    if (this.parts.counts.lastTs === null) return;
    const at = this.parts.counts.lastTs;
    const events = this.parts.tap.during(() => this.engine.expire(at));
    if (events.length > 0) this.parts.sink.events(events);
  }

  /** Reads what the engine's run of the filter decided, and counts the doors it opened. */
  private judged(o: PacketOutcome, rules: RulesPolicy, events: readonly EngineEvent[]): void {
    if (o.verdict === DROP && o.dropReason !== Reason.FILTERED) {
      // Conntrack dropped it: before any filter rule could see it, or after (a helper's drop).
      o.fw = "drop";
      o.rule = CONNTRACK;
      return;
    }
    const decided = rules.last.filter;
    if (decided === NOT_DECIDED) return;
    o.rule = decided;
    o.fw = rules.verdictOf(decided);
    o.ruleLine = rules.lineOf(decided);
    if (o.fw !== "accept") return;
    const counts = this.parts.counts;
    if (o.state === PacketState.NEW) counts.newAccepted[decided < 0 ? counts.newAccepted.length - 1 : decided]!++;
    if (o.expectationId !== 0) {
      const helper = helperOfExpectation(o.expectationId, events) ?? "?";
      counts.relatedPassedByHelper.set(helper, (counts.relatedPassedByHelper.get(helper) ?? 0) + 1);
      counts.relatedPassedRules.add(decided);
    }
  }
}

/** The helper that created expectation `id`, from the "matched" event of the same packet. */
function helperOfExpectation(id: number, events: readonly EngineEvent[]): string | undefined {
  for (const e of events) if (e.type === "expect-destroy" && e.expectation.id === id) return e.expectation.helper;
  return undefined;
}
