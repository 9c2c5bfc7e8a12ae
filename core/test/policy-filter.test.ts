import { describe, expect, it } from "vitest";
import { createEngine, FilterVerdict, PacketState, Reason, Verdict, type PolicyPacket } from "../src/index.js";
import { bytes, ipv4, tcp, udp } from "./support/packets.js";

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
    const telnet = engine.process(ipv4({ src: A, dst: B, payload: tcp({ sport: 40000, dport: 23, flags: "S" }) }), 1);
    expect(telnet.verdict).toBe(Verdict.DROP);
    expect(telnet.reason).toBe(Reason.FILTERED);
    expect(telnet.outBytes).toBeNull();
    expect(engine.connectionCount).toBe(0);
    const dns = engine.process(ipv4({ src: A, dst: B, payload: udp({ sport: 5353, dport: 53, payload: bytes("q") }) }), 2);
    expect(dns.verdict).toBe(Verdict.ACCEPT);
    expect(dns.outLength).toBe(dns.outBytes!.length);
    expect(engine.connectionCount).toBe(1);
    const stray = engine.process(ipv4({ src: A, dst: B, payload: tcp({ sport: 40001, dport: 80, flags: "R" }) }), 3);
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
    const r = engine.process(ipv4({ src: A, dst: B, payload: udp({ sport: 1, dport: 2 }) }), 1);
    expect(r.verdict).toBe(Verdict.DROP);
    expect(engine.connectionCount).toBe(0);
  });
});
