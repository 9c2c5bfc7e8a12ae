import { createEngine, defineHelper, type ExpectationInfo } from "@alg-sdk/core";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import { concatBytes, icmp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { runTarget, seeds, violations } from "../fuzz/harness.mjs";
import { endpointProblem, icmpProblem, resultProblem } from "../fuzz/invariants.mjs";
import { TARGETS } from "../fuzz/targets.mjs";

// The short version of the fuzz harness (fuzz/run.mjs runs the long one):
// mutated packets from the conformance traces through an engine per helper
// and option, every invariant checked after every packet.
const PACKETS = 4000;

describe("fuzz harness (short run)", () => {
  it("reads every conformance trace as seeds", () => {
    const traces = seeds();
    expect(traces.length).toBeGreaterThanOrEqual(10);
    expect(traces.map((t) => t.name)).toEqual(expect.arrayContaining(["ftp-active-ipv4", "irc-dcc", "icmp-errors", "sip-udp-ipv4", "tftp-ipv4"]));
  });

  for (const target of TARGETS) {
    it(`${target.name}: no exception, no violated invariant`, () => {
      const f = runTarget(target, { packets: PACKETS, seed: 20240611 });
      expect(f.packets).toBe(PACKETS);
      expect(f.examples).toEqual([]);
      expect(f.exceptions).toBe(0);
      expect(violations(f)).toBe(0);
    });
  }
});

describe("the harness's checks catch what they look for", () => {
  it("an exception thrown out of process() is counted", () => {
    const throwingClock = { name: "clock throws", loose: false, stateBytes: 0, options: () => ({ clock: () => { throw new Error("boom"); } }) };
    const f = runTarget(throwingClock, { packets: 200, seed: 1 });
    expect(f.exceptions).toBe(200);
    expect(f.examples[0]!.text).toMatch(/boom/);
  });

  it("memory held beyond what the limits allow is a violation", () => {
    const kept: Uint8Array[] = [];
    const leaky = defineHelper({
      name: "leaky",
      policies: [],
      attach: [{ protocol: "tcp" }, { protocol: "udp" }],
      onPacket: () => void kept.push(new Uint8Array(64 * 1024).fill(1)),
    });
    const f = runTarget({ name: "leak", loose: false, stateBytes: 0, options: () => ({ helpers: [leaky] }) }, { packets: 2000, seed: 1, checkEvery: 500 });
    expect(kept.length).toBeGreaterThan(1000);
    expect(f.violations.memory).toBeGreaterThan(0);
    kept.length = 0;
  });

  it("an ICMP error related to a connection it does not quote is a violation", () => {
    // Two UDP flows; the error quotes flow A and carries a copy of flow B's first packet after the quote.
    // A lying relation hook looks B up and answers with it.
    const a = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 53, payload: "a" });
    const b = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40001, dport: 53, payload: "b" });
    const liar = defineHelper({
      name: "liar",
      policies: [],
      relate(ctx) {
        const q = ctx.findQuoted(ctx.l4Offset + 8 + 28, ctx.l4Length - 8 - 28);
        return q.found ? { related: q.connection, direction: (q.direction ^ 1) as 0 | 1 } : undefined;
      },
    });
    const engine = createEngine({ helpers: [liar] });
    engine.process(a, 1);
    engine.process(b, 1);
    const error = icmp({ src: "10.0.2.2", dst: "10.0.1.2", type: 3, code: 3, payload: concatBytes(a.subarray(0, 28), b.subarray(0, 28)) });
    const r = engine.process(error, 2);
    expect(r.stateName).toBe("RELATED");
    expect(icmpProblem(engine, r, error)).toMatch(/error quoting 10\.0\.1\.2:40000 -> 10\.0\.2\.2:53 \(proto 17\) related to 10\.0\.1\.2:40001/);
    // The honest ICMP helper relates it to the quoted flow: no problem.
    const honest = createEngine({ helpers: [icmpHelper()] });
    honest.process(a, 1);
    honest.process(b, 1);
    const h = honest.process(error, 2);
    expect(h.stateName).toBe("RELATED");
    expect(icmpProblem(honest, h, error)).toBeNull();
  });

  it("an expectation to an address that is no endpoint of its master is a violation", () => {
    const master = {
      original: { family: 4, protocol: 6, protocolName: "tcp", src: "10.0.1.2", dst: "10.0.2.2", srcPort: 40000, dstPort: 21 },
      reply: { family: 4, protocol: 6, protocolName: "tcp", src: "10.0.2.2", dst: "10.0.2.100", srcPort: 21, dstPort: 40000 },
    } as const;
    const e = (dst: string) => ({ helper: "ftp", tuple: { ...master.original, dst, dstPort: 5000 } }) as unknown as ExpectationInfo;
    expect(endpointProblem(e("10.0.1.2"), master)).toBeNull();
    expect(endpointProblem(e("10.0.2.100"), master)).toBeNull();
    expect(endpointProblem(e("192.0.2.7"), master)).toMatch(/ftp expects 192\.0\.2\.7:5000, not an endpoint/);
  });

  it("a result out of range, or INVALID without a reason, is a violation", () => {
    expect(resultProblem({ state: 3, reason: 0 })).toBe("INVALID without a reason");
    expect(resultProblem({ state: 7 as never, reason: 0 })).toBe("state 7");
    expect(resultProblem({ state: 0, reason: 0 })).toBeNull();
  });
});
