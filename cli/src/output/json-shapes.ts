import type { ConnectionInfo, EngineEvent, ExpectationInfo, TupleInfo } from "@alg-sdk/core";

/**
 * The JSON shapes of tuples, expectations and connections, shared by the
 * jsonl and json formats (documented in docs/cli.md). Ports are `sport` /
 * `dport` as in conntrack's output.
 */

export interface JsonTuple {
  family: 4 | 6;
  proto: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  icmp?: { type: number; code: number; id: number };
}

export function jsonTuple(t: TupleInfo): JsonTuple {
  const out: JsonTuple = { family: t.family, proto: t.protocolName, src: t.src, dst: t.dst, sport: t.srcPort, dport: t.dstPort };
  if (t.icmp) out.icmp = { ...t.icmp };
  return out;
}

/** Seconds with millisecond precision (timers are not more precise than that in any report). */
function seconds(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function jsonExpectation(e: ExpectationInfo) {
  return {
    id: e.id,
    tuple: jsonTuple(e.tuple),
    mask: { src: e.mask.src, dst: e.mask.dst, sport: e.mask.srcPort, dport: e.mask.dstPort },
    master: e.master === null ? null : jsonTuple(e.master.original),
    helper: e.helper,
    class: e.class,
    timeout: seconds(e.timeout),
  };
}

export function jsonConnection(c: ConnectionInfo) {
  return {
    id: c.id,
    zone: c.zone,
    original: jsonTuple(c.original),
    reply: jsonTuple(c.reply),
    state: c.protocolState || null,
    timeout: seconds(c.timeout),
    assured: c.assured,
    seenReply: c.seenReply,
    expected: c.expected,
    helper: c.helper,
    master: c.master === null ? null : jsonTuple(c.master.original),
    mark: c.mark,
  };
}

/** One engine event as a jsonl object (`type` first, then `ts`). */
export function jsonEvent(e: EngineEvent): Record<string, unknown> {
  switch (e.type) {
    case "expect-new":
      return { type: e.type, ts: e.ts, ...jsonExpectation(e.expectation) };
    case "expect-destroy":
      return { type: e.type, ts: e.ts, ...jsonExpectation(e.expectation), reason: e.reason };
    case "conn-new":
    case "conn-update":
      return { type: e.type, ts: e.ts, connection: jsonConnection(e.connection) };
    case "conn-destroy":
      return { type: e.type, ts: e.ts, connection: jsonConnection(e.connection), reason: e.reason };
    case "helper-error":
      return {
        type: e.type,
        ts: e.ts,
        helper: e.helper,
        connectionId: e.connectionId,
        error: e.error instanceof Error ? e.error.message : String(e.error),
      };
    case "helper-log":
      return { type: e.type, ts: e.ts, helper: e.helper, connectionId: e.connectionId, level: e.level, message: e.message };
    case "payload-rewrite":
      return {
        type: e.type,
        ts: e.ts,
        connectionId: e.connectionId,
        helper: e.helper,
        direction: e.direction === 0 ? "original" : "reply",
        seq: e.seq,
        offset: e.offset,
        before: e.before,
        after: e.after,
      };
  }
}
