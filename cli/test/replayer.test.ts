import { Writable } from "node:stream";
import { PacketResult, type ConnectionInfo, type Engine, type EngineEvent, type TupleInfo } from "@alg-sdk/core";
import { compileRules } from "@alg-sdk/rules";
import { tcp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { PacketInput } from "../src/capture/packet-input.js";
import { HumanReplaySink } from "../src/output/human.js";
import { JsonlSink } from "../src/output/jsonl.js";
import { BufferedWriter } from "../src/output/writer.js";
import { EventTap } from "../src/replay/event-tap.js";
import { Replayer } from "../src/replay/replayer.js";
import type { ReplaySink } from "../src/replay/sink.js";
import { newRunCounts } from "../src/replay/summary.js";

// The replay loop against an engine that translates the way core's NAT will (its SNAT rewrites the
// packet in place, a payload rewrite leaves from a buffer of its own): what the CLI does with a
// translated packet is tested here, whatever state core's NAT is in.

const tuple = (src: string, sport: number, dst: string, dport: number): TupleInfo => ({ family: 4, protocol: 6, protocolName: "tcp", src, dst, srcPort: sport, dstPort: dport });

/** SNAT of 10.0.1.2 to 10.0.2.100 on connection 1 (slot 0), every packet; packet 1 also "rewrites" its payload into a longer copy. */
/** The datagram a scripted result hands out (the engine's own results compute it from the decoded packet). */
function handOut(r: PacketResult, bytes: Uint8Array, offset: number, length: number): void {
  Object.defineProperties(r, {
    outBytes: { value: bytes, configurable: true },
    outOffset: { value: offset, configurable: true },
    outLength: { value: length, configurable: true },
  });
}

class TranslatingEngine {
  readonly time = new Float64Array(1);
  readonly result = new PacketResult();
  private readonly listeners: ((e: EngineEvent) => void)[] = [];
  private readonly grown = new Uint8Array(2048);
  private packets = 0;

  on(listener: (e: EngineEvent) => void): () => void {
    this.listeners.push(listener);
    return () => undefined;
  }

  processRange(bytes: Uint8Array, offset: number, length: number): PacketResult {
    const r = this.result;
    r.reset();
    const n = this.packets++;
    r.state = n === 0 ? 0 : 1;
    r.direction = 0;
    r.slot = 0;
    r.connectionId = 1;
    r.translated = true;
    bytes.set([10, 0, 2, 100], offset + 12);
    if (n === 1) {
      this.grown.set(bytes.subarray(offset, offset + length), 0);
      this.grown.set([0x21, 0x21], length);
      handOut(r, this.grown, 0, length + 2);
      r.rewrites = 1;
      for (const l of this.listeners) {
        l({ type: "payload-rewrite", ts: 1, connectionId: 1, helper: "ftp", direction: 0, seq: 1, offset: 0, before: "1,2", after: "2,100" });
      }
    } else {
      handOut(r, bytes, offset, length);
    }
    return r;
  }

  connection(slot: number): ConnectionInfo | null {
    if (slot !== 0) return null;
    return { id: 1, original: tuple("10.0.1.2", 40000, "10.0.2.2", 21), reply: tuple("10.0.2.2", 21, "10.0.2.100", 40000) } as ConnectionInfo;
  }

  expire(): void {}
}

function collector() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

/** Replays two SYN/ACK-ish packets of one connection through the translating engine into `sink`. */
function replay(makeSink: (out: BufferedWriter) => ReplaySink, rulesText: string) {
  const engine = new TranslatingEngine() as unknown as Engine;
  const out = collector();
  const writer = new BufferedWriter(out.stream);
  const sink = makeSink(writer);
  const counts = newRunCounts(1);
  const rules = compileRules(rulesText);
  const replayer = new Replayer(engine, { zone: 0, tap: new EventTap(engine, "expectations"), sink, counts, rules, egress: null });
  sink.begin({ command: "replay", capture: "test", helpers: ["ftp"], rules: { file: "nat.rules", ruleset: rules.ruleset, filtering: rules.filter !== undefined } });
  const input = new PacketInput();
  const packets = [tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 21, flags: "S" }), tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 21, flags: "A", seq: 1 })];
  packets.forEach((bytes, i) => {
    // A capture record inside a larger chunk, as the reader hands them over.
    const chunk = new Uint8Array(bytes.length + 8);
    chunk.set(bytes, 8);
    Object.assign(input, { index: i, tsSeconds: 1 + i, tsSec: 1 + i, tsNanos: 0, bytes: chunk, offset: 8, length: bytes.length });
    replayer.packet(input);
  });
  return { writer, text: out.text, counts, packets };
}

describe("the replay of translated packets", () => {
  it("human: shows each packet as it arrived although NAT rewrote it in place, the translation once, each payload rewrite", async () => {
    const r = replay((out) => new HumanReplaySink(out, { packets: true, tableLimit: 10 }), "snat to 10.0.2.100");
    await r.writer.end();
    const lines = r.text().split("\n");
    expect(lines.filter((l) => /^\s+\d+\s+\d+\.\d{6}\s+tcp\s+10\.0\.1\.2:40000\s+10\.0\.2\.2:21\s/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => l.includes("10.0.2.100:40000"))).toEqual([]);
    expect(lines.filter((l) => l.trim().startsWith("= "))).toEqual(["        = snat: reply src=10.0.2.2 dst=10.0.2.100 sport=21 dport=40000"]);
    expect(lines.filter((l) => l.trim().startsWith("~ "))).toEqual(['        ~ ftp rewrote "1,2" as "2,100" at payload offset 0']);
    expect(lines[2]).toBe("  rules    nat.rules: 1 NAT rule, no filter");
    expect([r.counts.translated, r.counts.rewrites]).toEqual([2, 1]);
  });

  it("jsonl --emit-bytes: the datagram as it left, from whichever buffer the engine left it in", async () => {
    const r = replay((out) => new JsonlSink(out, { packets: true, tables: false, emitBytes: true }), "snat to 10.0.2.100");
    await r.writer.end();
    const [first, second] = r.text().trim().split("\n").map((l) => JSON.parse(l) as { out: string; fw?: string });
    const translated = (b: Uint8Array) => {
      const copy = Uint8Array.from(b);
      copy.set([10, 0, 2, 100], 12);
      return Buffer.from(copy).toString("hex");
    };
    expect(first!.out).toBe(translated(r.packets[0]!));
    expect(second!.out).toBe(`${translated(r.packets[1]!)}2121`);
    // NAT statements alone set no filter: no firewall fields.
    expect(first!.fw).toBeUndefined();
  });
});
