import { udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { createEngine, defineHelper, PacketState, Reason, type Engine, type EngineEvent } from "../src/index.js";

// The engine is not re-entrant: process/expire/flush called from a hook or
// a listener while it is busy throws a clear error, changes nothing, and
// the outer call's result and table stay those of the outer packet.

const CLIENT = "10.0.1.2";
const SERVER = "10.0.2.2";
const outer = udp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 53, payload: "outer" });
const inner = udp({ src: CLIENT, dst: SERVER, sport: 40001, dport: 53, payload: "inner" });

const REENTERED = /was called from inside a helper hook or an event listener while the engine was busy/;

/** The one connection's ports, to check which packet the table holds. */
const ports = (e: Engine) => [...e.connections()].map((c) => `${c.original.srcPort}>${c.original.dstPort}`);

describe("re-entrant calls", () => {
  it("process() from an event listener throws to the listener; the outer result and table are the outer packet's", () => {
    const engine = createEngine({ helpers: [] });
    const caught: unknown[] = [];
    engine.on(
      () => {
        try {
          engine.process(inner, 1);
        } catch (error) {
          caught.push(error);
        }
      },
      { types: ["conn-new"] },
    );
    const r = engine.process(outer, 1);
    expect(caught).toHaveLength(1);
    expect(String(caught[0])).toMatch(REENTERED);
    expect(r.state).toBe(PacketState.NEW);
    expect(r.slot).toBeGreaterThanOrEqual(0);
    expect(engine.connection(r.slot)!.original.srcPort).toBe(40000);
    expect(ports(engine)).toEqual(["40000>53"]);
    // Queued and processed afterwards, the inner packet is tracked normally.
    expect(engine.process(inner, 1).state).toBe(PacketState.NEW);
    expect(ports(engine)).toEqual(["40000>53", "40001>53"]);
  });

  it("the same tuple processed again from a listener cannot be confirmed twice", () => {
    const engine = createEngine({ helpers: [] });
    engine.on(() => void engine.process(outer, 1), { types: ["conn-new"] });
    expect(engine.process(outer, 1).state).toBe(PacketState.NEW);
    expect(engine.connectionCount).toBe(1);
    const reply = engine.process(udp({ src: SERVER, dst: CLIENT, sport: 53, dport: 40000, payload: "r" }), 2);
    expect(reply.state).toBe(PacketState.ESTABLISHED);
    expect(engine.connectionCount).toBe(1);
  });

  it("process() from a helper hook is contained as a helper error; the outer packet keeps its own result", () => {
    let engine!: Engine;
    const helper = defineHelper({
      name: "nested",
      policies: [],
      attach: [{ protocol: "udp", port: 53 }],
      onPacket: () => void engine.process(inner, 1),
    });
    for (const verdict of ["accept", "drop"] as const) {
      engine = createEngine({ helpers: [helper], helperErrorVerdict: verdict });
      const errors: EngineEvent[] = [];
      engine.on((e) => errors.push(e), { types: ["helper-error"] });
      const r = engine.process(outer, 1);
      expect(engine.stats.helperErrors).toBe(1);
      expect(String((errors[0] as { error: unknown }).error)).toMatch(REENTERED);
      expect(r.state).toBe(PacketState.NEW);
      if (verdict === "accept") {
        expect(r.verdictName).toBe("accept");
        expect(ports(engine)).toEqual(["40000>53"]);
      } else {
        // Dropped on its first packet: the connection is never confirmed, as Linux discards an unconfirmed one.
        expect(r.reason).toBe(Reason.HELPER_ERROR);
        expect(engine.connectionCount).toBe(0);
      }
    }
  });

  it("flush() and expire() from a listener while a packet is processed throw and change nothing", () => {
    const engine = createEngine({ helpers: [] });
    const caught: string[] = [];
    engine.on(
      () => {
        for (const call of [() => engine.flush(), () => engine.expire(1e9)]) {
          try {
            call();
          } catch (error) {
            caught.push(String(error));
          }
        }
      },
      { types: ["conn-new"] },
    );
    const r = engine.process(outer, 1);
    expect(caught).toHaveLength(2);
    for (const m of caught) expect(m).toMatch(REENTERED);
    expect(r.state).toBe(PacketState.NEW);
    expect(ports(engine)).toEqual(["40000>53"]);
    expect(engine.connection(r.slot)!.timeout).toBeGreaterThan(0);
  });

  it("process() from a listener of the events expire() and flush() emit throws; the sweep completes", () => {
    const engine = createEngine({ helpers: [], timeouts: { udpUnreplied: 10 } });
    engine.process(outer, 1);
    engine.process(inner, 1);
    const caught: string[] = [];
    engine.on(
      () => {
        try {
          engine.process(udp({ src: CLIENT, dst: SERVER, sport: 40002, dport: 53 }), 100);
        } catch (error) {
          caught.push(String(error));
        }
      },
      { types: ["conn-destroy"] },
    );
    engine.expire(100);
    expect(caught).toHaveLength(2);
    expect(engine.connectionCount).toBe(0);
    engine.process(outer, 101);
    engine.flush();
    expect(caught).toHaveLength(3);
    expect(engine.connectionCount).toBe(0);
    // Not busy any more: a normal call works.
    expect(engine.process(inner, 102).state).toBe(PacketState.NEW);
  });

  it("a throw from the nested call leaves the engine usable (the busy flag is cleared)", () => {
    const engine = createEngine({ helpers: [] });
    engine.on(() => void engine.process(inner, 1), { types: ["conn-new"] });
    engine.process(outer, 1);
    expect(() => engine.expire(2)).not.toThrow();
    expect(() => engine.flush()).not.toThrow();
    expect(engine.process(outer, 3).state).toBe(PacketState.NEW);
  });
});
