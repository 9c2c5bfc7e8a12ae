import { tcp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { createEngine, FilterVerdict, PacketState, Reason, Verdict, type PolicyPacket } from "../src/index.js";

const A = "10.0.1.2";
const B = "10.0.2.2";

describe("policy filter hook (the forward chain between prerouting and postrouting)", () => {
  it("sees every packet with its state and direction; a DROP on a first packet leaves no connection", () => {
    const seen: string[] = [];
    const engine = createEngine({
      policy: {
        filter(p: PolicyPacket) {
          seen.push(`${p.state}/${p.direction}/${p.dport}/${p.portsKnown}`);
          return p.state === PacketState.NEW && p.dport === 23 ? FilterVerdict.DROP : FilterVerdict.ACCEPT;
        },
      },
    });
    const telnet = engine.process(tcp({ src: A, dst: B, sport: 40000, dport: 23, seq: 1000, flags: "S" }), 1);
    expect(telnet.verdict).toBe(Verdict.DROP);
    expect(telnet.reason).toBe(Reason.FILTERED);
    expect(telnet.outBytes).toBeNull();
    expect(engine.connectionCount).toBe(0);
    const dns = engine.process(udp({ src: A, dst: B, sport: 5353, dport: 53, payload: "q" }), 2);
    expect(dns.verdict).toBe(Verdict.ACCEPT);
    expect(dns.outLength).toBe(dns.outBytes!.length);
    expect(engine.connectionCount).toBe(1);
    const stray = engine.process(tcp({ src: A, dst: B, sport: 40001, dport: 80, seq: 1000, flags: "R" }), 3);
    expect(stray.state).toBe(PacketState.INVALID);
    expect(seen).toEqual(["0/0/23/true", "0/0/53/true", "3/-1/80/true"]);
  });

  it("a filter that throws drops the packet instead of breaking tracking", () => {
    const engine = createEngine({
      policy: {
        filter() {
          throw new Error("boom");
        },
      },
    });
    const r = engine.process(udp({ src: A, dst: B, sport: 1, dport: 2 }), 1);
    expect(r.verdict).toBe(Verdict.DROP);
    expect(engine.connectionCount).toBe(0);
  });
});
