import { fragments, icmp, icmpv6, ipv4, udp, udplite } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { Reason } from "../src/index.js";
import { recordingEngine, run } from "./support/engine.js";

const A = "10.0.1.2";
const B = "10.0.2.2";
const udpOut = (sport = 40000, dport = 53, payload = "q") => udp({ src: A, dst: B, sport, dport, payload });
const udpBack = (sport = 40000, dport = 53) => udp({ src: B, dst: A, sport: dport, dport: sport, payload: "r" });

describe("UDP (nf_conntrack_proto_udp)", () => {
  it("first packet NEW, reply ESTABLISHED, then ESTABLISHED both ways", () => {
    const { engine } = recordingEngine();
    expect(run(engine, udpOut(), 100)).toMatchObject({ state: "NEW", dir: "original" });
    expect(run(engine, udpOut(), 100.1)).toMatchObject({ state: "NEW", dir: "original" });
    expect(run(engine, udpBack(), 100.2)).toMatchObject({ state: "ESTABLISHED", dir: "reply" });
    expect(run(engine, udpOut(), 100.3)).toMatchObject({ state: "ESTABLISHED", dir: "original" });
    expect(engine.connectionCount).toBe(1);
  });

  it("an unreplied flow expires after 30 s", () => {
    const { engine, events } = recordingEngine();
    run(engine, udpOut(), 100);
    expect(run(engine, udpOut(), 129.9).state).toBe("NEW");
    expect(run(engine, udpOut(), 160).state).toBe("NEW");
    expect(events.filter((e) => e.type === "conn-destroy").map((e) => (e as { reason: string }).reason)).toEqual(["timeout"]);
  });

  it("a replied flow younger than 2 s keeps the 30 s timeout; older ones get 120 s and ASSURED", () => {
    const { engine } = recordingEngine();
    const s = run(engine, udpOut(), 100).slot;
    run(engine, udpBack(), 100.5);
    run(engine, udpOut(), 101);
    let c = engine.connection(s)!;
    expect(c.assured).toBe(true);
    expect(c.timeout).toBeCloseTo(30, 5);
    run(engine, udpOut(), 103);
    c = engine.connection(s)!;
    expect(c.timeout).toBeCloseTo(120, 5);
    expect(run(engine, udpOut(), 222).state).toBe("ESTABLISHED");
  });

  it("UDP-Lite: a replied flow is a stream at once (replied timeout, ASSURED); no checksum is INVALID", () => {
    const { engine } = recordingEngine();
    const out = udplite({ src: A, dst: B, sport: 7000, dport: 8000, payload: "x" });
    const back = udplite({ src: B, dst: A, sport: 8000, dport: 7000, payload: "y" });
    const s = run(engine, out, 100).slot;
    expect(run(engine, back, 100.1)).toMatchObject({ state: "ESTABLISHED", dir: "reply" });
    run(engine, out, 100.2);
    const c = engine.connection(s)!;
    expect(c.assured).toBe(true);
    expect(c.timeout).toBeCloseTo(120, 5);
    const noSum = udplite({ src: A, dst: B, sport: 7001, dport: 8000, checksum: 0 });
    expect(run(engine, noSum, 101)).toMatchObject({ state: "INVALID", reason: "bad-checksum" });
  });

  it("a truncated UDP header or a bad length is INVALID with a reason", () => {
    const { engine } = recordingEngine();
    const p = udpOut();
    p[20 + 4] = 0xff; // UDP length beyond the datagram
    expect(run(engine, p, 1)).toMatchObject({ state: "INVALID", dir: null, reason: "bad-l4-header" });
    expect(run(engine, p.subarray(0, 24), 1).state).toBe("INVALID");
    expect(engine.connectionCount).toBe(0);
  });
});

describe("ICMP and ICMPv6 queries", () => {
  it("echo request NEW, echo reply ESTABLISHED", () => {
    const { engine } = recordingEngine();
    expect(run(engine, icmp({ src: A, dst: B, type: 8, id: 7, seq: 1 }), 1)).toMatchObject({ state: "NEW", dir: "original" });
    expect(run(engine, icmp({ src: B, dst: A, type: 0, id: 7, seq: 1 }), 1.1)).toMatchObject({ state: "ESTABLISHED", dir: "reply" });
  });

  it("a reply without its request is INVALID and creates nothing", () => {
    const { engine } = recordingEngine();
    expect(run(engine, icmp({ src: B, dst: A, type: 0, id: 7 }), 1)).toMatchObject({ state: "INVALID", reason: "icmp-reply-without-request" });
    expect(run(engine, icmp({ src: B, dst: A, type: 8, id: 8 }), 1).state).toBe("NEW");
    expect(run(engine, icmp({ src: A, dst: B, type: 0, id: 9 }), 1).state).toBe("INVALID");
  });

  it("a reply with another identifier does not match", () => {
    const { engine } = recordingEngine();
    run(engine, icmp({ src: A, dst: B, type: 8, id: 7 }), 1);
    expect(run(engine, icmp({ src: B, dst: A, type: 0, id: 70 }), 1).state).toBe("INVALID");
  });

  it("timestamp, information and address-mask queries pair like echo", () => {
    for (const [req, rep] of [[13, 14], [15, 16], [17, 18]] as const) {
      const { engine } = recordingEngine();
      expect(run(engine, icmp({ src: A, dst: B, type: req, id: 1 }), 1).state).toBe("NEW");
      expect(run(engine, icmp({ src: B, dst: A, type: rep, id: 1 }), 1).state).toBe("ESTABLISHED");
    }
  });

  it("unknown ICMP types (above 18) and types without a pair are INVALID", () => {
    const { engine } = recordingEngine();
    expect(run(engine, icmp({ src: A, dst: B, type: 40 }), 1)).toMatchObject({ state: "INVALID", reason: "icmp-unknown-type" });
    expect(run(engine, icmp({ src: A, dst: B, type: 9 }), 1).state).toBe("INVALID");
  });

  it("an ICMP query flow expires after 30 s", () => {
    const { engine } = recordingEngine();
    run(engine, icmp({ src: A, dst: B, type: 8, id: 7 }), 1);
    expect(run(engine, icmp({ src: B, dst: A, type: 0, id: 7 }), 31.5).state).toBe("INVALID");
  });

  it("ICMPv6 echo pairs; neighbour discovery and MLD are UNTRACKED", () => {
    const { engine } = recordingEngine();
    const a6 = "fd00:1::2";
    const b6 = "fd00:2::2";
    expect(run(engine, icmpv6({ src: a6, dst: b6, type: 128, id: 3 }), 1).state).toBe("NEW");
    expect(run(engine, icmpv6({ src: b6, dst: a6, type: 129, id: 3 }), 1)).toMatchObject({ state: "ESTABLISHED", dir: "reply" });
    for (const type of [130, 131, 132, 133, 134, 135, 136, 143]) {
      expect(run(engine, icmpv6({ src: a6, dst: "ff02::1", type }), 1)).toMatchObject({ state: "UNTRACKED", dir: null });
    }
    // A redirect is not in Linux's noct_valid_new[]: one that is not from a link-local address is INVALID.
    expect(run(engine, icmpv6({ src: a6, dst: "ff02::1", type: 137 }), 1)).toMatchObject({ state: "INVALID" });
    expect(engine.connectionCount).toBe(1);
    expect(run(engine, icmpv6({ src: b6, dst: a6, type: 129, id: 4 }), 1).state).toBe("INVALID");
  });

  it("an ICMP error without the ICMP helper is INVALID and creates nothing", () => {
    const { engine } = recordingEngine();
    const quoted = udpOut();
    run(engine, quoted, 1);
    const err = icmp({ src: B, dst: A, type: 3, code: 3, payload: quoted.subarray(0, 28) });
    expect(run(engine, err, 1)).toMatchObject({ state: "INVALID", reason: "icmp-error-unrelated" });
    expect(engine.connectionCount).toBe(1);
  });
});

describe("generic protocols", () => {
  it("a protocol without a tracker (ESP) is tracked per address pair with the 600 s timeout", () => {
    const { engine } = recordingEngine();
    const out = ipv4({ src: A, dst: B, protocol: 50, payload: [0, 0, 8, 0] });
    const back = ipv4({ src: B, dst: A, protocol: 50, payload: [0, 0, 8, 0] });
    const s = run(engine, out, 1).slot;
    expect(run(engine, back, 2)).toMatchObject({ state: "ESTABLISHED", dir: "reply" });
    expect(engine.connection(s)!.timeout).toBeCloseTo(600, 5);
    expect(run(engine, out, 700).state).toBe("NEW");
  });
});

describe("NOTRACK and zones", () => {
  it("packets matching a NOTRACK rule are UNTRACKED and create nothing", () => {
    const { engine } = recordingEngine({ notrack: [{ protocol: "udp", dstPort: 53 }, { src: "192.168.0.0/16" }] });
    expect(run(engine, udpOut(40000, 53), 1)).toMatchObject({ state: "UNTRACKED", dir: null });
    expect(run(engine, udp({ src: "192.168.7.7", dst: B, sport: 1, dport: 2 }), 1).state).toBe("UNTRACKED");
    expect(engine.connectionCount).toBe(0);
    expect(run(engine, udpOut(40000, 54), 1).state).toBe("NEW");
  });

  it("the NOTRACK flag of process() leaves one packet untracked", () => {
    const { engine } = recordingEngine();
    expect(run(engine, udpOut(), 1, 0, 1).state).toBe("UNTRACKED");
    expect(engine.connectionCount).toBe(0);
  });

  it("the same tuple in two zones is two connections", () => {
    const { engine } = recordingEngine();
    expect(run(engine, udpOut(), 1, 0).state).toBe("NEW");
    expect(run(engine, udpOut(), 1, 7).state).toBe("NEW");
    expect(run(engine, udpBack(), 1, 7)).toMatchObject({ state: "ESTABLISHED", dir: "reply" });
    expect(engine.connectionCount).toBe(2);
    expect([...engine.connections()].map((c) => c.zone).sort()).toEqual([0, 7]);
  });
});

describe("malformed input never throws", () => {
  it("empty, short and garbage buffers are INVALID with a reason", () => {
    const { engine } = recordingEngine();
    expect(run(engine, new Uint8Array(0), 1)).toMatchObject({ state: "INVALID", reason: "truncated" });
    expect(run(engine, Uint8Array.from([0x45, 0, 0]), 1).reason).toBe("truncated");
    expect(run(engine, Uint8Array.from([0x75, 0, 0, 20]), 1).reason).toBe("bad-version");
    expect(engine.stats.byReason[Reason.TRUNCATED]).toBe(2);
  });
});

describe("fragments are reassembled before tracking", () => {
  it("fragments are held, the datagram is tracked when complete", () => {
    const { engine } = recordingEngine();
    const whole = udp({ src: A, dst: B, id: 99, sport: 5000, dport: 6000, payload: new Uint8Array(100) });
    const frags = fragments(whole, { mtu: 60 });
    expect(frags.length).toBeGreaterThan(1);
    for (const f of frags.slice(0, -1)) expect(run(engine, f, 1).verdict).toBe("hold");
    expect(run(engine, frags[frags.length - 1]!, 1)).toMatchObject({ state: "NEW", dir: "original", verdict: "accept" });
    expect(run(engine, udp({ src: B, dst: A, sport: 6000, dport: 5000 }), 1).state).toBe("ESTABLISHED");
  });
});

describe("the table is bounded", () => {
  it("a full table drops an unassured connection to make room (early drop)", () => {
    const { engine, events } = recordingEngine({ maxConnections: 4 });
    for (let p = 1; p <= 4; p++) run(engine, udpOut(p, 9), 1);
    expect(engine.connectionCount).toBe(4);
    expect(run(engine, udpOut(5, 9), 2).state).toBe("NEW");
    expect(engine.connectionCount).toBe(4);
    expect(engine.stats.earlyDrops).toBe(1);
    expect(events.some((e) => e.type === "conn-destroy" && e.reason === "early-drop")).toBe(true);
  });

  it("when every connection is assured the new packet is dropped as table-full", () => {
    const { engine } = recordingEngine({ maxConnections: 2 });
    for (let p = 1; p <= 2; p++) {
      run(engine, udpOut(p, 9), 1);
      run(engine, udpBack(p, 9), 1);
      run(engine, udpOut(p, 9), 4);
    }
    expect([...engine.connections()].every((c) => c.assured)).toBe(true);
    expect(run(engine, udpOut(3, 9), 5)).toMatchObject({ state: "INVALID", verdict: "drop", reason: "table-full" });
    expect(engine.connectionCount).toBe(2);
  });

  it("an expired connection is reclaimed before anything is dropped", () => {
    const { engine } = recordingEngine({ maxConnections: 2, gcSweepSeconds: 0 });
    for (let p = 1; p <= 2; p++) {
      run(engine, udpOut(p, 9), 1);
      run(engine, udpBack(p, 9), 1);
      run(engine, udpOut(p, 9), 4);
    }
    expect(run(engine, udpOut(3, 9), 1000).state).toBe("NEW");
    expect(engine.stats.earlyDrops).toBe(0);
  });

  it("the garbage collector removes expired connections that see no more packets", () => {
    const { engine, events } = recordingEngine({ gcSweepSeconds: 10 });
    for (let p = 1; p <= 50; p++) run(engine, udpOut(p, 9), 1);
    expect(engine.connectionCount).toBe(50);
    // Unrelated traffic keeps time moving; within one sweep after expiry all 50 are gone.
    for (let t = 2; t <= 45; t += 0.5) run(engine, icmp({ src: "192.0.2.1", dst: B, type: 8, id: 1 }), t);
    expect(engine.connectionCount).toBe(1);
    expect(events.filter((e) => e.type === "conn-destroy").length).toBe(50);
  });

  it("the table grows from a small start up to its maximum", () => {
    const { engine } = recordingEngine({ maxConnections: 5000, initialCapacity: 16 });
    for (let p = 1; p <= 3000; p++) run(engine, udpOut(p, 9), 1);
    expect(engine.connectionCount).toBe(3000);
    for (let p = 1; p <= 3000; p += 499) expect(run(engine, udpBack(p, 9), 1).state).toBe("ESTABLISHED");
    expect(engine.memory().capacity).toBeLessThanOrEqual(5000);
  });
});

describe("events", () => {
  it("conn-new, conn-update and conn-destroy describe the connection", () => {
    const { engine, events } = recordingEngine();
    run(engine, udpOut(), 1);
    run(engine, udpBack(), 1);
    engine.expire(1000);
    expect(events.map((e) => e.type)).toEqual(["conn-new", "conn-update", "conn-destroy"]);
    const created = events[0] as Extract<(typeof events)[number], { type: "conn-new" }>;
    expect(created.connection.original).toMatchObject({ protocolName: "udp", src: A, dst: B, srcPort: 40000, dstPort: 53 });
    expect(created.connection.reply).toMatchObject({ src: B, dst: A, srcPort: 53, dstPort: 40000 });
  });
});

describe("event subscriptions", () => {
  it("a listener of some types receives only those; the others are not even built", () => {
    const { engine } = recordingEngine();
    const seen: string[] = [];
    const stop = engine.on((e) => seen.push(e.type), { types: ["conn-destroy"] });
    run(engine, udpOut(), 1);
    run(engine, udpBack(), 1);
    engine.expire(1000);
    expect(seen).toEqual(["conn-destroy"]);
    stop();
    run(engine, udpOut(), 2000);
    engine.expire(3000);
    expect(seen).toEqual(["conn-destroy"]);
  });
});

describe("checksums (nf_conntrack_checksum)", () => {
  const good = () => udp({ src: A, dst: B, sport: 7, dport: 9, payload: "data" });

  it("are not checked by default: captures from a sending host carry offloaded checksums", () => {
    const { engine } = recordingEngine();
    const p = good();
    p[p.length - 1] ^= 0xff;
    expect(run(engine, p, 1).state).toBe("NEW");
  });

  it("a bad transport checksum makes the packet INVALID", () => {
    const { engine } = recordingEngine({ checksums: true });
    expect(run(engine, good(), 1).state).toBe("NEW");
    const p = good();
    p[p.length - 1] ^= 0xff;
    expect(run(engine, p, 1)).toMatchObject({ state: "INVALID", verdict: "accept", reason: "bad-checksum" });
    const icmpBad = icmp({ src: A, dst: B, type: 8, id: 1 });
    icmpBad[20 + 2] ^= 0x01;
    expect(run(engine, icmpBad, 1).reason).toBe("bad-checksum");
  });

  it("a bad IPv4 header checksum drops the packet, as Linux does before conntrack", () => {
    const { engine } = recordingEngine({ checksums: true });
    const p = good();
    p[10] ^= 0xff;
    expect(run(engine, p, 1)).toMatchObject({ state: "INVALID", verdict: "drop", reason: "bad-checksum" });
    expect(engine.connectionCount).toBe(0);
  });

  it("a zero UDP checksum on IPv4 means none; IPv6 and ICMPv6 checksums verify", () => {
    const { engine } = recordingEngine({ checksums: true });
    expect(run(engine, udp({ src: A, dst: B, sport: 7, dport: 9, payload: "data", checksum: 0 }), 1).state).toBe("NEW");
    expect(run(engine, udp({ src: "fd00:1::2", dst: "fd00:2::2", sport: 1, dport: 2, payload: "x" }), 1).state).toBe("NEW");
    expect(run(engine, icmpv6({ src: "fd00:1::2", dst: "fd00:2::2", type: 128, id: 5 }), 1).state).toBe("NEW");
  });
});
