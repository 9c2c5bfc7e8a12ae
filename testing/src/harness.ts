import {
  createEngine,
  type Engine,
  type EngineEvent,
  type EngineOptions,
  type ExpectationEnd,
  type ExpectationInfo,
  type PacketResult,
  type PacketStateName,
} from "@alg-sdk/core";
import type { TestPacket } from "./packet.js";

/** What the engine said about one packet, copied out of its reused result object. */
export interface PacketRecord {
  /** Position in the harness's whole run (0-based). */
  readonly index: number;
  readonly ts: number;
  /** "NEW", "ESTABLISHED", "RELATED", "INVALID" or "UNTRACKED". */
  readonly state: PacketStateName;
  readonly direction: "original" | "reply" | null;
  /** "accept", "drop" or "hold". */
  readonly verdict: string;
  /** Why the packet is INVALID or dropped ("helper-partial", "tcp-seq-over-window", …), or null. */
  readonly reason: string | null;
  /** The connection came from an expectation. */
  readonly expected: boolean;
  /** Helper attached to the connection, or null. */
  readonly helper: string | null;
  /** Id of the expectation this packet consumed, or 0. */
  readonly expectationId: number;
  readonly connectionId: number;
}

/** Something {@link runPackets} and {@link HelperHarness.run} accept. */
export type PacketInput = TestPacket | Uint8Array;

/** An `expect-destroy` event, flattened. */
export interface DestroyedExpectation {
  readonly expectation: ExpectationInfo;
  readonly reason: ExpectationEnd;
  readonly ts: number;
}

/** Copies the fields of a result the engine will overwrite with the next packet. */
export function recordOf(r: PacketResult, index: number, ts: number): PacketRecord {
  return {
    index,
    ts,
    state: r.stateName as PacketStateName,
    direction: r.directionName,
    verdict: r.verdictName,
    reason: r.reasonName,
    expected: r.expected,
    helper: r.helper,
    expectationId: r.expectationId,
    connectionId: r.connectionId,
  };
}

function isTestPacket(p: PacketInput): p is TestPacket {
  return !(p instanceof Uint8Array);
}

/**
 * Runs packets through `engine` in order and returns one record per packet.
 * A bare `Uint8Array` is processed at the time of the packet before it (0 for the first).
 *
 * @param startIndex - index given to the first record (to continue a numbering).
 */
export function runPackets(engine: Engine, packets: Iterable<PacketInput> | PacketInput, startIndex = 0): PacketRecord[] {
  const list = packets instanceof Uint8Array || isSingle(packets) ? [packets as PacketInput] : packets;
  const out: PacketRecord[] = [];
  let ts = 0;
  let i = startIndex;
  for (const p of list) {
    let bytes: Uint8Array;
    if (isTestPacket(p)) {
      bytes = p.bytes;
      ts = p.ts;
    } else bytes = p;
    out.push(recordOf(engine.process(bytes, ts), i++, ts));
  }
  return out;
}

function isSingle(p: Iterable<PacketInput> | PacketInput): p is TestPacket {
  return typeof p === "object" && p !== null && "bytes" in p && "ts" in p;
}

/** {@link helperHarness} options: every engine option (helpers, attach rules, timeouts, …). */
export type HarnessOptions = EngineOptions;

/**
 * A real engine plus a recorder of everything it reports, for testing a
 * helper in isolation.
 *
 * ```ts
 * const h = helperHarness({ helpers: [myHelper()] });
 * h.run(conversation.packets);
 * expect(h.last?.verdict).toBe("accept");
 * expect(h.expectations()).toHaveLength(1);
 * ```
 */
export class HelperHarness {
  readonly engine: Engine;
  /** One record per packet run, in order. */
  readonly records: PacketRecord[] = [];
  /** Every event the engine emitted, in order. */
  readonly events: EngineEvent[] = [];
  private clock = 0;

  constructor(options: HarnessOptions = {}) {
    this.engine = createEngine(options);
    this.engine.on((e) => this.events.push(e));
  }

  /** Runs one packet or many; returns the records of these packets only. */
  run(packets: Iterable<PacketInput> | PacketInput): PacketRecord[] {
    const list = packets instanceof Uint8Array || isSingle(packets) ? [packets as PacketInput] : [...packets];
    const added: PacketRecord[] = [];
    for (const p of list) {
      const withTime: TestPacket = isTestPacket(p) ? p : { bytes: p, ts: this.clock };
      const [rec] = runPackets(this.engine, [withTime], this.records.length);
      this.clock = withTime.ts;
      this.records.push(rec!);
      added.push(rec!);
    }
    return added;
  }

  /** The record of the last packet run. */
  get last(): PacketRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /** Expectations pending now. */
  expectations(): ExpectationInfo[] {
    return [...this.engine.pendingExpectations()];
  }

  /** Every expectation created so far (the `expect-new` events), pending or not. */
  created(): ExpectationInfo[] {
    const out: ExpectationInfo[] = [];
    for (const e of this.events) if (e.type === "expect-new") out.push(e.expectation);
    return out;
  }

  /** Every expectation removed so far, with why (matched, timeout, evicted, …). */
  destroyed(): DestroyedExpectation[] {
    const out: DestroyedExpectation[] = [];
    for (const e of this.events) if (e.type === "expect-destroy") out.push({ expectation: e.expectation, reason: e.reason, ts: e.ts });
    return out;
  }

  /** Events of one type. */
  eventsOf<T extends EngineEvent["type"]>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  }

  /** Moves the engine's time to `ts`, removing what expired (expectations, connections). */
  expire(ts: number): void {
    this.clock = ts;
    this.engine.expire(ts);
  }
}

/** Creates a {@link HelperHarness}. */
export function helperHarness(options?: HarnessOptions): HelperHarness {
  return new HelperHarness(options);
}
