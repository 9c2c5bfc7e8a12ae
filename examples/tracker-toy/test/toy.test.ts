import { describe, expect, it } from "vitest";
import { createEngine, formatConnection, type Engine } from "@alg-sdk/core";
import { ipv4 } from "@alg-sdk/testing";
import { ToyType, toyMessage, toyTracker } from "../src/index.js";

// The example tracker, through a real engine, from the outside only.

const A = "10.0.1.2";
const B = "10.0.2.2";
const toA = (from: number, to: number, type: number) => ipv4({ src: B, dst: A, protocol: 253, payload: toyMessage(from, to, type) });
const toB = (from: number, to: number, type: number, payload?: Uint8Array) => ipv4({ src: A, dst: B, protocol: 253, payload: toyMessage(from, to, type, payload) });

function send(e: Engine, bytes: Uint8Array, ts: number) {
  const r = e.process(bytes, ts);
  const c = r.slot >= 0 ? e.connection(r.slot) : null;
  return { state: r.stateName, dir: r.directionName, reason: r.reasonName, proto: c?.protocolState ?? null, timeout: c ? Math.round(c.timeout) : null };
}

describe("the toy tracker", () => {
  it("OPEN starts a session, the peer's ACCEPT makes it OPEN and ASSURED, DATA keeps it, CLOSE ends it", () => {
    const e = createEngine({ trackers: [toyTracker()] });
    expect(send(e, toB(7, 9, ToyType.OPEN), 1)).toEqual({ state: "NEW", dir: "original", reason: null, proto: "OPENING", timeout: 10 });
    expect(send(e, toA(9, 7, ToyType.ACCEPT), 2)).toEqual({ state: "ESTABLISHED", dir: "reply", reason: null, proto: "OPEN", timeout: 300 });
    expect(send(e, toB(7, 9, ToyType.DATA, new Uint8Array([1, 2])), 3)).toMatchObject({ state: "ESTABLISHED", proto: "OPEN" });
    expect([...e.connections()][0]!.assured).toBe(true);
    expect(send(e, toA(9, 7, ToyType.CLOSE), 4)).toMatchObject({ proto: "CLOSED", timeout: 5 });
  });

  it("only an OPEN can start a session; DATA before ACCEPT and an ACCEPT from the opener are INVALID", () => {
    const e = createEngine({ trackers: [toyTracker()] });
    expect(send(e, toB(7, 9, ToyType.DATA), 1)).toMatchObject({ state: "INVALID", reason: "tracker-invalid" });
    expect(e.connectionCount).toBe(0);
    send(e, toB(7, 9, ToyType.OPEN), 1);
    expect(send(e, toB(7, 9, ToyType.DATA), 2)).toMatchObject({ state: "INVALID", reason: "tracker-invalid" });
    expect(send(e, toB(7, 9, ToyType.ACCEPT), 2)).toMatchObject({ state: "INVALID" });
  });

  it("after CLOSE late DATA is INVALID, and a new OPEN starts a new session", () => {
    const e = createEngine({ trackers: [toyTracker()] });
    send(e, toB(7, 9, ToyType.OPEN), 1);
    send(e, toA(9, 7, ToyType.ACCEPT), 1);
    send(e, toB(7, 9, ToyType.CLOSE), 2);
    expect(send(e, toA(9, 7, ToyType.DATA), 2).state).toBe("INVALID");
    const events: string[] = [];
    e.on((ev) => events.push(ev.type === "conn-destroy" ? `destroy:${ev.reason}` : ev.type));
    expect(send(e, toB(7, 9, ToyType.OPEN), 3)).toMatchObject({ state: "NEW", proto: "OPENING" });
    expect(events).toEqual(["destroy:reopened", "conn-new"]);
  });

  it("a malformed header is INVALID: too short, or a length beyond the datagram", () => {
    const e = createEngine({ trackers: [toyTracker()] });
    expect(send(e, ipv4({ src: A, dst: B, protocol: 253, payload: [0, 1, 0, 2] }), 1)).toMatchObject({ state: "INVALID", reason: "truncated" });
    const lying = toyMessage(1, 2, ToyType.OPEN);
    lying[7] = 9;
    expect(send(e, ipv4({ src: A, dst: B, protocol: 253, payload: lying }), 1)).toMatchObject({ state: "INVALID", reason: "bad-l4-header" });
  });

  it("its timeouts are the engine's, by name; sessions time out", () => {
    const e = createEngine({ trackers: [toyTracker()], timeouts: { toyOpening: 2 } });
    expect(send(e, toB(7, 9, ToyType.OPEN), 1).timeout).toBe(2);
    expect(send(e, toA(9, 7, ToyType.ACCEPT), 4)).toMatchObject({ state: "INVALID" });
  });

  it("prints its keys as conntrack -L would, and can live on another protocol number", () => {
    const e = createEngine({ trackers: [toyTracker({ protocol: 254 })] });
    e.process(ipv4({ src: A, dst: B, protocol: 254, payload: toyMessage(7, 9, ToyType.OPEN) }), 1);
    expect(formatConnection([...e.connections()][0]!)).toMatch(/^toy\s+254 10 OPENING src=10\.0\.1\.2 dst=10\.0\.2\.2 from=7 to=9 \[UNREPLIED\] src=10\.0\.2\.2 dst=10\.0\.1\.2 from=9 to=7 /);
    expect(() => toyTracker({ protocol: 300 })).toThrow(RangeError);
  });

  it("without it the protocol is tracked generically: no states, every packet accepted", () => {
    const e = createEngine();
    expect(send(e, toB(7, 9, ToyType.DATA), 1)).toMatchObject({ state: "NEW", proto: "" });
  });
});
