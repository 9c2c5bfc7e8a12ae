import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { udp } from "@alg-sdk/testing";
import { ethernet } from "./support/frames.js";
import { GW_LAN_MAC, LAN_HOST_MAC, twoLinkGateway } from "./support/topology.js";

describe("gateway: hostile input", () => {
  it("never throws on arbitrary frames, truncated or corrupted datagrams, or unknown interfaces", () => {
    const t = twoLinkGateway();
    const valid = ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x0800, udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, payload: new Uint8Array(4) }));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.tuple(fc.nat(valid.length), fc.nat(valid.length), fc.integer({ min: 0, max: 255 })).map(([cut, at, v]) => {
            const f = valid.slice(0, Math.max(cut, 1));
            if (at < f.length) f[at] = v;
            return f;
          }),
        ),
        fc.constantFrom("lan", "wan", "nope"),
        (frame, side) => {
          t.gw.receive(side, frame, 1);
        },
      ),
      { numRuns: 2000 },
    );
    expect(t.gw.stats.unknownInterface).toBeGreaterThan(0);
  });

  it("keeps memory bounded: a neighbour's queue and the neighbour table have limits", () => {
    const t = twoLinkGateway({ maxPendingFrames: 4, maxNeighbours: 8 });
    for (let i = 0; i < 50; i++) {
      t.gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x0800, udp({ src: "10.0.1.2", dst: `10.0.2.${10 + (i % 20)}`, sport: 1000 + i, dport: 53 })), 1);
    }
    const n = t.gw.neighbours();
    expect(n.length).toBeLessThanOrEqual(8);
    expect(n.every((x) => x.pending <= 4)).toBe(true);
    expect(t.gw.stats.neighbourDrops).toBeGreaterThan(0);
  });
});
