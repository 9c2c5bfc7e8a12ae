import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DccOffer } from "../src/offer.js";
import { findDccOffer } from "../src/scan.js";
import { ircSession } from "./support/session.js";
import { latin1, v4 } from "./support/text.js";

const ME = "167772418"; // 10.0.1.2

/** Pieces IRC DCC text is made of, so random payloads often come close to a real offer. */
const TOKENS = [
  "PRIVMSG ", "privmsg ", "NOTICE ", "bob", " :", ":", " ", "\x01DCC ", "\x01", "DCC ",
  "SEND ", "CHAT ", "MOVE ", "TSEND ", "SCHAT ", "send ", "file.bin ", ME, "167838210", "167772674",
  "4462739714", "0", "5000", "65536", "70536", "\r\n", "\n", "\r", "fd00:1::2", "::", "%",
];

const piece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.nat({ max: 2 ** 33 }).map(String) },
);
const tokenText = fc.array(piece, { maxLength: 40 }).map((a) => a.join(""));

/** A valid offer with random edits (deletions, insertions of tokens, byte changes). */
const mutatedOffer = fc
  .tuple(
    fc.constantFrom("SEND", "CHAT", "MOVE", "TSEND", "SCHAT"),
    fc.nat({ max: 65535 }),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), piece), { maxLength: 4 }),
  )
  .map(([type, port, edits]) => {
    let text = `PRIVMSG bob :\x01DCC ${type} file.bin ${ME} ${port} 64\x01\r\n`;
    for (const [at, del, ins] of edits) {
      const p = at % (text.length + 1);
      text = text.slice(0, p) + ins + text.slice(p + del);
    }
    return text;
  });

const payload = fc.oneof(tokenText, mutatedOffer, fc.uint8Array({ maxLength: 300 }).map((b) => String.fromCharCode(...b)));

describe("properties of the scanner", () => {
  it("never throws, and only ever reports the client's address with a port other than 0", () => {
    const client = v4("10.0.1.2");
    const offer = new DccOffer();
    fc.assert(
      fc.property(payload, fc.nat({ max: 64 }), (text, offset) => {
        const body = latin1(text);
        const buf = new Uint8Array(offset + body.length);
        buf.set(body, offset);
        if (findDccOffer(buf, offset, body.length, 4, client, client, offer)) {
          expect(offer.address[0]).toBe(client[0]);
          expect(offer.port).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("properties of the helper in an engine (port 6667)", () => {
  const packets = fc.array(
    fc.record({ from: fc.constantFrom("client", "client", "client", "server"), text: payload, cut: fc.nat({ max: 3 }) }),
    { minLength: 1, maxLength: 14 },
  );

  for (const variant of [{}, { stream: true }, { ipv6: true, family: 6 as const }, { ipv6: true, stream: true, family: 6 as const }]) {
    it(`never throws, expects only the client, at most 8 per connection (${JSON.stringify(variant)})`, () => {
      const client = variant.family === 6 ? "fd00:1::2" : "10.0.1.2";
      fc.assert(
        fc.property(packets, (list) => {
          const s = ircSession(variant);
          for (const { from, text, cut } of list) {
            if (text.length === 0) continue;
            const segments = Math.min(cut + 1, text.length);
            if (from === "client") s.client(text, { segments });
            else s.server(text, { segments });
            const pending = s.h.expectations();
            expect(pending.length).toBeLessThanOrEqual(8);
          }
          expect(s.h.eventsOf("helper-error")).toEqual([]);
          for (const e of s.h.created()) {
            expect(e.tuple.dst).toBe(client);
            expect(e.tuple.dstPort).toBeGreaterThan(0);
            expect(e.master?.original.src).toBe(client);
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it("never exceeds 8 per connection however many valid offers arrive", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 30 }), (ports) => {
        const s = ircSession();
        for (const port of ports) {
          s.client(`PRIVMSG bob :\x01DCC SEND f ${ME} ${port}\x01\r\n`);
          expect(s.h.expectations().length).toBeLessThanOrEqual(8);
        }
        const distinct = new Set(ports).size;
        expect(s.h.expectations().length).toBe(Math.min(8, distinct));
      }),
      { numRuns: 100 },
    );
  });
});
