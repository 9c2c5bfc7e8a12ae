import { egressOf, tcp, udp } from "@alg-sdk/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEngine, natTarget, type PolicyPacket, type ProtocolTracker } from "../src/index.js";
import { addDeltas, applyDelta, halfDelta, wordDelta } from "../src/nat/checksum.js";
import { tcpTracker } from "../src/proto/tcp/tracker.js";
import { udpTracker } from "../src/proto/udp.js";

/**
 * Packets of a translated IPv4 TCP or UDP connection are rewritten with
 * checksum deltas computed once, when the bindings are decided
 * (`Nat.precompute`), the reply direction with their negations. They must
 * leave with the bytes the general rewrite (deltas derived from each
 * packet, as Linux's `l4proto_manip_pkt` does) gives.
 */

const u16 = fc.oneof(fc.constantFrom(0, 1, 0xfffe, 0xffff), fc.integer({ min: 0, max: 0xffff }));
const u32 = fc.oneof(fc.constantFrom(0, 0xffffffff, 0x0000ffff, 0xffff0000), fc.integer({ min: 0, max: 0xffffffff }));

// --- A reference: Linux's arithmetic on 32-bit words (include/net/checksum.h), written out in the test. ---
const add32 = (a: number, b: number) => {
  const s = a + b;
  return s > 0xffffffff ? s - 0xffffffff : s;
};
const unfoldInverted = (check: number) => 0xffff0000 + (~check & 0xffff);
const fold = (sum: number) => {
  let s = (sum & 0xffff) + Math.floor(sum / 0x10000);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
};
/** `inet_proto_csum_replace4` (and `csum_replace4`): the checksum after `from` became `to`. */
const replace4 = (check: number, from: number, to: number) => fold(add32(add32(unfoldInverted(check), ~from >>> 0), to));
/** `inet_proto_csum_replace2`: the same with zero-extended 16-bit values. */
const replace2 = (check: number, from: number, to: number) => replace4(check, from, to);

const applied = (check: number, delta: number) => {
  const b = new Uint8Array([check >>> 8, check & 0xff]);
  return applyDelta(b, 0, delta);
};

describe("checksum deltas", () => {
  it("an address and a port delta added and applied once give Linux's two replacements, 0 and 0xffff included", () => {
    fc.assert(
      fc.property(u16, u32, u32, u16, u16, (check, from, to, oldPort, newPort) => {
        const delta = addDeltas(wordDelta(from | 0, to | 0), halfDelta(oldPort, newPort));
        expect(applied(check, delta)).toBe(replace2(replace4(check, from, to), oldPort, newPort));
        // The IPv4 header's update: the address alone.
        expect(applied(check, wordDelta(from | 0, to | 0))).toBe(replace4(check, from, to));
      }),
      { numRuns: 2000 },
    );
  });

  it("the reverse change's delta is the negation (0xffff - delta), and a delta of 0 may be stored as 0xffff", () => {
    fc.assert(
      fc.property(u16, u32, u32, u16, u16, (check, a, b, pa, pb) => {
        const forward = addDeltas(wordDelta(a | 0, b | 0), halfDelta(pa, pb));
        const backward = addDeltas(wordDelta(b | 0, a | 0), halfDelta(pb, pa));
        expect(applied(check, 0xffff - forward)).toBe(applied(check, backward));
        expect(applied(check, forward || 0xffff)).toBe(applied(check, forward));
      }),
      { numRuns: 2000 },
    );
  });
});

/** A tracker whose rewrite is its own function: the engine cannot precompute for it and takes the general rewrite. */
const general = (t: ProtocolTracker): ProtocolTracker => {
  const rewrite = t.natRewrite!;
  return { ...t, natRewrite: (...a) => rewrite(...a) };
};

const flowSpec = fc.record({
  udp: fc.boolean(),
  client: fc.integer({ min: 1, max: 254 }),
  server: fc.integer({ min: 1, max: 254 }),
  sport: fc.integer({ min: 1, max: 0xffff }),
  dport: fc.integer({ min: 1, max: 0xffff }),
  snat: fc.option(fc.record({ last: fc.integer({ min: 1, max: 254 }), port: fc.option(fc.integer({ min: 1, max: 0xffff })) })),
  dnat: fc.option(fc.record({ last: fc.integer({ min: 1, max: 254 }), port: fc.option(fc.integer({ min: 1, max: 0xffff })) })),
  ipOptions: fc.constantFrom(0, 4, 8),
  /** Per packet: the transport and IPv4 header checksums sent (null: the right one). */
  checks: fc.array(fc.record({ l4: fc.option(u16), ip: fc.option(u16) }), { minLength: 4, maxLength: 4 }),
});

describe("precomputed NAT rewrites (Nat.precompute)", () => {
  it("give the general rewrite's bytes in both directions, for SNAT, DNAT and both, whatever the checksums (0 and 0xffff results included)", () => {
    fc.assert(
      fc.property(flowSpec, (f) => {
        const policy = {
          sourceNat: (p: PolicyPacket) => (f.snat === null ? null : natTarget({ address: `198.51.100.${f.snat.last}`, ...(f.snat.port === null ? {} : { port: f.snat.port }) })),
          destinationNat: (p: PolicyPacket) => (f.dnat === null ? null : natTarget({ address: `192.168.7.${f.dnat.last}`, ...(f.dnat.port === null ? {} : { port: f.dnat.port }) })),
        };
        const fast = createEngine({ hashSeed: 3, policy });
        const slow = createEngine({ hashSeed: 3, policy, trackers: [general(tcpTracker), general(udpTracker)] });
        const client = `10.0.1.${f.client}`;
        const server = `203.0.113.${f.server}`;
        const ipOptions = new Uint8Array(f.ipOptions).fill(1);
        const zeroAt = f.ipOptions + 20 + (f.udp ? 6 : 16);
        const build = (src: string, dst: string, sport: number, dport: number, flags: string, check: { l4: number | null; ip: number | null }) => {
          const opts = { src, dst, sport, dport, ipOptions, ...(check.l4 === null ? {} : { checksum: check.l4 }) };
          const b = f.udp ? udp(opts) : tcp({ ...opts, flags, seq: 1000, ack: flags === "S" ? 0 : 5001 });
          if (check.ip !== null) {
            b[10] = check.ip >>> 8;
            b[11] = check.ip & 0xff;
          }
          return b;
        };
        /** Both engines' egress for `b`, which must be the same bytes; returns them. */
        const both = (b: Uint8Array) => {
          const a = egressOf(fast.process(b.slice(), 1));
          const s = egressOf(slow.process(b.slice(), 1));
          expect(a?.bytes).toEqual(s?.bytes);
          return s;
        };
        const first = both(build(client, server, f.sport, f.dport, "S", { l4: null, ip: null }));
        if (first === null) return;
        const reply = (flags: string, k: number) => () => build(first.dst, first.src, first.dstPort, first.srcPort, flags, f.checks[k]!);
        const request = (k: number) => () => build(client, server, f.sport, f.dport, "A", f.checks[k]!);
        const packets = [reply("SA", 0), request(1), reply("A", 2), request(3)];
        const residue = (x: number) => (~x & 0xffff) % 0xffff;
        for (const [k, make] of packets.entries()) {
          const b = make();
          const sent = (b[zeroAt]! << 8) | b[zeroAt + 1]!;
          const out = both(b);
          if (out === null || (f.udp && sent === 0)) continue;
          // The checksum this rewrite turns into 0 (~got is ~sent plus the delta, modulo 0xffff): UDP sends 0xffff, TCP 0.
          const got = (out.bytes[zeroAt]! << 8) | out.bytes[zeroAt + 1]!;
          const toZero = ~((residue(sent) - residue(got) + 0xffff) % 0xffff) & 0xffff;
          const z = make();
          z[zeroAt] = toZero >>> 8;
          z[zeroAt + 1] = toZero & 0xff;
          const zero = both(z);
          const fromServer = k % 2 === 0;
          const rewritten = zero !== null && (fromServer ? zero.dst !== first.src || zero.dstPort !== first.srcPort || zero.src !== first.dst || zero.srcPort !== first.dstPort : zero.src !== client || zero.srcPort !== f.sport || zero.dst !== server || zero.dstPort !== f.dport);
          if (rewritten) expect((zero!.bytes[zeroAt]! << 8) | zero!.bytes[zeroAt + 1]!).toBe(f.udp ? 0xffff : 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
