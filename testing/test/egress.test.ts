import { createEngine, FilterVerdict, natTarget } from "@alg-sdk/core";
import { describe, expect, it } from "vitest";
import { egressOf, tcp, udp } from "../src/index.js";

describe("egressOf", () => {
  it("decodes what left the engine, after NAT, as a copy", () => {
    const e = createEngine({ policy: { sourceNat: () => natTarget({ address: "198.51.100.1" }) }, hashSeed: 1 });
    const input = udp({ src: "10.0.0.1", dst: "192.0.2.1", sport: 4000, dport: 53, payload: "hi" });
    const out = egressOf(e.process(input, 1))!;
    expect(out).toMatchObject({ family: 4, protocol: 17, src: "198.51.100.1", dst: "192.0.2.1", srcPort: 4000, dstPort: 53, text: "hi" });
    expect(out.bytes).not.toBe(input);
    expect([...out.payload]).toEqual([104, 105]);
  });

  it("is null for a dropped packet", () => {
    const e = createEngine({ policy: { filter: () => FilterVerdict.DROP }, hashSeed: 1 });
    expect(egressOf(e.process(tcp({ src: "10.0.0.1", dst: "192.0.2.1", sport: 4000, dport: 80, flags: "S" }), 1))).toBeNull();
  });
});
