import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { helperHarness, tcpConversation } from "@alg-sdk/testing";
import { MESSAGE_BODY_LENGTH, emptyMessage, pptpHelper, readControlMessage } from "../src/index.js";
import { pptpMessage } from "./support/pptp-message.js";

// Properties of the control-message reader and of the helper on arbitrary input.

describe("PPTP properties", () => {
  it("a message reads back the fields it was built with; one cut short of its type's fields is not read", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 20 }),
        (type, callId, peerCallId, result, cut) => {
          const full = Math.max(4, MESSAGE_BODY_LENGTH[type]!);
          const b = pptpMessage(type, { callId, peerCallId, result, bodyLength: full });
          const m = emptyMessage();
          expect(readControlMessage(b, 0, b.length, m)).toBe(true);
          expect(m.type).toBe(type);
          if (type === 8 || type === 10) expect([m.callId, m.peerCallId, m.result]).toEqual([callId, peerCallId, result]);
          if (type === 7 || type === 9 || type === 12 || type === 13) expect(m.callId).toBe(callId);
          if (type === 11) expect(m.peerCallId).toBe(peerCallId);
          const shorter = Math.max(0, MESSAGE_BODY_LENGTH[type]! - 1 - cut);
          if (MESSAGE_BODY_LENGTH[type]! > 0) expect(readControlMessage(b, 0, 12 + shorter, m)).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("any bytes: the reader never throws and never reads outside the range it is given", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), fc.nat(300), fc.integer({ min: -5, max: 300 }), (b, at, length) => {
        const m = emptyMessage();
        const ok = readControlMessage(b, at, length, m);
        if (ok) expect(at + length).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 500 },
    );
  });

  it("random and mutated control messages on a session: the helper never fails or drops, and never expects more than one call's two GRE flows", () => {
    const messages = fc.array(
      fc.tuple(
        fc.boolean(),
        fc.integer({ min: 0, max: 16 }),
        fc.record({ callId: fc.integer({ min: 0, max: 3 }), peerCallId: fc.integer({ min: 0, max: 3 }), result: fc.integer({ min: 0, max: 3 }) }),
        fc.option(fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })), { nil: undefined }),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(messages, (list) => {
        const h = helperHarness({ helpers: [pptpHelper()] });
        const c = tcpConversation({ serverPort: 1723 });
        h.run(c.handshake());
        for (const [fromClient, type, fields, mutation] of list) {
          const b = pptpMessage(type, fields);
          if (mutation) b[mutation[0] % b.length] = mutation[1];
          const records = h.run(fromClient ? c.client(b) : c.server(b));
          expect(records.every((r) => r.verdict === "accept")).toBe(true);
        }
        expect(h.engine.stats.helperErrors).toBe(0);
        expect(h.expectations().length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 300 },
    );
  });
});
