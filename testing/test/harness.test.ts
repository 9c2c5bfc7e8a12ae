import { defineHelper, HelperVerdict, type PacketContext } from "@alg-sdk/core";
import { describe, expect, it } from "vitest";
import { helperHarness, runPackets, tcp, tcpConversation, udp } from "@alg-sdk/testing";
import { createEngine } from "@alg-sdk/core";

/** A toy helper: "OPEN <port>" from the client expects a connection back to the client. */
const toy = defineHelper({
  name: "toy",
  policies: [{ name: "toy", maxExpected: 2, timeout: 60 }],
  attach: [{ protocol: "tcp", port: 7000 }],
  onPacket(ctx: PacketContext<undefined>) {
    if (ctx.payloadLength === 0) return;
    const text = String.fromCharCode(...ctx.bytes.subarray(ctx.payloadOffset, ctx.payloadOffset + ctx.payloadLength));
    if (text.startsWith("BAD")) return HelperVerdict.PARTIAL;
    const m = /^OPEN (\d+)/.exec(text);
    if (m) ctx.expect({ src: ctx.dst, dst: ctx.src, dstPort: Number(m[1]) });
  },
});

describe("helperHarness", () => {
  it("records the engine's view of every packet", () => {
    const h = helperHarness({ helpers: [toy] });
    const c = tcpConversation({ serverPort: 7000 });
    const recs = h.run(c.handshake());
    expect(recs.map((r) => [r.state, r.direction])).toEqual([
      ["NEW", "original"],
      ["ESTABLISHED", "reply"],
      ["ESTABLISHED", "original"],
    ]);
    expect(recs.every((r) => r.helper === "toy" && r.verdict === "accept" && r.reason === null)).toBe(true);
    expect(recs.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(h.last?.ts).toBe(c.packets[2]!.ts);
  });

  it("records expectations created, pending, matched and expired", () => {
    const h = helperHarness({ helpers: [toy] });
    const c = tcpConversation({ serverPort: 7000 });
    h.run(c.handshake());
    h.run(c.client("OPEN 5001\r\n"));
    h.run(c.client("OPEN 5002\r\n"));
    expect(h.created().map((e) => e.tuple.dstPort)).toEqual([5001, 5002]);
    expect(h.expectations()).toHaveLength(2);
    const e = h.created()[0]!;
    expect(e.helper).toBe("toy");
    expect(e.tuple.src).toBe("10.0.2.2");
    expect(e.tuple.dst).toBe("10.0.1.2");
    expect(e.timeout).toBe(60);

    // The server connects back: RELATED, and the expectation is consumed.
    const [rec] = h.run({ bytes: tcp({ src: "10.0.2.2", dst: "10.0.1.2", sport: 20, dport: 5001, flags: "S" }), ts: c.now });
    expect(rec!.state).toBe("RELATED");
    expect(rec!.expected).toBe(true);
    expect(rec!.expectationId).toBe(e.id);
    expect(h.destroyed().map((d) => d.reason)).toEqual(["matched"]);

    h.expire(c.now + 61);
    expect(h.expectations()).toHaveLength(0);
    expect(h.destroyed().map((d) => d.reason)).toEqual(["matched", "timeout"]);
    expect(h.eventsOf("conn-new").length).toBeGreaterThanOrEqual(2);
  });

  it("shows a PARTIAL verdict as a drop with its reason", () => {
    const h = helperHarness({ helpers: [toy] });
    const c = tcpConversation({ serverPort: 7000 });
    h.run(c.handshake());
    const [rec] = h.run(c.client("BAD\r\n"));
    expect(rec!.verdict).toBe("drop");
    expect(rec!.reason).toBe("helper-partial");
  });

  it("takes attach rules like the engine", () => {
    const h = helperHarness({ helpers: [toy], attach: [] });
    const c = tcpConversation({ serverPort: 7000 });
    expect(h.run(c.handshake()).every((r) => r.helper === null)).toBe(true);
  });

  it("runs bare datagrams at the last time seen", () => {
    const h = helperHarness();
    h.run({ bytes: udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2 }), ts: 5 });
    const [r] = h.run(udp({ src: "10.0.2.2", dst: "10.0.1.2", sport: 2, dport: 1 }));
    expect(r!.ts).toBe(5);
    expect(r!.state).toBe("ESTABLISHED");
    expect(r!.direction).toBe("reply");
  });
});

describe("runPackets", () => {
  it("runs packets through any engine", () => {
    const engine = createEngine();
    const c = tcpConversation();
    const recs = runPackets(engine, c.handshake());
    expect(recs.map((r) => r.state)).toEqual(["NEW", "ESTABLISHED", "ESTABLISHED"]);
    expect(runPackets(engine, c.client("x")[0]!)[0]!.state).toBe("ESTABLISHED");
  });
});
