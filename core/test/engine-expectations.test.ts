import { tcp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import {
  defineHelper,
  ExpectFlag,
  HelperVerdict,
  IpProto,
  type EngineEvent,
  type ExpectationRequest,
  type ExpectOutcome,
} from "../src/index.js";
import { recordingEngine, run } from "./support/engine.js";

/** "created", "replaced", or the refusal reason. */
const outcomeLabel = (o: ExpectOutcome): string => (o.ok ? (o.replaced ? "replaced" : "created") : o.reason);

const CLIENT = "10.0.1.2";
const SERVER = "10.0.2.2";
const OTHER = "10.0.3.3";

/**
 * A test helper driven by its payload: "EXPECT <port> [class] [permanent|inactive] [any]\n" asks for
 * an expectation from the packet's destination to the sender's <port>; "THROW" throws; "DROP" drops;
 * "PARTIAL" reports a partial match. Every result is recorded.
 */
function scriptedHelper(opts: { maxExpected?: number[]; onPartialMatch?: "drop" | "accept"; assign?: string } = {}) {
  const results: string[] = [];
  const helper = defineHelper({
    name: "script",
    policies: (opts.maxExpected ?? [2, 1]).map((maxExpected, i) => ({ name: `c${i}`, maxExpected, timeout: 300 })),
    attach: [{ protocol: "udp", port: 9999 }],
    onPartialMatch: opts.onPartialMatch,
    onPacket(ctx) {
      const text = new TextDecoder().decode(ctx.bytes.subarray(ctx.payloadOffset, ctx.payloadOffset + ctx.payloadLength));
      for (const line of text.split("\n")) {
        const [cmd, ...args] = line.trim().split(" ");
        if (cmd === "THROW") throw new Error("boom");
        if (cmd === "DROP") return HelperVerdict.DROP;
        if (cmd === "PARTIAL") return HelperVerdict.PARTIAL;
        if (cmd !== "EXPECT") continue;
        const req: ExpectationRequest = {
          class: Number(args[1] ?? 0),
          protocol: IpProto.TCP,
          src: args.includes("any") ? null : ctx.dst,
          dst: ctx.src,
          dstPort: Number(args[0]),
          flags: (args.includes("permanent") ? ExpectFlag.PERMANENT : 0) | (args.includes("inactive") ? ExpectFlag.INACTIVE : 0),
          ...(opts.assign ? { helper: opts.assign } : {}),
        };
        results.push(outcomeLabel(ctx.expect(req)));
      }
      return HelperVerdict.ACCEPT;
    },
  });
  return { helper, results };
}

const control = (payload: string, sport = 40000) =>
  udp({ src: CLIENT, dst: SERVER, sport, dport: 9999, payload });
const serverSyn = (dport: number, sport = 20, src = SERVER) =>
  tcp({ src, dst: CLIENT, sport, dport, seq: 1000, flags: "S", window: 64240 });
const clientSynAck = (sport: number, dport = 20) =>
  tcp({ src: CLIENT, dst: SERVER, sport, dport, seq: 5000, ack: 1001, flags: "SA", window: 64240 });

function setup(opts: Parameters<typeof scriptedHelper>[0] = {}, engineOpts = {}) {
  const { helper, results } = scriptedHelper(opts);
  const { engine, events } = recordingEngine({ helpers: [helper], ...engineOpts });
  return { engine, events, results };
}

const ofType = <T extends EngineEvent["type"]>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

describe("expectations (nf_conntrack_expect)", () => {
  it("a matching new connection is RELATED, EXPECTED, and gets its master and the master's mark", () => {
    const { engine, events, results } = setup();
    const master = run(engine, control("hello"), 1);
    expect(master.helper).toBe("script");
    engine.setMark(master.slot, 42);
    run(engine, control("EXPECT 5000"), 2);
    expect(results).toEqual(["created"]);
    expect(engine.expectationCount).toBe(1);
    const first = run(engine, serverSyn(5000), 3);
    expect(first).toMatchObject({ state: "RELATED", dir: "original", expected: true, helper: null });
    const c = engine.connection(first.slot)!;
    expect(c.expected).toBe(true);
    expect(c.mark).toBe(42);
    expect(c.master?.id).toBe(master.id);
    expect(run(engine, clientSynAck(5000), 3.1)).toMatchObject({ state: "ESTABLISHED", dir: "reply", expected: true });
    expect(engine.expectationCount).toBe(0);
    expect(ofType(events, "expect-destroy").map((e) => e.reason)).toEqual(["matched"]);
  });

  it("expectations are one-shot: a second connection to the same tuple is NEW", () => {
    const { engine } = setup();
    run(engine, control("EXPECT 5000"), 1);
    expect(run(engine, serverSyn(5000, 20), 2).state).toBe("RELATED");
    expect(run(engine, serverSyn(5000, 21), 2)).toMatchObject({ state: "NEW", expected: false });
  });

  it("the destination must match exactly; a masked source matches any source", () => {
    const { engine } = setup();
    run(engine, control("EXPECT 5000"), 1);
    expect(run(engine, serverSyn(5001), 2).state).toBe("NEW");
    expect(run(engine, serverSyn(5000, 20, OTHER), 2).state).toBe("NEW");
    run(engine, control("EXPECT 6000 0 any"), 3);
    expect(run(engine, serverSyn(6000, 33, OTHER), 4).state).toBe("RELATED");
  });

  it("a PERMANENT expectation is not consumed; an INACTIVE one is never matched", () => {
    const { engine } = setup({ maxExpected: [0] });
    run(engine, control("EXPECT 5000 0 permanent\nEXPECT 6000 0 inactive"), 1);
    expect(run(engine, serverSyn(5000, 20), 2).state).toBe("RELATED");
    expect(run(engine, serverSyn(5000, 21), 2).state).toBe("RELATED");
    expect(run(engine, serverSyn(6000, 20), 2).state).toBe("NEW");
    expect(engine.expectationCount).toBe(2);
  });

  it("the same tuple from the same master replaces the old one and restarts its timer; another class is refused", () => {
    const { engine, events, results } = setup();
    run(engine, control("EXPECT 5000"), 1);
    run(engine, control("EXPECT 5000"), 20);
    run(engine, control("EXPECT 5000 1"), 21);
    expect(results).toEqual(["created", "replaced", "already"]);
    expect(ofType(events, "expect-destroy").map((e) => e.reason)).toEqual(["replaced"]);
    // Keep the master alive (UDP, unreplied: 30 s) past the first timer.
    for (let t = 40; t <= 300; t += 20) run(engine, control("keepalive"), t);
    engine.expire(310);
    expect(engine.expectationCount).toBe(1);
    engine.expire(320.5);
    expect(engine.expectationCount).toBe(0);
  });

  it("an overlapping expectation from another master is refused", () => {
    const { engine, results } = setup();
    run(engine, control("EXPECT 5000 0 any", 40000), 1);
    run(engine, control("EXPECT 5000", 40001), 1);
    expect(results).toEqual(["created", "busy"]);
  });

  it("at max_expected the master's oldest expectation of that class is evicted", () => {
    const { engine, events, results } = setup({ maxExpected: [2, 1] });
    run(engine, control("EXPECT 5001\nEXPECT 5002\nEXPECT 5003"), 1);
    expect(results).toEqual(["created", "created", "created"]);
    expect(ofType(events, "expect-destroy").map((e) => [e.reason, e.expectation.tuple.dstPort])).toEqual([["evicted", 5001]]);
    run(engine, control("EXPECT 6001 1\nEXPECT 6002 1"), 2);
    expect([...engine.pendingExpectations()].map((e) => e.tuple.dstPort).sort()).toEqual([5002, 5003, 6002]);
    expect(engine.stats.expectationsEvicted).toBe(2);
    // Limits are per master: another control connection has its own.
    run(engine, control("EXPECT 7001\nEXPECT 7002", 40001), 3);
    expect(engine.expectationCount).toBe(5);
  });

  it("the global maximum refuses new expectations", () => {
    const { engine, results } = setup({ maxExpected: [0] }, { maxExpectations: 2 });
    run(engine, control("EXPECT 5001\nEXPECT 5002\nEXPECT 5003"), 1);
    expect(results).toEqual(["created", "created", "limit"]);
    expect(engine.expectationCount).toBe(2);
  });

  it("the timeout is set at insert and not refreshed by the master's traffic", () => {
    const { engine, events } = setup();
    run(engine, control("EXPECT 5000"), 1);
    for (let t = 20; t < 300; t += 20) run(engine, control("keepalive"), t);
    expect(engine.expectationCount).toBe(1);
    run(engine, control("keepalive"), 301.5);
    expect(engine.expectationCount).toBe(0);
    expect(ofType(events, "expect-destroy").map((e) => e.reason)).toEqual(["timeout"]);
    expect(run(engine, serverSyn(5000), 302).state).toBe("NEW");
  });

  it("when the master dies its expectations go with it", () => {
    const { engine, events } = setup();
    run(engine, control("EXPECT 5000\nEXPECT 5001"), 1);
    engine.expire(40); // the UDP master times out after 30 s unreplied
    expect(engine.expectationCount).toBe(0);
    expect(ofType(events, "expect-destroy").map((e) => e.reason)).toEqual(["master-destroyed", "master-destroyed"]);
  });

  it("an expectation may name the helper of the expected connection", () => {
    const { helper } = scriptedHelper({ assign: "script" });
    const { engine } = recordingEngine({ helpers: [helper] });
    run(engine, control("EXPECT 5000"), 1);
    expect(run(engine, serverSyn(5000), 2).helper).toBe("script");
  });

  it("expectation events carry tuple, mask, master, helper, class and timeout", () => {
    const { engine, events } = setup();
    run(engine, control("EXPECT 5000"), 1);
    const [e] = ofType(events, "expect-new");
    expect(e!.expectation).toMatchObject({
      tuple: { protocol: 6, src: SERVER, dst: CLIENT, srcPort: 0, dstPort: 5000 },
      mask: { src: "255.255.255.255", srcPort: 0, dstPort: 65535 },
      master: { original: { src: CLIENT, dst: SERVER, srcPort: 40000, dstPort: 9999 } },
      helper: "script",
      class: 0,
      className: "c0",
      timeout: 300,
    });
  });

  it("a new connection finds its expectation among 100,000 pending", () => {
    const { engine } = setup({ maxExpected: [0] }, { maxExpectations: 200_000 });
    // Two masters (two clients), 50,000 expectations each, 5,000 per datagram.
    for (const client of [CLIENT, "10.0.1.3"]) {
      for (let i = 0; i < 10; i++) {
        const lines: string[] = [];
        for (let p = i * 5000 + 1; p <= (i + 1) * 5000; p++) lines.push(`EXPECT ${p}`);
        run(engine, udp({ src: client, dst: SERVER, sport: 40000, dport: 9999, payload: lines.join("\n") }), 1);
      }
    }
    expect(engine.expectationCount).toBe(100_000);
    expect(run(engine, serverSyn(31337), 2).state).toBe("RELATED");
    expect(run(engine, serverSyn(50001), 2).state).toBe("NEW");
    expect(engine.expectationCount).toBe(99_999);
  });
});

describe("helpers are contained", () => {
  it("a helper that throws: the packet keeps its verdict, the error is counted and reported", () => {
    const { engine, events } = setup();
    expect(run(engine, control("THROW"), 1)).toMatchObject({ state: "NEW", verdict: "accept" });
    expect(engine.stats.helperErrors).toBe(1);
    const [err] = ofType(events, "helper-error");
    expect(err!.helper).toBe("script");
    expect((err!.error as Error).message).toBe("boom");
    expect(run(engine, control("hello"), 2).state).toBe("NEW");
  });

  it("helperErrorVerdict drop drops the packet of a throwing helper", () => {
    const { engine } = setup({}, { helperErrorVerdict: "drop" });
    run(engine, control("hello"), 1);
    expect(run(engine, control("THROW"), 1)).toMatchObject({ verdict: "drop", reason: "helper-error" });
  });

  it("a DROP on a connection's first packet leaves no connection behind", () => {
    const { engine } = setup();
    expect(run(engine, control("DROP"), 1)).toMatchObject({ state: "NEW", verdict: "drop", reason: "helper-drop" });
    expect(engine.connectionCount).toBe(0);
  });

  it("a partial match drops by default and is accepted when the helper says so", () => {
    const strict = setup();
    run(strict.engine, control("hi"), 1);
    expect(run(strict.engine, control("PARTIAL"), 1)).toMatchObject({ verdict: "drop", reason: "helper-partial" });
    const lenient = setup({ onPartialMatch: "accept" });
    run(lenient.engine, control("hi"), 1);
    expect(run(lenient.engine, control("PARTIAL"), 1).verdict).toBe("accept");
  });

  it("a helper is never called for connections it is not attached to", () => {
    let calls = 0;
    const counting = defineHelper({ name: "count", policies: [], attach: [{ protocol: "udp", port: 9999 }], onPacket() { calls++; } });
    const { engine } = recordingEngine({ helpers: [counting] });
    for (let i = 0; i < 100; i++) run(engine, udp({ src: CLIENT, dst: SERVER, sport: 1000 + i, dport: 80, payload: "x" }), 1);
    expect(calls).toBe(0);
    run(engine, control("hello"), 2);
    run(engine, control("again"), 2);
    expect(calls).toBe(2);
  });

  it("attach rules decide which connections get the helper", () => {
    const { helper } = scriptedHelper();
    const { engine } = recordingEngine({ helpers: [helper], attach: [{ helper: "script", protocol: "udp", port: [8000, 8010] }] });
    expect(run(engine, control("x"), 1).helper).toBe(null);
    expect(run(engine, udp({ src: CLIENT, dst: SERVER, sport: 1, dport: 8005 }), 1).helper).toBe("script");
    expect(() => recordingEngine({ helpers: [helper], attach: [{ helper: "nope", protocol: "udp" }] })).toThrow(/unknown helper/);
  });
});
