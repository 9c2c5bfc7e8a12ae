import { PacketState, type Engine, type EngineEvent } from "@alg-sdk/core";
import type { PacketInput } from "../capture/packet-input.js";
import type { Firewall } from "../rules/evaluate.js";
import type { EventTap } from "./event-tap.js";
import { PacketOutcome } from "./outcome.js";
import type { ReplaySink } from "./sink.js";
import type { RunCounts } from "./summary.js";

const HOLD = 2;
const DROP = 1;

/**
 * Turns IP packets into engine calls and sink calls: `engine.processRange`
 * → events → firewall → sink. Synchronous and allocation-free per packet
 * on the common path.
 */
export class Replayer {
  private readonly outcome: PacketOutcome;

  constructor(
    private readonly engine: Engine,
    private readonly zone: number,
    private readonly tap: EventTap,
    private readonly sink: ReplaySink,
    private readonly counts: RunCounts,
    private readonly firewall: Firewall | null,
  ) {
    this.outcome = new PacketOutcome(engine);
  }

  /** Tracks one IP packet (called by the capture reader, in capture order). */
  packet(input: PacketInput): void {
    const counts = this.counts;
    const ts = input.tsSeconds;
    if (counts.firstTs === null) counts.firstTs = ts;
    counts.lastTs = ts;
    // Time goes in through engine.time: a float argument would be boxed per call.
    this.engine.time[0] = ts;
    const r = this.engine.processRange(input.bytes, input.offset, input.length, undefined, this.zone);
    const o = this.outcome;
    o.reset(input.bytes, input.offset, input.length, r.slot);
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
    o.connectionId = r.connectionId;
    o.expectationId = r.expectationId;
    const events = this.tap.take();
    if (this.firewall !== null && o.verdict !== HOLD) this.judge(o, events);
    this.sink.packet(o, events);
  }

  /** A record without an IP packet. */
  skipped(index: number, ts: number, reason: "not-ip" | "link-error", detail: string): void {
    const counts = this.counts;
    if (counts.firstTs === null) counts.firstTs = ts;
    counts.lastTs = ts;
    if (reason === "not-ip") counts.notIp++;
    else counts.linkErrors++;
    this.sink.skipped(index, ts, reason, detail);
  }

  /** Events of the final expiry sweep at the last packet's time, so the tables show what Linux would list then. */
  finish(): void {
    if (this.counts.lastTs === null) return;
    const at = this.counts.lastTs;
    const events = this.tap.during(() => this.engine.expire(at));
    if (events.length > 0) this.sink.events(events);
  }

  private judge(o: PacketOutcome, events: readonly EngineEvent[]): void {
    const fw = this.firewall!;
    if (o.verdict === DROP) {
      // Conntrack dropped it before any filter rule could see it.
      o.fw = "drop";
      return;
    }
    if (fw.needsTuple) o.tuple();
    o.rule = fw.decide(o);
    o.fw = fw.verdictOf(o.rule);
    o.ruleLine = fw.lineOf(o.rule);
    if (o.fw !== "accept") return;
    const counts = this.counts;
    if (o.state === PacketState.NEW) counts.newAccepted[o.rule < 0 ? counts.newAccepted.length - 1 : o.rule]!++;
    if (o.expectationId !== 0) {
      const helper = helperOfExpectation(o.expectationId, events) ?? "?";
      counts.relatedPassedByHelper.set(helper, (counts.relatedPassedByHelper.get(helper) ?? 0) + 1);
      counts.relatedPassedRules.add(o.rule);
    }
  }
}

/** The helper that created expectation `id`, from the "matched" event of the same packet. */
function helperOfExpectation(id: number, events: readonly EngineEvent[]): string | undefined {
  for (const e of events) if (e.type === "expect-destroy" && e.expectation.id === id) return e.expectation.helper;
  return undefined;
}
