import { tcp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { createEngine, FilterVerdict, formatAddress, natTarget, Verdict, type PolicyPacket } from "../src/index.js";

const LAN = 1;
const WAN = 2;
const DMZ = 3;
const CLIENT = "10.0.1.2";
const SERVER = "192.0.2.10";
const PUBLISHED = "192.0.2.80";
const INSIDE_SERVER = "10.0.3.80";

/** One hook call: which hook, and the interfaces it saw. */
type Seen = [hook: string, inInterface: number, outInterface: number];

function recordingPolicy(seen: Seen[], dnat = false) {
  return {
    destinationNat(p: PolicyPacket) {
      seen.push(["dnat", p.inInterface, p.outInterface]);
      return dnat ? natTarget({ address: INSIDE_SERVER }) : null;
    },
    filter(p: PolicyPacket) {
      seen.push(["filter", p.inInterface, p.outInterface]);
      return FilterVerdict.ACCEPT;
    },
    sourceNat(p: PolicyPacket) {
      seen.push(["snat", p.inInterface, p.outInterface]);
      return null;
    },
  };
}

describe("interfaces in the policy view (nft iif / oif)", () => {
  it("shows each hook the interfaces Linux's hook has: prerouting the input, forward both, postrouting the output", () => {
    const seen: Seen[] = [];
    const engine = createEngine({ policy: recordingPolicy(seen) });
    engine.interfaces[0] = LAN;
    engine.interfaces[1] = WAN;
    engine.process(tcp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 80, seq: 1, flags: "S" }), 1);
    expect(seen).toEqual([
      ["dnat", LAN, 0],
      ["filter", LAN, WAN],
      ["snat", 0, WAN],
    ]);
    seen.length = 0;
    engine.interfaces[0] = WAN;
    engine.interfaces[1] = LAN;
    engine.process(tcp({ src: SERVER, dst: CLIENT, sport: 80, dport: 40000, seq: 900, ack: 2, flags: "SA" }), 1.1);
    // A known connection: only the filter runs, and it sees the reply's own interfaces.
    expect(seen).toEqual([["filter", WAN, LAN]]);
  });

  it("reads 0 (unknown) when the caller never wrote the cells", () => {
    const seen: Seen[] = [];
    const engine = createEngine({ policy: recordingPolicy(seen) });
    engine.process(udp({ src: CLIENT, dst: SERVER, sport: 5000, dport: 53 }), 1);
    expect(seen).toEqual([
      ["dnat", 0, 0],
      ["filter", 0, 0],
      ["snat", 0, 0],
    ]);
  });

  it("asks the route option after destination NAT, with the translated destination, and shows its answer to the filter and source NAT", () => {
    const seen: Seen[] = [];
    const routed: string[] = [];
    const engine = createEngine({
      policy: recordingPolicy(seen, true),
      route(p) {
        routed.push(`${formatAddress(p.family, p.dst)} in ${p.inInterface} out ${p.outInterface}`);
        return p.dst[0]! >>> 24 === 10 ? DMZ : WAN;
      },
    });
    engine.interfaces[0] = WAN;
    // What the caller wrote is replaced by the router's answer.
    engine.interfaces[1] = WAN;
    const r = engine.process(tcp({ src: SERVER, dst: PUBLISHED, sport: 40000, dport: 80, seq: 1, flags: "S" }), 1);
    expect(r.verdict).toBe(Verdict.ACCEPT);
    expect(routed).toEqual([`${INSIDE_SERVER} in ${WAN} out 0`]);
    expect(seen).toEqual([
      ["dnat", WAN, 0],
      ["filter", WAN, DMZ],
      ["snat", 0, DMZ],
    ]);
    expect(engine.interfaces[1]).toBe(DMZ);
  });

  it("lets a filter drop by interface: NEW connections coming in on wan", () => {
    const engine = createEngine({
      policy: { filter: (p) => (p.inInterface === WAN && p.state === 0 ? FilterVerdict.DROP : FilterVerdict.ACCEPT) },
    });
    engine.interfaces[0] = WAN;
    engine.interfaces[1] = LAN;
    expect(engine.process(tcp({ src: SERVER, dst: CLIENT, sport: 40000, dport: 22, seq: 1, flags: "S" }), 1).verdict).toBe(Verdict.DROP);
    engine.interfaces[0] = LAN;
    engine.interfaces[1] = WAN;
    expect(engine.process(tcp({ src: CLIENT, dst: SERVER, sport: 40000, dport: 22, seq: 1, flags: "S" }), 2).verdict).toBe(Verdict.ACCEPT);
    engine.interfaces[0] = WAN;
    engine.interfaces[1] = LAN;
    expect(engine.process(tcp({ src: SERVER, dst: CLIENT, sport: 22, dport: 40000, seq: 7, ack: 2, flags: "SA" }), 3).verdict).toBe(Verdict.ACCEPT);
  });

  it("a router that throws gives 0, so output-interface matches fail instead of tracking breaking", () => {
    const seen: Seen[] = [];
    const engine = createEngine({
      policy: recordingPolicy(seen),
      route() {
        throw new Error("no route");
      },
    });
    engine.interfaces[0] = LAN;
    engine.interfaces[1] = WAN;
    expect(engine.process(udp({ src: CLIENT, dst: SERVER, sport: 5000, dport: 53 }), 1).verdict).toBe(Verdict.ACCEPT);
    expect(seen).toEqual([
      ["dnat", LAN, 0],
      ["filter", LAN, 0],
      ["snat", 0, 0],
    ]);
  });

  it("does not call the router when no stage reads the output interface", () => {
    let calls = 0;
    const engine = createEngine({
      policy: { destinationNat: () => null },
      route: () => ++calls,
    });
    engine.process(udp({ src: CLIENT, dst: SERVER, sport: 5000, dport: 53 }), 1);
    expect(calls).toBe(0);
  });
});

