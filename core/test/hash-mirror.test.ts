import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { hashTuple } from "../src/table/hash.js";
import { hashIpv4Tuple } from "../../bench/support/tuple-hash.mjs";

describe("the tuple hash restated for the benches and the fuzz harness", () => {
  it("agrees with core's hashTuple on IPv4 tuples", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 255 }), fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffff), fc.nat(0xffff), (seed, proto, src, dst, sport, dport) => {
        const s = Uint32Array.of(src, 0, 0, 0);
        const d = Uint32Array.of(dst, 0, 0, 0);
        expect(hashIpv4Tuple(seed, proto, src, dst, sport, dport)).toBe(hashTuple(seed, 4, proto, 0, s, 0, d, 0, sport, dport));
      }),
      { numRuns: 500 },
    );
  });
});
