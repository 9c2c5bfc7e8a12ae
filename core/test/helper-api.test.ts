import { icmp, tcp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import {
  createEngine,
  defineHelper,
  ExpectFlag,
  HelperVerdict,
  Reason,
  type EngineEvent,
  type ExpectationHandle,
  type ExpectationRequest,
  type Helper,
  type PacketContext,
} from "../src/index.js";

const CLIENT = "10.0.1.2";
const SERVER = "10.0.2.2";

/** A datagram from the client to udp/9999 carrying `text` (the helpers below act on it). */
const control = (text: string, sport = 40000, src = CLIENT) => udp({ src, dst: SERVER, sport, dport: 9999, payload: text });
const controlReply = (text: string, dport = 40000) => udp({ src: SERVER, dst: CLIENT, sport: 9999, dport, payload: text });
const synFrom = (src: string, dst: string, dport: number, sport = 20) => tcp({ src, dst, sport, dport, flags: "S", seq: 1000 });

/** A helper on udp/9999 that calls `act` with the context of every packet. */
function probe<S = undefined>(act: (ctx: PacketContext<S, unknown>) => HelperVerdict | void, extra: Partial<Helper<S>> = {}): Helper<S> {
  return defineHelper<S>({
    name: "probe",
    policies: [
      { name: "a", maxExpected: 2, timeout: 100 },
      { name: "b", maxExpected: 1, timeout: 50 },
    ],
    attach: [{ protocol: "udp", port: 9999 }],
    onPacket: act,
    ...extra,
  } as Parameters<typeof defineHelper<S>>[0]);
}

function engineWith(helper: Helper<any>, options: Parameters<typeof createEngine>[0] = {}) {
  const engine = createEngine({ helpers: [helper], ...options });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  return { engine, events };
}

const request = (over: Partial<ExpectationRequest> = {}): ExpectationRequest => ({ protocol: "tcp", src: SERVER, dst: CLIENT, dstPort: 5000, ...over });

describe("helper API v2: expectation requests are checked and refused with a reason", () => {
  const cases: [string, unknown][] = [
    ["bad-request", null],
    ["bad-request", request({ flags: 8 })],
    ["bad-family", request({ dst: "fd00::2" })],
    ["unknown-class", request({ class: 2 })],
    ["unknown-class", request({ class: 0.5 })],
    ["bad-port", request({ dstPort: 70000 })],
    ["bad-port", request({ srcPort: -1 })],
    ["bad-protocol", request({ protocol: "nope" })],
    ["bad-protocol", request({ protocol: 300 })],
    ["unknown-helper", request({ helper: "missing" })],
    ["bad-address", request({ dst: "not an address" })],
    ["bad-address", request({ dst: 12345 as never })],
    ["bad-address", request({ src: [Number.NaN] })],
    ["bad-timeout", request({ timeout: 0 })],
    ["bad-timeout", request({ timeout: Number.POSITIVE_INFINITY })],
  ];
  for (const [reason, req] of cases) {
    it(`${reason}: ${JSON.stringify(req)}`, () => {
      const seen: string[] = [];
      const { engine, events } = engineWith(
        probe((ctx) => {
          const r = ctx.expect(req as ExpectationRequest);
          seen.push(r.ok ? "created" : r.reason);
        }),
      );
      engine.on(() => {}, { types: ["helper-log"] });
      engine.process(control("x"), 1);
      expect(seen).toEqual([reason]);
      expect(engine.expectationCount).toBe(0);
      expect(engine.stats.expectationsRefused).toBe(1);
      expect(events.some((e) => e.type === "helper-log" && e.message === `expectation refused: ${reason}`)).toBe(true);
    });
  }

  it("busy: another master's expectation overlaps; already: the same one with another class", () => {
    const seen: string[] = [];
    const { engine } = engineWith(
      probe((ctx) => {
        const text = new TextDecoder().decode(ctx.bytes.subarray(ctx.payloadOffset, ctx.payloadOffset + ctx.payloadLength));
        const r = ctx.expect(request({ class: text === "b" ? 1 : 0, src: null }));
        seen.push(r.ok ? (r.replaced ? "replaced" : "created") : r.reason);
      }),
    );
    engine.process(control("a", 40000), 1);
    engine.process(control("a", 40000), 2);
    engine.process(control("b", 40000), 3);
    engine.process(control("a", 40001), 4);
    expect(seen).toEqual(["created", "replaced", "already", "busy"]);
  });

  it("limit: the engine-wide maximum refuses", () => {
    const seen: string[] = [];
    const { engine } = engineWith(
      probe((ctx) => {
        const r = ctx.expect(request({ dstPort: ctx.srcPort }));
        seen.push(r.ok ? "created" : r.reason);
      }),
      { maxExpectations: 1 },
    );
    engine.process(control("a", 40000), 1);
    engine.process(control("a", 40001), 2);
    expect(seen).toEqual(["created", "limit"]);
  });
});

describe("helper API v2: expectation handles", () => {
  it("remove() takes one back and reports it as removed", () => {
    let handle: ExpectationHandle | undefined;
    const { engine, events } = engineWith(
      probe((ctx) => {
        const r = ctx.expect(request());
        if (r.ok) handle = r.expectation;
      }),
    );
    engine.process(control("x"), 1);
    expect(handle).toMatchObject({ class: 0, live: true, exactSource: true, exactSourcePort: false, flags: 0 });
    expect(handle!.tuple.toString()).toBe("10.0.2.2:0 -> 10.0.1.2:5000");
    expect(handle!.timeLeft).toBe(100);
    expect(handle!.remove()).toBe(true);
    expect(handle!.remove()).toBe(false);
    expect(handle!.live).toBe(false);
    expect(engine.expectationCount).toBe(0);
    expect(events.filter((e) => e.type === "expect-destroy").map((e) => (e as { reason: string }).reason)).toEqual(["removed"]);
    expect(engine.process(synFrom(SERVER, CLIENT, 5000), 2).stateName).toBe("NEW");
  });

  it("an INACTIVE expectation matches nothing until activate()", () => {
    let handle: ExpectationHandle | undefined;
    const { engine } = engineWith(
      probe((ctx) => {
        const r = ctx.expect(request({ flags: ExpectFlag.INACTIVE }));
        if (r.ok) handle = r.expectation;
      }),
    );
    engine.process(control("x"), 1);
    expect(engine.process(synFrom(SERVER, CLIENT, 5000, 21), 2).stateName).toBe("NEW");
    expect(handle!.activate()).toBe(true);
    expect(handle!.flags & ExpectFlag.INACTIVE).toBe(0);
    expect(engine.process(synFrom(SERVER, CLIENT, 5000, 22), 3).stateName).toBe("RELATED");
    expect(handle!.activate()).toBe(false);
  });

  it("a per-request timeout overrides the class's, and refresh() restarts the timer", () => {
    let handle: ExpectationHandle | undefined;
    const { engine, events } = engineWith(
      probe((ctx) => {
        const r = ctx.expect(request({ timeout: 10 }));
        if (r.ok) handle = r.expectation;
      }),
    );
    engine.process(control("x"), 100);
    expect([...engine.pendingExpectations()][0]!.timeout).toBe(10);
    engine.expire(105);
    expect(handle!.refresh(20)).toBe(true);
    expect(handle!.refresh(-1)).toBe(false);
    engine.expire(115);
    expect(handle!.live).toBe(true);
    engine.expire(125);
    expect(handle!.live).toBe(false);
    expect(events.filter((e) => e.type === "expect-destroy").map((e) => (e as { reason: string }).reason)).toEqual(["timeout"]);
  });

  it("expectations() lists the master's pending ones newest first; removeExpectations() flushes all, one class or several", () => {
    const listed: number[][] = [];
    const removed: number[] = [];
    const { engine, events } = engineWith(
      probe((ctx) => {
        const text = new TextDecoder().decode(ctx.bytes.subarray(ctx.payloadOffset, ctx.payloadOffset + ctx.payloadLength));
        if (text === "open") {
          ctx.expect(request({ dstPort: 5000, class: 0 }));
          ctx.expect(request({ dstPort: 5001, class: 0 }));
          ctx.expect(request({ dstPort: 5002, class: 1 }));
        } else if (text === "list") {
          listed.push(ctx.expectations().map((e) => e.tuple.dstPort), ctx.expectations({ class: 1 }).map((e) => e.tuple.dstPort));
        } else if (text === "drop-b") removed.push(ctx.removeExpectations({ class: 1 }));
        else if (text === "drop-none") removed.push(ctx.removeExpectations({ class: [] }));
        else if (text === "drop-all") removed.push(ctx.removeExpectations({ class: [0, 1] }));
      }),
    );
    engine.process(control("open"), 1);
    engine.process(control("list"), 2);
    engine.process(control("drop-b"), 3);
    engine.process(control("drop-none"), 4);
    engine.process(control("drop-all"), 5);
    // Linux's per-master list is newest first, and flush_expectations walks it in that order.
    expect(listed).toEqual([[5002, 5001, 5000], [5002]]);
    expect(removed).toEqual([1, 0, 2]);
    expect(events.flatMap((e) => (e.type === "expect-destroy" ? [e.expectation.tuple.dstPort] : []))).toEqual([5002, 5001, 5000]);
    expect(engine.expectationCount).toBe(0);
  });

  it("when the master goes, its expectations are removed newest first (nf_ct_remove_expectations)", () => {
    const { engine, events } = engineWith(
      probe((ctx) => {
        ctx.expect(request({ dstPort: 5000 }));
        ctx.expect(request({ dstPort: 5001 }));
      }),
    );
    engine.process(control("open"), 1);
    engine.expire(40); // the unreplied UDP master times out after 30 s; its expectations had 100 s
    expect(engine.connectionCount).toBe(0);
    expect(events.flatMap((e) => (e.type === "expect-destroy" ? [`${e.expectation.tuple.dstPort} ${e.reason}`] : []))).toEqual([
      "5001 master-destroyed",
      "5000 master-destroyed",
    ]);
  });

  it("skipMaster: an identical expectation of another master answers already instead of busy (NF_CT_EXP_F_SKIP_MASTER)", () => {
    const seen: string[] = [];
    const { engine } = engineWith(
      probe((ctx) => {
        const text = new TextDecoder().decode(ctx.bytes.subarray(ctx.payloadOffset, ctx.payloadOffset + ctx.payloadLength));
        const skip = text !== "plain";
        const r = ctx.expect(request({ src: null, skipMaster: skip, ...(text === "overlap" ? { src: SERVER } : {}) }));
        seen.push(r.ok ? (r.replaced ? "replaced" : "created") : r.reason);
      }),
    );
    engine.process(control("first", 40000), 1);
    engine.process(control("first", 40000), 2); // same master, same class: replaced, flag or not
    engine.process(control("same", 40001), 3); // another master, identical: already
    engine.process(control("plain", 40002), 4); // another master, identical, no flag: busy
    engine.process(control("overlap", 40003), 5); // another master, overlapping but not identical: busy even with the flag
    expect(seen).toEqual(["created", "replaced", "already", "busy", "busy"]);
    expect(engine.expectationCount).toBe(1);
  });

  it("findExpectation finds the newest pending expectation a tuple would match, INACTIVE ones and other masters' included", () => {
    const found: unknown[] = [];
    let ids: number[] = [];
    const { engine } = engineWith(
      probe((ctx) => {
        const text = new TextDecoder().decode(ctx.bytes.subarray(ctx.payloadOffset, ctx.payloadOffset + ctx.payloadLength));
        if (text === "make") {
          const r = ctx.expect(request({ src: null, dstPort: 7000, class: 1, flags: ExpectFlag.INACTIVE }));
          if (r.ok) ids = [r.expectation.masterId, ctx.connection.id];
          return;
        }
        const at = (q: Parameters<typeof ctx.findExpectation>[0]) => {
          const e = ctx.findExpectation(q);
          return e === null ? null : { class: e.class, master: e.master?.id === ctx.connection.id ? "me" : "other", helper: e.helper };
        };
        found.push(
          at({ protocol: "tcp", src: SERVER, srcPort: 1234, dst: CLIENT, dstPort: 7000 }),
          at({ protocol: 6, dst: CLIENT, dstPort: 7000 }),
          at({ protocol: "udp", dst: CLIENT, dstPort: 7000 }),
          at({ protocol: "tcp", dst: CLIENT, dstPort: 7001 }),
          at({ protocol: "tcp", dst: "fd00::1", dstPort: 7000 }),
          at(null as never),
        );
      }),
    );
    engine.process(control("make", 40000), 1);
    engine.process(control("look", 40000), 2);
    engine.process(control("look", 40001), 3);
    expect(ids[0]).toBe(ids[1]);
    const mine = { class: 1, master: "me", helper: "probe" };
    const theirs = { ...mine, master: "other" };
    expect(found).toEqual([mine, mine, null, null, null, null, theirs, theirs, null, null, null, null]);
  });

  it("expectAll registers every expectation or none: a malformed one registers nothing", () => {
    const outcomes: unknown[] = [];
    const { engine, events } = engineWith(
      probe((ctx) => {
        outcomes.push(ctx.expectAll([request({ dstPort: 6000 }), request({ dstPort: 70000 })]));
      }),
    );
    engine.process(control("x"), 1);
    expect(outcomes).toEqual([{ ok: false, reason: "bad-port", index: 1 }]);
    expect(engine.expectationCount).toBe(0);
    expect(events.filter((e) => e.type === "expect-new")).toEqual([]);
  });

  it("expectAll takes back what it registered when a later one is refused (RTP and RTCP together)", () => {
    const outcomes: { ok: boolean; reason?: string; index?: number; n?: number }[] = [];
    const { engine } = engineWith(
      probe((ctx) => {
        const text = new TextDecoder().decode(ctx.bytes.subarray(ctx.payloadOffset, ctx.payloadOffset + ctx.payloadLength));
        const port = Number(text);
        const r = ctx.expectAll([request({ dstPort: port, src: null }), request({ dstPort: port + 1, src: null })]);
        outcomes.push(r.ok ? { ok: true, n: r.expectations.length } : { ok: false, reason: r.reason, index: r.index });
      }),
    );
    engine.process(control("7001", 40000), 1); // 7001 and 7002
    engine.process(control("7000", 40001), 2); // 7000 is free, 7001 is another master's
    expect(outcomes).toEqual([
      { ok: true, n: 2 },
      { ok: false, reason: "busy", index: 1 },
    ]);
    expect([...engine.pendingExpectations()].map((e) => e.tuple.dstPort).sort()).toEqual([7001, 7002]);
  });
});

describe("helper API v2: the connection view", () => {
  it("has both tuples, the same under a reply-direction packet, and the rest of the connection", () => {
    const seen: string[] = [];
    const { engine } = engineWith(
      probe((ctx) => {
        const c = ctx.connection;
        seen.push(
          `${ctx.direction} ${c.original} | ${c.reply} | ${c.tuple(ctx.direction).srcText} ${c.zone} ${c.mark} ${c.helper} ${c.seenReply} ${c.age} ${c.protocolState === ""}`,
        );
      }),
    );
    const first = engine.process(control("x"), 10);
    engine.setMark(first.slot, 7);
    engine.process(controlReply("y"), 12.5);
    expect(seen).toEqual([
      "0 10.0.1.2:40000 -> 10.0.2.2:9999 | 10.0.2.2:9999 -> 10.0.1.2:40000 | 10.0.1.2 0 0 probe false 0 true",
      "1 10.0.1.2:40000 -> 10.0.2.2:9999 | 10.0.2.2:9999 -> 10.0.1.2:40000 | 10.0.2.2 0 7 probe true 2.5 true",
    ]);
  });

  it("setTimeout sets the connection's timeout from now (nf_ct_refresh)", () => {
    const { engine } = engineWith(probe((ctx) => ctx.setTimeout(3600)));
    const r = engine.process(control("x"), 100);
    expect(engine.connection(r.slot)!.timeout).toBe(3600);
  });
});

describe("helper API v2: lifecycle hooks", () => {
  it("onConnectionDestroyed gets the connection, its state and the reason", () => {
    const ends: string[] = [];
    const { engine } = engineWith(
      probe<{ n: number }>(
        (ctx) => {
          ctx.data.n++;
        },
        {
          createState: () => ({ n: 0 }),
          onConnectionDestroyed: (ctx) => ends.push(`${ctx.connection.original} ${ctx.data.n} ${ctx.reason}`),
        },
      ),
    );
    engine.process(control("x"), 1);
    engine.process(control("y"), 2);
    engine.expire(1000);
    expect(ends).toEqual(["10.0.1.2:40000 -> 10.0.2.2:9999 2 timeout"]);
  });

  it("a helper without a payload hook still gets its state made on the first packet, for its lifecycle hooks", () => {
    const seen: string[] = [];
    const engine = createEngine({
      helpers: [
        defineHelper<{ made: number }>({
          name: "quiet",
          policies: [],
          attach: [{ protocol: "udp", port: 9999 }],
          createState: (ctx) => ({ made: ctx.now }),
          onConnectionDestroyed: (ctx) => void seen.push(`${ctx.data?.made} ${ctx.reason}`),
        }),
      ],
    });
    engine.process(control("x"), 3);
    engine.process(control("y"), 4);
    engine.expire(1000);
    expect(seen).toEqual(["3 timeout"]);
  });

  it("onExpectationMatched sees the new connection and its master, and can attach a helper to it", () => {
    const matched: string[] = [];
    const seenOnData: string[] = [];
    const data = defineHelper({
      name: "data",
      policies: [],
      onPacket: (ctx) => {
        seenOnData.push(`${ctx.direction} ${ctx.connection.master?.original}`);
      },
    });
    const master = probe((ctx) => void ctx.expect(request()), {
      onExpectationMatched: (ctx) => {
        matched.push(`${ctx.expectation.tuple.dstPort} ${ctx.connection.original} ${ctx.master?.original} ${ctx.attachHelper("data")} ${ctx.attachHelper("nope")}`);
      },
    });
    const engine = createEngine({ helpers: [master, data] });
    engine.process(control("x"), 1);
    const r = engine.process(synFrom(SERVER, CLIENT, 5000), 2);
    expect(r).toMatchObject({ stateName: "RELATED", helper: "data" });
    expect(matched).toEqual(["5000 10.0.2.2:20 -> 10.0.1.2:5000 10.0.1.2:40000 -> 10.0.2.2:9999 true false"]);
    expect(seenOnData).toEqual(["0 10.0.1.2:40000 -> 10.0.2.2:9999"]);
  });

  it("onExpectationExpired runs for an expectation that timed out unused, not for one that matched", () => {
    const expired: number[] = [];
    const { engine } = engineWith(
      probe((ctx) => void ctx.expect(request({ dstPort: ctx.srcPort })), {
        onExpectationExpired: (ctx) => expired.push(ctx.expectation.tuple.dstPort),
      }),
    );
    engine.process(control("x", 5000), 1);
    engine.process(control("x", 5001), 1);
    engine.process(synFrom(SERVER, CLIENT, 5000), 2);
    engine.expire(200);
    expect(expired).toEqual([5001]);
  });
});

describe("helper API v2: logging, attachments, containment, versions", () => {
  it("ctx.log ends up in helper-log events, and says when nobody listens", () => {
    const enabled: boolean[] = [];
    const { engine, events } = engineWith(
      probe((ctx) => {
        enabled.push(ctx.log.enabled);
        ctx.log.warn("odd command", { at: 3 });
      }),
    );
    engine.process(control("x"), 1);
    const log = events.find((e) => e.type === "helper-log");
    expect(log).toMatchObject({ helper: "probe", level: "warn", message: "odd command", detail: { at: 3 } });
    const quiet = createEngine({ helpers: [probe((ctx) => void enabled.push(ctx.log.enabled))] });
    quiet.process(control("x"), 1);
    expect(enabled).toEqual([true, false]);
  });

  it("one helper attaches to several protocols, each attachment with its own options", () => {
    const seen: string[] = [];
    const helper = defineHelper<undefined, { transport: string }>({
      name: "multi",
      policies: [],
      attach: [
        { protocol: "udp", port: 5060, options: { transport: "udp" } },
        { protocol: "tcp", port: 5060, options: { transport: "tcp" } },
      ],
      createState: (ctx) => void seen.push(`state ${ctx.options?.transport}`),
      onPacket: (ctx) => void seen.push(`${ctx.protocol} ${ctx.options?.transport}`),
    });
    const engine = createEngine({ helpers: [helper] });
    engine.process(udp({ src: CLIENT, dst: SERVER, sport: 5060, dport: 5060, payload: "x" }), 1);
    engine.process(tcp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 5060, flags: "S" }), 1);
    expect(seen).toEqual(["state udp", "17 udp", "state tcp", "6 tcp"]);
  });

  it("engine attach rules carry options too", () => {
    const seen: unknown[] = [];
    const helper = defineHelper({ name: "opt", policies: [], onPacket: (ctx) => void seen.push(ctx.options) });
    const engine = createEngine({ helpers: [helper], attach: [{ helper: "opt", protocol: "udp", port: 53, options: { n: 1 } }] });
    engine.process(udp({ src: CLIENT, dst: SERVER, sport: 1, dport: 53 }), 1);
    expect(seen).toEqual([{ n: 1 }]);
  });

  it("an answer of the wrong type is contained, counted and reported like a throw", () => {
    const { engine, events } = engineWith(probe(() => 7 as HelperVerdict), { helperErrorVerdict: "drop" });
    const r = engine.process(control("x"), 1);
    expect(r).toMatchObject({ verdictName: "drop", reason: Reason.HELPER_ERROR });
    expect(engine.stats.helperErrors).toBe(1);
    expect(String((events.find((e) => e.type === "helper-error") as { error: unknown }).error)).toMatch(/onPacket returned 7/);
  });

  it("a helper written for v1 is refused with a message that says so", () => {
    const v1 = { name: "old", policies: [], defaultRules: [{ protocol: "tcp", port: 21 }], onPacket() {} } as unknown as Helper;
    expect(() => createEngine({ helpers: [v1] })).toThrow(/helper "old" was written for helper API v1/);
    const v3 = { ...v1, apiVersion: 3 } as unknown as Helper;
    expect(() => createEngine({ helpers: [v3] })).toThrow(/declares helper API v3/);
  });

  it("malformed helpers are refused when the engine is created", () => {
    expect(() => createEngine({ helpers: [defineHelper({ name: "x", policies: [{ maxExpected: -1, timeout: 1 }] })] })).toThrow(/maxExpected/);
    expect(() => createEngine({ helpers: [defineHelper({ name: "x", policies: [{ maxExpected: 1, timeout: 0 }] })] })).toThrow(/timeout/);
    expect(() => createEngine({ helpers: [defineHelper({ name: "x", policies: [], onPacket: 3 as never })] })).toThrow(/onPacket must be a function/);
  });
});

describe("helper API v2: relation hooks answer with a typed reference", () => {
  it("answers other than a view from findQuoted, or a known reason, are contained and reported", () => {
    const answers: unknown[] = [{ related: {}, direction: 0 }, { invalid: 1e300 }, { invalid: -0 }, 42, { related: null, direction: 1 }];
    let i = 0;
    const helper = defineHelper({ name: "rel", policies: [], relate: () => answers[i++] as never });
    const { engine, events } = engineWith(helper);
    const quote = udp({ src: CLIENT, dst: SERVER, sport: 1, dport: 2 });
    engine.process(quote, 1);
    for (let k = 0; k < answers.length; k++) {
      const unreachable = icmp({ src: SERVER, dst: CLIENT, type: 3, code: 3, payload: quote });
      expect(engine.process(unreachable, 2).stateName).toBe("INVALID");
    }
    expect(events.filter((e) => e.type === "helper-error")).toHaveLength(answers.length);
  });
});

