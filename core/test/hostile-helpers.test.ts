import { icmp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import {
  createEngine,
  defineHelper,
  PacketState,
  Reason,
  type EngineEvent,
  type ExpectationRequest,
  type ExpectOutcome,
  type PacketContext,
  type RelateAnswer,
  type RelateContext,
} from "../src/index.js";

// A helper's answers and requests are input like packets: whatever a
// buggy or hostile helper returns, the engine refuses it with a reason,
// counts it, and never throws out of `process`.

const CLIENT = "10.0.1.2";
const SERVER = "10.0.2.2";

/** A request that is accepted as it is (each case below spoils one field). */
const good = { protocol: "tcp", src: SERVER, dst: CLIENT, dstPort: 5000 };

/** What `ctx.expect(request)` answers from inside a payload hook, and whether it threw. */
function expectFromHook(request: unknown): { outcome: ExpectOutcome | undefined; threw: unknown; engine: ReturnType<typeof createEngine> } {
  let outcome: ExpectOutcome | undefined;
  let threw: unknown;
  const helper = defineHelper({
    name: "liar",
    policies: [{ name: "data", maxExpected: 4, timeout: 60 }],
    attach: [{ protocol: "udp", port: 9999 }],
    onPacket(ctx: PacketContext) {
      try {
        outcome = ctx.expect(request as ExpectationRequest);
      } catch (error) {
        threw = error;
      }
    },
  });
  const engine = createEngine({ helpers: [helper] });
  engine.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 9999, payload: "x" }), 1);
  return { outcome, threw, engine };
}

function throwingGetter(field: string): object {
  return Object.defineProperty({ ...good }, field, {
    enumerable: true,
    get() {
      throw new Error(`hostile ${field}`);
    },
  });
}

const hostileProxy = new Proxy({}, {
  get() {
    throw new Error("hostile proxy");
  },
  has() {
    throw new Error("hostile proxy");
  },
});

describe("ctx.expect() refuses malformed requests with a typed reason and never throws", () => {
  const cases: [string, string, unknown][] = [
    ["class __proto__", "unknown-class", { ...good, class: "__proto__" }],
    ["class constructor", "unknown-class", { ...good, class: "constructor" }],
    ["class -1", "unknown-class", { ...good, class: -1 }],
    ["class NaN", "unknown-class", { ...good, class: Number.NaN }],
    ["class 1 (only one policy)", "unknown-class", { ...good, class: 1 }],
    ["protocol 300", "bad-protocol", { ...good, protocol: 300 }],
    ["protocol NaN", "bad-protocol", { ...good, protocol: Number.NaN }],
    ["protocol -1", "bad-protocol", { ...good, protocol: -1 }],
    ["protocol 6.5", "bad-protocol", { ...good, protocol: 6.5 }],
    ["protocol __proto__", "bad-protocol", { ...good, protocol: "__proto__" }],
    ["protocol object", "bad-protocol", { ...good, protocol: {} }],
    ["dst 12345 as a number", "bad-address", { ...good, dst: 12345 }],
    ["dst null", "bad-address", { ...good, dst: null }],
    ["dst missing", "bad-address", { protocol: "tcp", dstPort: 5000 }],
    ["dst word 2^33", "bad-address", { ...good, dst: [2 ** 33] }],
    ["dst text out of range", "bad-address", { ...good, dst: "10.0.1.256" }],
    ["dst IPv6 on an IPv4 master", "bad-family", { ...good, dst: "fd00::1" }],
    ["dstPort NaN", "bad-port", { ...good, dstPort: Number.NaN }],
    ["dstPort 65536", "bad-port", { ...good, dstPort: 65536 }],
    ["dstPort as text", "bad-port", { ...good, dstPort: "5000" }],
    ["srcPort 1.5", "bad-port", { ...good, srcPort: 1.5 }],
    ["flags unknown bit", "bad-request", { ...good, flags: 8 }],
    ["flags NaN", "bad-request", { ...good, flags: Number.NaN }],
    ["helper __proto__", "unknown-helper", { ...good, helper: "__proto__" }],
    ["helper not a string", "unknown-helper", { ...good, helper: 1 }],
    ["timeout NaN", "bad-timeout", { ...good, timeout: Number.NaN }],
    ["timeout -5", "bad-timeout", { ...good, timeout: -5 }],
    ["timeout as text", "bad-timeout", { ...good, timeout: "60" }],
    ["searchPort as text", "bad-request", { ...good, searchPort: "yes" }],
    ["null request", "bad-request", null],
    ["undefined request", "bad-request", undefined],
    ["a number", "bad-request", 42],
    ["a string", "bad-request", "10.0.1.2:5000"],
    ["a getter that throws (class)", "bad-request", throwingGetter("class")],
    ["a getter that throws (dst)", "bad-request", throwingGetter("dst")],
    ["a getter that throws (dstPort)", "bad-request", throwingGetter("dstPort")],
    ["a proxy that throws", "bad-request", hostileProxy],
  ];
  for (const [name, reason, request] of cases) {
    it(`${name}: ${reason}`, () => {
      const { outcome, threw, engine } = expectFromHook(request);
      expect(threw).toBeUndefined();
      expect(outcome).toEqual({ ok: false, reason });
      expect(engine.expectationCount).toBe(0);
      expect(engine.stats.expectationsRefused).toBe(1);
      expect(engine.stats.helperErrors).toBe(0);
    });
  }

  it("the well-formed request the cases spoil is accepted", () => {
    const { outcome, engine } = expectFromHook(good);
    expect(outcome?.ok).toBe(true);
    expect(engine.expectationCount).toBe(1);
  });

  it("expectAll: a hostile list or element is refused whole, never thrown", () => {
    const lists: unknown[] = [null, 7, "abc", { length: 2 }, [good, null], [good, throwingGetter("dstPort")], hostileProxy];
    for (const [k, list] of lists.entries()) {
      let outcome: unknown;
      let threw: unknown;
      const helper = defineHelper({
        name: "liar",
        policies: [{ maxExpected: 4, timeout: 60 }],
        attach: [{ protocol: "udp", port: 9999 }],
        onPacket(ctx: PacketContext) {
          try {
            outcome = ctx.expectAll(list as ExpectationRequest[]);
          } catch (error) {
            threw = error;
          }
        },
      });
      const engine = createEngine({ helpers: [helper] });
      engine.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 9999, payload: "x" }), 1);
      expect(threw, `list ${k}`).toBeUndefined();
      expect(outcome).toMatchObject({ ok: false, reason: "bad-request" });
      expect(engine.expectationCount).toBe(0);
    }
  });

  it("handles and the other context calls shrug off garbage arguments", () => {
    const results: unknown[] = [];
    const helper = defineHelper({
      name: "liar",
      policies: [{ maxExpected: 4, timeout: 60 }],
      attach: [{ protocol: "udp", port: 9999 }],
      onPacket(ctx: PacketContext) {
        const r = ctx.expect(good as ExpectationRequest);
        if (!r.ok) throw new Error("the good request was refused");
        const h = r.expectation;
        for (const s of [Number.NaN, -1, 0, Infinity, "5" as never]) results.push(h.refresh(s));
        ctx.setTimeout(Number.NaN);
        ctx.setTimeout(-1);
        ctx.setTimeout(Infinity);
        results.push(ctx.rewrite(Number.NaN, 1, "x"), ctx.rewrite(0, -1, "x"), ctx.rewrite(0, 1, 5 as never));
        results.push(ctx.expectations({ class: "__proto__" as never }).length, ctx.removeExpectations({ class: Number.NaN }));
        results.push(h.remove(), h.remove(), h.activate(), h.refresh(10));
      },
    });
    const engine = createEngine({ helpers: [helper] });
    engine.process(udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 9999, payload: "x" }), 1);
    expect(engine.stats.helperErrors).toBe(0);
    expect(results).toEqual([false, false, false, false, false, false, false, false, 0, 0, true, false, false, false]);
    const c = [...engine.connections()][0]!;
    expect(c.timeout).toBeGreaterThan(0);
    expect(Number.isFinite(c.timeout)).toBe(true);
  });
});

describe("relation answers are range-checked", () => {
  /** A UDP flow, then an ICMP port-unreachable quoting it; the relate hook answers `answer(ctx)`. */
  function relateWith(answer: (ctx: RelateContext) => unknown) {
    const helper = defineHelper({ name: "liar", policies: [], relate: (ctx) => answer(ctx) as RelateAnswer });
    const engine = createEngine({ helpers: [helper] });
    const events: EngineEvent[] = [];
    engine.on((e) => events.push(e), { types: ["helper-error"] });
    const flow = udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53, payload: "q" });
    engine.process(flow, 1);
    // A second connection in slot 1, so an answer that turned into "slot 1" would show.
    engine.process(udp({ src: CLIENT, dst: SERVER, sport: 40001, dport: 53, payload: "q" }), 1);
    const error = icmp({ src: SERVER, dst: CLIENT, type: 3, code: 3, payload: flow.subarray(0, 28) });
    let threw: unknown;
    let state = -1;
    let reason = -1;
    try {
      const r = engine.process(error, 2);
      state = r.state;
      reason = r.reason;
    } catch (e) {
      threw = e;
    }
    return { threw, state, reason, errors: events.length, engine };
  }

  const numbers = [0, 1, -0, 1e300, 2 ** 53, 2 ** 32 + 2, -1, -(2 ** 31), Number.NaN, Infinity];
  for (const n of numbers) {
    it(`a bare number (${Object.is(n, -0) ? "-0" : n}) is not an answer`, () => {
      const r = relateWith(() => n);
      expect(r.threw).toBeUndefined();
      expect(r.state).toBe(PacketState.INVALID);
      expect(r.reason).toBe(Reason.ICMP_ERROR_UNRELATED);
      expect(r.errors).toBe(1);
    });
  }

  for (const dir of [2, -1, 0.5, 1e300, 2 ** 32, 2 ** 32 + 1, Number.NaN, "0", null]) {
    it(`direction ${String(dir)} is refused even with a real view`, () => {
      const r = relateWith((ctx) => {
        const q = ctx.findQuoted(ctx.l4Offset + 8, ctx.l4Length - 8);
        return q.found ? { related: q.connection, direction: dir } : undefined;
      });
      expect(r.threw).toBeUndefined();
      expect(r.state).toBe(PacketState.INVALID);
      expect(r.errors).toBe(1);
    });
  }

  for (const invalid of [0, -0, -5, 1.5, 2 ** 32 + 2, 2 ** 53, 1e300, Number.NaN, "3", 999]) {
    it(`{ invalid: ${String(invalid)} } is refused (not a Reason)`, () => {
      const r = relateWith(() => ({ invalid }));
      expect(r.threw).toBeUndefined();
      expect(r.state).toBe(PacketState.INVALID);
      expect(r.reason).toBe(Reason.ICMP_ERROR_UNRELATED);
      expect(r.errors).toBe(1);
    });
  }

  it("a known reason is taken", () => {
    const r = relateWith(() => ({ invalid: Reason.BAD_CHECKSUM }));
    expect([r.state, r.reason, r.errors]).toEqual([PacketState.INVALID, Reason.BAD_CHECKSUM, 0]);
  });

  it("the real view and direction relate the error", () => {
    const r = relateWith((ctx) => {
      const q = ctx.findQuoted(ctx.l4Offset + 8, ctx.l4Length - 8);
      return q.found ? { related: q.connection, direction: (q.direction ^ 1) as 0 | 1 } : undefined;
    });
    expect([r.state, r.errors]).toEqual([PacketState.RELATED, 0]);
  });

  it("answers whose getters or proxy traps throw are contained, not thrown out of process()", () => {
    const hostile: (() => unknown)[] = [
      () => ({
        get related() {
          throw new Error("hostile related");
        },
        direction: 0,
      }),
      () => ({
        related: {},
        get direction() {
          throw new Error("hostile direction");
        },
      }),
      () => ({
        get invalid() {
          throw new Error("hostile invalid");
        },
      }),
      () => hostileProxy,
    ];
    for (const answer of hostile) {
      const r = relateWith(answer);
      expect(r.threw).toBeUndefined();
      expect(r.state).toBe(PacketState.INVALID);
      expect(r.errors).toBe(1);
    }
  });

  it("a view from findQuoted used after the hook returned is stale, not a way into another slot", () => {
    let kept: unknown;
    const first = relateWith((ctx) => {
      const q = ctx.findQuoted(ctx.l4Offset + 8, ctx.l4Length - 8);
      if (q.found) kept = q.connection;
      return undefined;
    });
    expect(first.state).toBe(PacketState.INVALID);
    const second = relateWith(() => ({ related: kept, direction: 0 }));
    expect(second.state).toBe(PacketState.INVALID);
    expect(second.errors).toBe(1);
  });
});
