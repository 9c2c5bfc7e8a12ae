import { reasonName, type EngineEvent } from "@alg-sdk/core";
import type { PacketOutcome } from "../replay/outcome.js";
import type { ReplaySink, RunInfo, Tables } from "../replay/sink.js";
import type { Summary } from "../replay/summary.js";
import { jsonConnection, jsonEvent, jsonExpectation } from "./json-shapes.js";
import { encode, putBytes, putHex, putUint, TimestampWriter } from "./bytes.js";
import type { BufferedWriter } from "./writer.js";

// The packet object in pre-encoded pieces. Everything between "ts" and
// the connection id depends on a handful of small values, so it is encoded
// once per combination and copied (see \`middle\`).
const P_INDEX = encode('{"type":"packet","index":');
const STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"];
const DIRS = ["null", '"original"', '"reply"'];
const VERDICTS = ["accept", "drop"];
const NULL = encode("null");
const END = encode("}\n");
const OUT = encode(',"out":"');
const OUT_END = encode('"}\n');
const OUT_NULL = encode(',"out":null}\n');
const H_INDEX = encode('{"type":"held","index":');
const H_END = encode(',"conn":null}\n');
const H_END_OUT = encode(',"conn":null,"out":null}\n');
/** Room for one packet object (helper names are short; longer ones go through the slow path). */
const LINE = 512;

/**
 * `--format jsonl`: one JSON object per line. The packet object is the
 * contract in docs/cli.md:
 *
 * `{"type":"packet","index":0,"ts":1795581213.931746,"state":"NEW","dir":"original","expected":false,"helper":"ftp","verdict":"accept","reason":null,"conn":1}`
 *
 * plus `"fw"` and `"rule"` with filter rules, and `"out"` (the datagram as it
 * leaves, in hex; null when dropped or held) with `--emit-bytes`. A fragment held for reassembly is
 * `{"type":"held",…}` (never a packet object: its state is the datagram's,
 * reported with the fragment that completes it). Packet lines are written
 * into the output buffer from pre-encoded pieces, not with JSON.stringify:
 * this runs once per packet and must cost less than tracking the packet.
 */
export class JsonlSink implements ReplaySink {
  readonly showsTuples = false;
  private readonly ts = new TimestampWriter(',"ts":');
  /** Helper names seen, numbered from 1 (0: no helper). */
  private readonly helperIds = new Map<string, number>();
  private readonly middles = new Map<number, Uint8Array>();
  private readonly tails = new Map<number, Uint8Array>();

  constructor(
    private readonly out: BufferedWriter,
    private readonly options: { readonly packets: boolean; readonly tables: boolean; readonly emitBytes: boolean },
  ) {}

  begin(_info: RunInfo): void {}

  packet(p: PacketOutcome, events: readonly EngineEvent[]): void {
    let after = events;
    if (events.length > 0) after = this.eventsBefore(events);
    if (this.options.packets) this.line(p);
    for (const e of after) this.out.write(`${JSON.stringify(jsonEvent(e))}\n`);
  }

  private line(p: PacketOutcome): void {
    const out = this.out;
    const bytes = this.options.emitBytes;
    // Two hex digits per byte of the datagram, when it is printed.
    out.reserve(LINE + (bytes && p.outBytes !== null ? 2 * p.outLength : 0));
    const b = out.buf;
    let q = out.pos;
    if (p.verdict === 2) {
      q = putBytes(b, q, H_INDEX);
      q = putUint(b, q, p.index);
      q = this.ts.put(b, q, p.tsSec, p.tsNanos);
      out.pos = putBytes(b, q, bytes ? H_END_OUT : H_END);
      return;
    }
    q = putBytes(b, q, P_INDEX);
    q = putUint(b, q, p.index);
    q = this.ts.put(b, q, p.tsSec, p.tsNanos);
    q = putBytes(b, q, this.middle(p));
    q = p.connectionId === 0 ? putBytes(b, q, NULL) : putUint(b, q, p.connectionId);
    if (p.fw !== null) q = putBytes(b, q, this.tail(p.fw, p.ruleLine));
    if (!bytes) {
      out.pos = putBytes(b, q, END);
    } else if (p.outBytes === null) {
      out.pos = putBytes(b, q, OUT_NULL);
    } else {
      q = putBytes(b, q, OUT);
      q = putHex(b, q, p.outBytes, p.outOffset, p.outLength);
      out.pos = putBytes(b, q, OUT_END);
    }
  }

  /** `,"state":…,"dir":…,"expected":…,"helper":…,"verdict":…,"reason":…,"conn":` for this packet's values. */
  private middle(p: PacketOutcome): Uint8Array {
    let helper = 0;
    if (p.helper !== null) {
      helper = this.helperIds.get(p.helper) ?? 0;
      if (helper === 0) this.helperIds.set(p.helper, (helper = this.helperIds.size + 1));
    }
    const key = ((((p.state * 3 + p.direction + 1) * 2 + (p.expected ? 1 : 0)) * 2 + p.verdict) * 256 + p.reason) * 1024 + helper;
    const cacheable = helper < 1024;
    let m = cacheable ? this.middles.get(key) : undefined;
    if (m === undefined) {
      const text =
        `,"state":"${STATES[p.state]}","dir":${DIRS[p.direction + 1]},"expected":${p.expected}` +
        `,"helper":${p.helper === null ? "null" : JSON.stringify(p.helper)},"verdict":"${VERDICTS[p.verdict]}"` +
        `,"reason":${p.reason === 0 ? "null" : JSON.stringify(reasonName(p.reason))},"conn":`;
      m = new TextEncoder().encode(text);
      if (cacheable) this.middles.set(key, m);
    }
    return m;
  }

  /** `,"fw":"accept","rule":12`. */
  private tail(fw: "accept" | "drop", line: number | null): Uint8Array {
    const key = ((line ?? -1) + 1) * 2 + (fw === "drop" ? 1 : 0);
    let t = this.tails.get(key);
    if (t === undefined) this.tails.set(key, (t = encode(`,"fw":"${fw}","rule":${line ?? "null"}`)));
    return t;
  }

  skipped(index: number, ts: number, reason: string, detail: string): void {
    if (this.options.packets) out(this.out, { type: "skipped", index, ts, reason, detail });
  }

  events(events: readonly EngineEvent[]): void {
    for (const e of events) out(this.out, jsonEvent(e));
  }

  end(summary: Summary, tables: Tables | null): void {
    if (tables !== null) {
      for (const c of tables.connections()) out(this.out, { type: "connection", ...jsonConnection(c) });
      for (const e of tables.expectations()) out(this.out, { type: "expectation", ...jsonExpectation(e) });
    }
    out(this.out, { type: "summary", ...summary });
  }

  /** Writes the expiry events (they happened before the packet, as time moved) and returns the rest. */
  private eventsBefore(events: readonly EngineEvent[]): readonly EngineEvent[] {
    const rest: EngineEvent[] = [];
    for (const e of events) {
      if (e.type === "expect-destroy" && e.reason === "timeout") out(this.out, jsonEvent(e));
      else rest.push(e);
    }
    return rest;
  }
}

function out(w: BufferedWriter, value: unknown): void {
  w.write(`${JSON.stringify(value)}\n`);
}
