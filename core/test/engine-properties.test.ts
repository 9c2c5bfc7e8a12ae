import { fragment, icmp, tcp, udp } from "@alg-sdk/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEngine, defineHelper, IpProto, PacketState } from "../src/index.js";

const firstFragment = (datagram: Uint8Array) => fragment(datagram, { offset: 0, length: datagram.length - 20, mf: true });

// Valid packets of every kind the engine tracks, to mutate.
const seeds: Uint8Array[] = [
  tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 21, seq: 1000, flags: "S", options: { mss: 1460, wscale: 7, sackPerm: true } }),
  tcp({ src: "10.0.2.2", dst: "10.0.1.2", sport: 21, dport: 40000, seq: 1000, flags: "SA", ack: 1, options: { wscale: 7 } }),
  tcp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 40000, dport: 21, flags: "PA", seq: 1, ack: 1, payload: "PORT 10,0,1,2,4,1\r\n" }),
  udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 5000, dport: 53, payload: "query" }),
  icmp({ src: "10.0.2.2", dst: "10.0.1.2", type: 3, code: 3, payload: udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 5000, dport: 53 }).subarray(0, 28) }),
  udp({ src: "fd00:1::2", dst: "fd00:2::2", sport: 5000, dport: 53, extensionHeaders: [{ type: "hopopts" }] }),
  // A first fragment whose other fragments never come.
  firstFragment(udp({ src: "10.0.1.2", dst: "10.0.2.2", id: 7, sport: 1, dport: 2, payload: new Uint8Array(64) })),
];

/** A helper that registers an expectation for whatever it sees, so the registry is exercised too. */
const greedy = defineHelper({
  name: "greedy",
  policies: [{ maxExpected: 3, timeout: 300 }],
  attach: [{ protocol: "tcp" }, { protocol: "udp" }],
  onPacket(ctx) {
    if (ctx.payloadLength > 0) {
      ctx.expect({ protocol: IpProto.TCP, src: ctx.dst, dst: ctx.src, dstPort: ctx.bytes[ctx.payloadOffset]! * 256 + 1 });
    }
  },
});

const mutation = fc.record({
  seed: fc.nat(seeds.length - 1),
  edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
});

function mutate(m: { seed: number; edits: [number, number][]; cut: number | undefined }): Uint8Array {
  const b = seeds[m.seed]!.slice();
  for (const [at, v] of m.edits) b[at % b.length] = v;
  return m.cut === undefined ? b : b.subarray(0, m.cut % (b.length + 1));
}

describe("the engine never throws and stays bounded", () => {
  it("random bytes: no exception, a valid state, at most maxConnections", () => {
    const engine = createEngine({ helpers: [greedy], maxConnections: 64, maxExpectations: 32 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.double({ min: 0, max: 1e6, noNaN: true }), (b, ts) => {
        const r = engine.process(b, ts);
        expect(r.state).toBeGreaterThanOrEqual(PacketState.NEW);
        expect(r.state).toBeLessThanOrEqual(PacketState.UNTRACKED);
        expect(engine.connectionCount).toBeLessThanOrEqual(64);
        expect(engine.expectationCount).toBeLessThanOrEqual(32);
      }),
      { numRuns: 3000 },
    );
  });

  it("mutated valid packets: no exception, bounded tables, INVALID always carries a reason", () => {
    const engine = createEngine({ helpers: [greedy], maxConnections: 32, maxExpectations: 16, fragments: { maxDatagrams: 4, maxBytes: 4096 } });
    let ts = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        ts += 0.5;
        const r = engine.process(mutate(m), ts);
        if (r.stateName === "INVALID") expect(r.reasonName).not.toBeNull();
        expect(engine.connectionCount).toBeLessThanOrEqual(32);
        expect(engine.expectationCount).toBeLessThanOrEqual(16);
      }),
      { numRuns: 5000 },
    );
  });

  it("a long random run keeps the table within its bounds while time passes", () => {
    const engine = createEngine({ maxConnections: 100 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(65535), fc.nat(65535)), { minLength: 200, maxLength: 400 }), (ports) => {
        let ts = 0;
        for (const [s, d] of ports) {
          engine.process(udp({ src: "10.0.0.1", dst: "10.0.0.2", sport: s, dport: d }), (ts += 0.1));
        }
        expect(engine.connectionCount).toBeLessThanOrEqual(100);
      }),
      { numRuns: 20 },
    );
  });
});
