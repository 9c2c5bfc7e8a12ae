import { describe, expect, it } from "vitest";
import {
  GRE_KEYMAPS,
  PacketKind,
  Reason,
  TOKENS,
  TRACK_OK,
  container,
  createEngine,
  defineHelper,
  defineTracker,
  offerService,
  serviceToken,
  type ProtocolTracker,
} from "../src/index.js";
import { ipv4, udp } from "@alg-sdk/testing";

// The protocol-tracker plugin interface: registration, defaults, timeouts,
// per-engine copies and services.

const PROTO = 253;
const packet = (src: string, dst: string, body: number[] = [0, 1, 0, 2]) => ipv4({ src, dst, protocol: PROTO, payload: body });

/** A tiny tracker: the first two 16-bit fields are the keys; a reply assures. */
function toy(extra: Partial<Parameters<typeof defineTracker>[0]> = {}): ProtocolTracker {
  return defineTracker({
    name: "toy",
    protocols: [PROTO],
    hasPorts: true,
    timeouts: { toyUnreplied: 20, toyReplied: 90 },
    decode(p) {
      p.clearTransport();
      if (p.l4Length < 4) return Reason.TRUNCATED;
      p.sport = (p.bytes[p.l4Offset]! << 8) | p.bytes[p.l4Offset + 1]!;
      p.dport = (p.bytes[p.l4Offset + 2]! << 8) | p.bytes[p.l4Offset + 3]!;
      p.hasPorts = true;
      return Reason.NONE;
    },
    packet(t, s, dir, p, cfg) {
      t.setExpires(s, p.time[0]! + (dir === 1 ? cfg.timeouts.toyReplied! : cfg.timeouts.toyUnreplied!));
      return TRACK_OK;
    },
    ...extra,
  });
}

describe("registering a tracker", () => {
  it("takes its protocol number over from the generic tracker, with its name and state names in snapshots", () => {
    const e = createEngine({ trackers: [toy({ states: ["NONE", "OPEN"], init: (t, s) => t.setProtoState(s, 1) })] });
    const r = e.process(packet("10.0.1.2", "10.0.2.2"), 1);
    expect(r.stateName).toBe("NEW");
    const c = e.connection(r.slot)!;
    expect([c.original.protocolName, c.original.srcPort, c.original.dstPort, c.protocolState, Math.round(c.timeout)]).toEqual(["toy", 1, 2, "OPEN", 20]);
    expect(e.process(packet("10.0.2.2", "10.0.1.2", [0, 2, 0, 1]), 2)).toMatchObject({ stateName: "ESTABLISHED", directionName: "reply" });
  });

  it("can be registered through the container (TOKENS.Tracker), as a daemon composing plugins would", () => {
    const child = container.createChildContainer();
    child.register(TOKENS.Tracker, { useValue: toy() });
    const e = createEngine({ container: child });
    expect(e.connection(e.process(packet("10.0.1.2", "10.0.2.2"), 1).slot)!.original.protocolName).toBe("toy");
  });

  it("defineTracker fills Linux's defaults: keys swap, every packet can start, nothing to early-drop, no checksum", () => {
    const t = toy();
    const out = new Uint16Array(2);
    expect([t.invertKeys(1, 2, out), [...out]]).toEqual([Reason.NONE, [2, 1]]);
    expect([t.minHeaderLength, t.canEarlyDrop({} as never, 0), t.stateName(3), t.keys(1, 2)]).toEqual([1, false, "", { srcPort: 1, dstPort: 2 }]);
    expect(t.classify({} as never)).toBe(PacketKind.TRACK);
  });

  it("refuses malformed trackers with a TypeError that names the problem", () => {
    const bad: [unknown, RegExp][] = [
      [{ ...toy(), name: "Toy" }, /lower-case/],
      [{ ...toy(), name: "generic" }, /reserved/],
      [{ ...toy(), protocols: [] }, /at least one/],
      [{ ...toy(), protocols: [300] }, /0\.\.255/],
      [{ ...toy(), decode: 1 }, /decode must be a function/],
      [{ ...toy(), natRewrite: "x" }, /natRewrite must be a function/],
      [{ ...toy(), timeouts: { toyReplied: -1 } }, /positive number/],
      [{ ...toy(), services: [{}] }, /offerService/],
    ];
    for (const [t, message] of bad) expect(() => createEngine({ trackers: [t as ProtocolTracker] })).toThrow(message);
  });
});

describe("tracker timeouts", () => {
  it("a tracker's defaults join the engine's timeouts, and EngineOptions.timeouts overrides them by name", () => {
    const e = createEngine({ trackers: [toy()], timeouts: { toyUnreplied: 7 } });
    expect(Math.round(e.connection(e.process(packet("10.0.1.2", "10.0.2.2"), 1).slot)!.timeout)).toBe(7);
  });

  it("an unknown timeout name or a non-positive value is a RangeError; a tracker may not take a built-in or another tracker's name", () => {
    expect(() => createEngine({ timeouts: { toyUnreplied: 7 } })).toThrow(/unknown timeout "toyUnreplied"/);
    expect(() => createEngine({ timeouts: { udpReplied: 0 } })).toThrow(RangeError);
    expect(() => createEngine({ trackers: [toy({ timeouts: { udpReplied: 5 } })] })).toThrow(/built-in timeout/);
    const other = { ...toy({ timeouts: { toyReplied: 5 } }), name: "other", protocols: [252] };
    expect(() => createEngine({ trackers: [toy(), other] })).toThrow(/belongs to tracker "toy"/);
  });
});

describe("per-engine trackers and services", () => {
  const COUNTER = serviceToken<{ count: number }>("@alg-sdk/test/counter");
  function counting(): ProtocolTracker {
    const state = { count: 0 };
    return toy({
      services: [offerService(COUNTER, state)],
      packet(t, s, _dir, p) {
        state.count++;
        t.setExpires(s, p.time[0]! + 30);
        return TRACK_OK;
      },
      instantiate: () => counting(),
    });
  }

  it("instantiate gives each engine its own copy, whose services the engine offers", () => {
    const t = counting();
    const one = createEngine({ trackers: [t] });
    const two = createEngine({ trackers: [t] });
    one.process(packet("10.0.1.2", "10.0.2.2"), 1);
    one.process(packet("10.0.1.2", "10.0.2.2"), 2);
    expect([one.service(COUNTER)!.count, two.service(COUNTER)!.count]).toEqual([2, 0]);
  });

  it("a helper reaches a tracker's service from its hooks (ctx.service), and gets undefined for a token nobody offers", () => {
    const seen: unknown[] = [];
    const probe = defineHelper({
      name: "probe",
      policies: [],
      attach: [{ protocol: "udp", port: 53 }],
      onPacket() {},
      createState(ctx) {
        seen.push(ctx.service(COUNTER)?.count, ctx.service(serviceToken("@alg-sdk/test/none")), ctx.service(GRE_KEYMAPS)?.size);
        return undefined;
      },
    });
    const e = createEngine({ trackers: [counting()], helpers: [probe] });
    e.process(packet("10.0.1.2", "10.0.2.2"), 1);
    e.process(udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 53, payload: "q" }), 2);
    expect(seen).toEqual([1, undefined, 0]);
  });

  it("a tracker replaced for all its protocol numbers no longer offers its services", () => {
    const plain = defineTracker({ name: "gre", protocols: [47], decode: () => Reason.NONE, packet: () => TRACK_OK });
    expect(createEngine().service(GRE_KEYMAPS)).toBeDefined();
    expect(createEngine({ trackers: [plain] }).service(GRE_KEYMAPS)).toBeUndefined();
  });

  it("tokens with the same name are the same token", () => {
    expect(serviceToken("@x/y").key).toBe(serviceToken("@x/y").key);
    expect(() => serviceToken("")).toThrow(TypeError);
  });
});

describe("killConnection (helper API)", () => {
  const dns = (sport: number) => udp({ src: "10.0.1.2", dst: "10.0.2.2", sport, dport: 53, payload: "q" });
  function killer(target: () => { srcPort: number }, onDestroy = false) {
    const results: (boolean | number)[] = [];
    const h = defineHelper({
      name: "killer",
      policies: [],
      attach: [{ protocol: "udp", port: 53 }],
      onPacket(ctx) {
        if (!onDestroy && ctx.srcPort === 1) {
          results.push(ctx.killConnection({ protocol: "udp", src: "10.0.1.2", dst: "10.0.2.2", srcPort: target().srcPort, dstPort: 53 }));
        }
      },
      onConnectionDestroyed(ctx) {
        if (!onDestroy) return;
        results.push(ctx.connection.original.srcPort);
        if (ctx.connection.original.srcPort === 1) {
          results.push(ctx.killConnection({ protocol: 17, src: "10.0.2.2", dst: "10.0.1.2", srcPort: 53, dstPort: target().srcPort }));
          // Still this hook's connection after the inner hook ran.
          results.push(ctx.connection.original.srcPort, ctx.data === undefined ? 0 : -1);
        }
      },
    });
    return { h, results };
  }

  it("destroys the connection named by either of its tuples, reason \"killed\"; never the hook's own; false when none", () => {
    let victim = 2;
    const { h, results } = killer(() => ({ srcPort: victim }));
    const e = createEngine({ helpers: [h] });
    const ends: string[] = [];
    e.on((ev) => {
      if (ev.type === "conn-destroy") ends.push(`${ev.connection.original.srcPort}:${ev.reason}`);
    });
    e.process(dns(2), 1);
    e.process(dns(1), 2);
    victim = 1;
    e.process(dns(1), 3);
    victim = 9;
    e.process(dns(1), 4);
    expect(results).toEqual([true, false, false]);
    expect(ends).toEqual(["2:killed"]);
  });

  it("from a destroy hook (by the reply tuple): the inner destroy hook gets its own context, the outer one's stays intact", () => {
    const { h, results } = killer(() => ({ srcPort: 2 }), true);
    const e = createEngine({ helpers: [h] });
    e.process(dns(1), 1);
    e.process(dns(2), 1);
    e.flush();
    // Outer hook for 1, inner hook for 2 (killed), back in the outer hook: still connection 1.
    expect(results).toEqual([1, 2, true, 1, 0]);
    expect(e.connectionCount).toBe(0);
  });
});
