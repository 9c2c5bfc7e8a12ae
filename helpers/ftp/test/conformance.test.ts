import { ftpHelper } from "@alg-sdk/helper-ftp";
import { helperHarness } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { expectLogOf, linuxExpectEvents, loadTrace, ourExpectEvents } from "../../../test/support/linux-trace.js";

/**
 * Replays the FTP traces Linux labelled (kernel 6.18, FTP helper attached to
 * tcp/21) and compares every packet's verdict and every expectation.
 */

const TRACES = ["ftp-active-ipv4", "ftp-passive-ipv4"] as const;

describe.each(TRACES)("conformance: %s", (name) => {
  const { packets: records, labels, expectLog } = loadTrace(name);
  const h = helperHarness({ helpers: [ftpHelper()], attach: [{ protocol: "tcp", port: 21, helper: "ftp" }] });
  // Which packet each event came from.
  const eventPacket: number[] = [];
  h.engine.on(() => eventPacket.push(h.records.length));
  for (const r of records) h.run({ bytes: r.bytes, ts: r.ts });

  it("has one label per packet", () => {
    expect(labels).toHaveLength(records.length);
  });

  it("agrees with Linux on every packet's state, direction, expected flag and helper", () => {
    const mismatches: string[] = [];
    for (const l of labels) {
      const r = h.records[l.index]!;
      const got = { label: r.state, dir: r.direction, expected: r.expected, helper: r.helper, verdict: r.verdict };
      const want = { label: l.label, dir: l.ct_dir, expected: l.ct_expected, helper: l.ct_helper, verdict: "accept" };
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`#${l.index}: got ${JSON.stringify(got)}, Linux ${JSON.stringify(want)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("creates and consumes the expectations Linux did, with the same tuple, mask, master, class, helper and timeout", () => {
    // Each data connection follows its command within milliseconds, and Linux printed 300 on DESTROY too
    // (its count of seconds left had not yet dropped): round what is left of ours up the same way.
    const ours = expectLogOf(h.events, (event, e) => (event === "NEW" ? e.timeout : Math.ceil(e.timeout)));
    expect(ours).toEqual(expectLog);
    expect(h.destroyed().every((d) => d.reason === "matched")).toBe(true);
  });

  it("creates and consumes each expectation on the same packet as Linux", () => {
    // The recorder counts records before the packet is pushed: the event belongs to that record's index.
    expect(ourExpectEvents(h.events, eventPacket)).toEqual(linuxExpectEvents(labels));
  });
});

describe.each(TRACES)("conformance beyond default mode: %s", (name) => {
  const { packets: records, labels, expectLog } = loadTrace(name);
  const replay = (helpers: ReturnType<typeof ftpHelper>[]) => {
    const h = helperHarness({ helpers, attach: helpers.length ? [{ protocol: "tcp", port: 21, helper: "ftp" }] : [] });
    for (const r of records) h.run({ bytes: r.bytes, ts: r.ts });
    return h;
  };
  const agree = (h: ReturnType<typeof replay>) =>
    labels.filter((l) => {
      const r = h.records[l.index]!;
      return r.state === l.label && r.direction === l.ct_dir && r.expected === l.ct_expected && r.verdict === "accept";
    }).length;

  it.each([
    ["stream", { stream: true }],
    ["lenient", { onPartialMatch: "accept" }],
    ["stream + lenient + loose", { stream: true, onPartialMatch: "accept", loose: true }],
  ] as const)("%s mode gives the same verdicts and expectations on this well-formed session", (_, options) => {
    const h = replay([ftpHelper(options)]);
    expect(agree(h)).toBe(labels.length);
    expect(h.created().map((e) => [e.tuple.src, e.tuple.dst, e.tuple.dstPort])).toEqual(
      expectLog.filter((e) => e.event === "NEW").map((e) => [e.tuple.src, e.tuple.dst, e.tuple.dport]),
    );
  });

  it("is sensitive: without the helper the data connections are not RELATED", () => {
    const h = replay([]);
    expect(agree(h)).toBeLessThan(labels.length);
    expect(h.created()).toHaveLength(0);
  });
});
