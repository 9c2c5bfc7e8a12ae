import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEngine, PACKET_STATE_NAMES, Reason, SCTP_STATE_NAMES } from "../src/index.js";
import { SctpChunkType as T, gre, ipv4, sctp, sctpInitBody, type SctpChunk } from "@alg-sdk/testing";
import { chunkMap } from "../src/proto/sctp/chunks.js";
import { decodePacket } from "../src/packet/decode.js";
import { ParsedPacket } from "../src/packet/parsed-packet.js";

// Properties of the SCTP and GRE decoders and trackers: they never throw,
// stay inside the datagram, and agree with a plain model of the rules.

const chunkArb: fc.Arbitrary<SctpChunk> = fc.record({
  type: fc.oneof(fc.constantFrom(...Object.values(T)), fc.integer({ min: 0, max: 255 })),
  flags: fc.integer({ min: 0, max: 255 }),
  body: fc.uint8Array({ maxLength: 24 }),
  zeroLength: fc.boolean(),
}).map(({ type, flags, body, zeroLength }) => ({ type, flags, body, ...(zeroLength ? { length: 0 } : {}) }));

/** do_basic_checks as a plain reading of its rules. */
function modelValid(chunks: readonly SctpChunk[]): boolean {
  if (chunks.length === 0) return false;
  let alone = false;
  return chunks.every((c, i) => {
    if (c.type === T.INIT || c.type === T.INIT_ACK || c.type === T.SHUTDOWN_COMPLETE) alone = true;
    if ((c.type === T.COOKIE_ECHO || c.type === T.COOKIE_ACK || alone) && i !== 0) return false;
    return c.length !== 0;
  });
}

describe("SCTP decoder properties", () => {
  it("the chunk walk accepts exactly the packets the basic checks allow, and maps the types present", () => {
    fc.assert(
      fc.property(fc.array(chunkArb, { maxLength: 6 }), (chunks) => {
        // A zero-length chunk stops a real walk from moving on; the model stops reading there too.
        const cut = chunks.findIndex((c) => c.length === 0);
        const seen = cut < 0 ? chunks : chunks.slice(0, cut + 1);
        const b = sctp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2, vtag: 0, chunks });
        const map = chunkMap(b, 20 + 12, b.length);
        expect(map >= 0).toBe(modelValid(seen));
        if (map >= 0) for (const c of seen) if (c.type < 32) expect((map >>> c.type) & 1).toBe(1);
      }),
      { numRuns: 400 },
    );
  });

  it("any bytes after an association's handshake: never throws, the state stays one of Linux's, INVALID changes nothing", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 0, maxLength: 60 })), { maxLength: 8 }), (packets) => {
        const e = createEngine();
        e.process(sctp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 5, dport: 6, vtag: 0, chunks: [{ type: T.INIT, body: sctpInitBody(1) }] }), 1);
        const entry = () => [...e.connections()][0]!;
        for (const [forward, bytes] of packets) {
          const header = new Uint8Array(12);
          header.set(forward ? [0, 5, 0, 6] : [0, 6, 0, 5]);
          const seg = new Uint8Array([...header, ...bytes]);
          const before = entry();
          const r = e.process(ipv4({ src: forward ? "10.0.1.2" : "10.0.2.2", dst: forward ? "10.0.2.2" : "10.0.1.2", protocol: 132, payload: seg }), 2);
          expect(PACKET_STATE_NAMES).toContain(r.stateName);
          const after = entry();
          expect(SCTP_STATE_NAMES).toContain(after.protocolState);
          if (r.stateName === "INVALID" && r.reason !== Reason.SCTP_INVALID_STATE && r.reason !== Reason.SCTP_VTAG_MISMATCH) {
            expect(after.protocolState).toBe(before.protocolState);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("GRE decoder properties", () => {
  it("a version 1 packet's call id is its destination key; the payload lies inside the datagram after the header", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.uint8Array({ maxLength: 40 }),
        (callId, seq, ack, payload) => {
          const b = gre({ src: "10.0.1.2", dst: "10.0.2.2", callId, seq, ack, payload });
          const p = new ParsedPacket();
          expect(decodePacket(b, 0, b.length, p)).toBe(Reason.NONE);
          expect([p.sport, p.dport]).toEqual([0, callId]);
          expect(p.payloadLength).toBe(payload.length);
          expect(p.payloadOffset + p.payloadLength).toBe(b.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("any bytes as GRE: never throws, keys are 16-bit, the payload stays inside the datagram", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const b = ipv4({ src: "10.0.1.2", dst: "10.0.2.2", protocol: 47, payload: bytes });
        const p = new ParsedPacket();
        const reason = decodePacket(b, 0, b.length, p);
        expect(reason === Reason.NONE || reason === Reason.GRE_NOT_PPP).toBe(true);
        expect(p.sport >= 0 && p.sport <= 0xffff && p.dport >= 0 && p.dport <= 0xffff).toBe(true);
        if (reason === Reason.NONE) {
          expect(p.payloadOffset).toBeGreaterThanOrEqual(20);
          expect(p.payloadOffset + p.payloadLength).toBe(b.length);
        }
        expect(() => createEngine().process(b, 1)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
