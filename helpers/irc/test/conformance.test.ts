import { describe, expect, it } from "vitest";
import { createEngine, type EngineEvent, type ExpectationInfo } from "@alg-sdk/core";
import { ircHelper } from "@alg-sdk/helper-irc";
import { asExpectLogEntry, expectLogOf, loadTrace } from "../../../test/support/linux-trace.js";

/**
 * Replays the irc-dcc trace labelled by a Linux 6.18 router (IRC helper on
 * tcp/6667) and compares every packet's state, direction and EXPECTED
 * status, and every expectation created, with what Linux logged.
 */
const { packets: records, labels, expectLog } = loadTrace("irc-dcc");

describe("conformance: irc-dcc trace labelled by Linux", () => {
  const engine = createEngine({ helpers: [ircHelper()], attach: [{ protocol: "tcp", port: 6667, family: 4, helper: "irc" }] });
  const created: ExpectationInfo[] = [];
  const destroyed: { port: number; reason: string; packet: number }[] = [];
  const events: EngineEvent[] = [];
  let packet = -1;
  engine.on((e) => {
    events.push(e);
    if (e.type === "expect-new") created.push(e.expectation);
    if (e.type === "expect-destroy") destroyed.push({ port: e.expectation.tuple.dstPort, reason: e.reason, packet });
  });
  const got = records.map((r, index) => {
    packet = index;
    const res = engine.process(r.bytes, r.ts);
    return { index, label: res.stateName, ct_dir: res.directionName, ct_expected: res.expected, verdict: res.verdictName };
  });

  it("reads the whole raw-IPv4 trace (the loader refuses any other link type)", () => {
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
    const linux = expectLog.filter((e) => e.event === "NEW");
    expect(linux).toHaveLength(2);
    expect(created.map((e) => asExpectLogEntry("NEW", e))).toEqual(linux);
  });

  it("consumes each expectation with the packet Linux's log names (the DCC SYN)", () => {
    const linux = labels.flatMap((l) => (l.expect_events ?? []).filter((ev) => ev.event === "DESTROY").map(() => l.index));
    expect(linux).toEqual([15, 54]);
    expect(destroyed).toEqual([
      { port: 5000, reason: "matched", packet: 15 },
      { port: 5003, reason: "matched", packet: 54 },
    ]);
    // And the whole of expect.log, DESTROY lines (with the seconds left) included, in order.
    expect(expectLogOf(events)).toEqual(expectLog);
  });
});
