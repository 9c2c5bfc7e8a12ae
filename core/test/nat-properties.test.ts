import { ftpHelper } from "@alg-sdk/helper-ftp";
import { checksumProblems, egressOf, icmp, tcp, udp, type Egress } from "@alg-sdk/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEngine, decodePacket, formatAddress, natTarget, ParsedPacket, type PolicyPacket } from "../src/index.js";

const OUTSIDE = "198.51.100.1";
const inside = (a: string) => a.startsWith("10.0.1.");

/** SNAT of 10.0.1.0/24 to OUTSIDE with ports 20000-20003: few enough that bindings clash and some run out. */
const policy = {
  sourceNat: (p: PolicyPacket) => (p.family === 4 && p.src[0]! >>> 8 === 0x0a0001 ? natTarget({ address: OUTSIDE, port: [20000, 20003] }) : null),
};

const packetSpec = fc.record({
  client: fc.integer({ min: 2, max: 6 }),
  server: fc.integer({ min: 1, max: 3 }),
  kind: fc.constantFrom("tcp-syn", "udp", "echo", "ftp-port"),
  sport: fc.integer({ min: 1024, max: 1100 }),
  dport: fc.constantFrom(21, 53, 80, 443),
  payload: fc.uint8Array({ maxLength: 40 }),
  answer: fc.boolean(),
});

type Spec = typeof packetSpec extends fc.Arbitrary<infer T> ? T : never;

/**
 * The packets the inside host sends and the outside host answers for one
 * spec. An FTP PORT comes as the second line of an established control
 * connection, where Linux's helper reads it (on a new connection, or as the
 * first line, it reads nothing, so nothing would be rewritten).
 */
function* outgoing(s: Spec, fresh: number): Generator<Uint8Array, void, Uint8Array | null> {
  const src = `10.0.1.${s.client}`;
  const dst = `192.0.2.${s.server}`;
  if (s.kind === "ftp-port") {
    const out = yield tcp({ src, dst, sport: fresh, dport: 21, flags: "S", seq: 1000 });
    if (out === null) return;
    const seen = egressOf0(out);
    const answered = yield tcp({ src: dst, dst: seen.src, sport: 21, dport: seen.srcPort, flags: "SA", seq: 5000, ack: 1001 });
    if (answered === null) return;
    yield tcp({ src, dst, sport: fresh, dport: 21, flags: "A", seq: 1001, ack: 5001 });
    // Linux's helper reads a line only after a newline it saw (find_nl_seq): the first one is not parsed.
    yield tcp({ src, dst, sport: fresh, dport: 21, flags: "PA", seq: 1001, ack: 5001, payload: "USER x\r\n" });
    yield tcp({ src, dst, sport: fresh, dport: 21, flags: "PA", seq: 1009, ack: 5001, payload: `PORT 10,0,1,${s.client},4,${s.sport & 255}\r\n` });
    return;
  }
  yield single(s, src, dst);
}

function single(s: Spec, src: string, dst: string): Uint8Array {
  switch (s.kind) {
    case "tcp-syn":
      return tcp({ src, dst, sport: s.sport, dport: s.dport, flags: "S", seq: 1000 });
    case "udp":
      return udp({ src, dst, sport: s.sport, dport: s.dport, payload: s.payload });
    case "echo":
      return icmp({ src, dst, type: 8, code: 0, id: s.sport, seq: 1, payload: s.payload });
    default:
      throw new Error(s.kind);
  }
}

/** An egress datagram decoded again (the script only gets its bytes). */
function egressOf0(bytes: Uint8Array): Egress {
  const p = new ParsedPacket();
  decodePacket(bytes, 0, bytes.length, p);
  return { src: formatAddress(p.family, p.src), srcPort: p.sport } as Egress;
}

/** The answer the outside host sends to what it received. */
function answerTo(out: Egress): Uint8Array {
  if (out.protocol === 6) return tcp({ src: out.dst, dst: out.src, sport: out.dstPort, dport: out.srcPort, flags: "SA", seq: 5000, ack: out.seq + 1 });
  if (out.protocol === 17) return udp({ src: out.dst, dst: out.src, sport: out.dstPort, dport: out.srcPort, payload: "answer" });
  return icmp({ src: out.dst, dst: out.src, type: 0, code: 0, id: out.srcPort, seq: 1 });
}

describe("NAT properties (random traffic through SNAT)", () => {
  it("nothing leaves with an inside address, every datagram verifies, answers reach the host that asked", () => {
    const seen = { rewrites: 0, answers: 0, failedBindings: 0 };
    fc.assert(
      fc.property(fc.array(packetSpec, { minLength: 1, maxLength: 60 }), (specs) => {
        const engine = createEngine({ helpers: [ftpHelper()], policy, hashSeed: 9 });
        let ts = 1;
        let fresh = 30000;
        for (const s of specs) {
          const script = outgoing(s, fresh++);
          let step = script.next(null);
          let last: Egress | null = null;
          while (!step.done) {
            const r = engine.process(step.value, ts++);
            const out = egressOf(r);
            seen.rewrites += r.rewrites;
            if (r.reasonName === "nat-failed") seen.failedBindings++;
            if (out === null) {
              // Only a binding that could not be made (4 ports for many flows) or the tracker's own refusals drop.
              expect(["nat-failed", "tcp-invalid-flags", "tcp-bad-state", "tcp-out-of-window", "tcp-ack-over-window", null]).toContain(r.reasonName);
            } else {
              expect(checksumProblems(out.bytes)).toEqual([]);
              if (!inside(out.dst)) {
                expect(inside(out.src), `${s.kind} left as ${out.src}`).toBe(false);
                expect(out.text.includes("PORT 10,0,1,"), out.text).toBe(false);
              }
            }
            last = out;
            step = script.next(out === null ? null : out.bytes);
          }
          if (last === null || !s.answer || s.kind === "ftp-port") continue;
          const back = egressOf(engine.process(answerTo(last), ts++));
          expect(back, "the answer passes").not.toBeNull();
          seen.answers++;
          expect(checksumProblems(back!.bytes)).toEqual([]);
          expect(back!.dst).toBe(`10.0.1.${s.client}`);
          if (s.kind === "echo") expect(back!.srcPort).toBe(s.sport);
          else expect(back!.dstPort).toBe(s.sport);
        }
      }),
      { numRuns: 150 },
    );
    // The runs did exercise what they check.
    expect(seen.rewrites).toBeGreaterThan(20);
    expect(seen.answers).toBeGreaterThan(100);
    expect(seen.failedBindings).toBeGreaterThan(0);
  });
});
