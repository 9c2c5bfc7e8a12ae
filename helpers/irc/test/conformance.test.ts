import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEngine, type ExpectationInfo } from "@alg-sdk/core";
import { ircHelper } from "@alg-sdk/helper-irc";
import { readCapture } from "@alg-sdk/pcap";

function readPcap(file: Uint8Array): { linkType: number; records: { ts: number; bytes: Uint8Array }[] } {
  const records = [...readCapture(file)];
  return { linkType: records[0]?.linkType ?? -1, records: records.map((r) => ({ ts: r.tsSeconds, bytes: r.data })) };
}

/**
 * Replays the irc-dcc trace labelled by a Linux 6.18 router (IRC helper on
 * tcp/6667) and compares every packet's state, direction and EXPECTED
 * status, and every expectation created, with what Linux logged.
 */
const dir = (name: string) => fileURLToPath(new URL(`./fixtures/irc-dcc/${name}`, import.meta.url));

interface Label {
  readonly index: number;
  readonly label: string;
  readonly ct_dir: "original" | "reply" | null;
  readonly ct_expected: boolean;
  readonly step: string;
  /** Expectation events Linux logged with this packet. */
  readonly expect_events: readonly { readonly event: string }[] | null;
}

const labels: Label[] = readFileSync(dir("labels.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Label);

/**
 * `key=value` fields of the `[NEW]` lines of `conntrack -E expect`. The
 * ports after `mask-src`/`mask-dst` are the mask's, those after
 * `master-src`/`master-dst` the master's: they get that prefix.
 */
function linuxExpectations(): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const line of readFileSync(dir("expect.log"), "utf8").split("\n")) {
    const m = /\[NEW\]\s+(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const fields: Record<string, string> = { timeout: m[1]! };
    let section = "";
    for (const tok of m[2]!.split(/\s+/)) {
      const eq = tok.indexOf("=");
      if (eq < 0) continue;
      const key = tok.slice(0, eq);
      if (key.startsWith("mask-")) section = "mask-";
      else if (key.startsWith("master-")) section = "master-";
      fields[key === "sport" || key === "dport" ? section + key : key] = tok.slice(eq + 1);
    }
    out.push(fields);
  }
  return out;
}

/** The same fields for one of our expectations. */
function ours(e: ExpectationInfo): Record<string, string> {
  return {
    timeout: String(e.timeout),
    proto: String(e.tuple.protocol),
    src: e.tuple.src,
    dst: e.tuple.dst,
    sport: String(e.tuple.srcPort),
    dport: String(e.tuple.dstPort),
    "mask-src": e.mask.src,
    "mask-dst": e.mask.dst,
    "mask-sport": String(e.mask.srcPort),
    "mask-dport": String(e.mask.dstPort),
    "master-src": e.master!.original.src,
    "master-dst": e.master!.original.dst,
    "master-sport": String(e.master!.original.srcPort),
    "master-dport": String(e.master!.original.dstPort),
    class: String(e.class),
    helper: e.helper,
  };
}

describe("conformance: irc-dcc trace labelled by Linux", () => {
  const { linkType, records } = readPcap(new Uint8Array(readFileSync(dir("trace-raw.pcap"))));
  const engine = createEngine({ helpers: [ircHelper()], attach: [{ protocol: "tcp", port: 6667, family: 4, helper: "irc" }] });
  const created: ExpectationInfo[] = [];
  const destroyed: { port: number; reason: string; packet: number }[] = [];
  let packet = -1;
  engine.on((e) => {
    if (e.type === "expect-new") created.push(e.expectation);
    if (e.type === "expect-destroy") destroyed.push({ port: e.expectation.tuple.dstPort, reason: e.reason, packet });
  });
  const got = records.map((r, index) => {
    packet = index;
    const res = engine.process(r.bytes, r.ts);
    return { index, label: res.stateName, ct_dir: res.directionName, ct_expected: res.expected, verdict: res.verdictName };
  });

  it("reads the whole raw-IPv4 trace", () => {
    expect(linkType).toBe(101);
    expect(records).toHaveLength(labels.length);
  });

  it("gives every packet Linux's state, direction and EXPECTED status", () => {
    const want = labels.map((l) => ({ index: l.index, label: l.label, ct_dir: l.ct_dir, ct_expected: l.ct_expected }));
    const have = got.map(({ index, label, ct_dir, ct_expected }) => ({ index, label, ct_dir, ct_expected }));
    const agree = have.filter((h, i) => JSON.stringify(h) === JSON.stringify(want[i])).length;
    expect({ agree, total: want.length }).toEqual({ agree: want.length, total: want.length });
    expect(have).toEqual(want);
  });

  it("accepts every packet (the router dropped nothing)", () => {
    expect(got.filter((g) => g.verdict !== "accept")).toEqual([]);
  });

  it("creates exactly the expectations Linux created, and none for the forged offers", () => {
    const linux = linuxExpectations();
    expect(linux).toHaveLength(2);
    expect(created.map(ours)).toEqual(linux);
  });

  it("consumes each expectation with the packet Linux's log names (the DCC SYN)", () => {
    const linux = labels.flatMap((l) => (l.expect_events ?? []).filter((ev) => ev.event === "DESTROY").map(() => l.index));
    expect(linux).toEqual([15, 54]);
    expect(destroyed).toEqual([
      { port: 5000, reason: "matched", packet: 15 },
      { port: 5003, reason: "matched", packet: 54 },
    ]);
  });
});
