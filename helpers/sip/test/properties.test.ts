import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Match } from "../src/header-match.js";
import { UriTarget, parseHeaderUri } from "../src/header-params.js";
import { SDP_MEDIA, findSdpAddress, findSdpLine } from "../src/sdp.js";
import { CONTACT, CONTENT_LENGTH, CSEQ, Found, ListPosition, VIA_UDP, findHeader } from "../src/sip-headers.js";
import { SIP_POLICIES } from "../src/index.js";
import { TcpSip, UdpSip, latin1 } from "./support/sip-session.js";
import { request, response, sdp } from "./support/sip-text.js";

/** Pieces SIP and SDP are made of, so random payloads often come close to real messages. */
const TOKENS = [
  "INVITE sip:bob@10.0.2.2 SIP/2.0\r\n", "REGISTER sip:10.0.2.2 SIP/2.0\r\n", "BYE sip:bob@10.0.2.2 SIP/2.0\r\n",
  "UPDATE ", "ACK ", "PRACK ", "SIP/2.0 200 OK\r\n", "SIP/2.0 487 Terminated\r\n", "SIP/2.0 183 x\r\n",
  "CSeq: 1 INVITE\r\n", "CSeq: 2 REGISTER\r\n", "CSeq: ", "Contact: <sip:alice@10.0.1.2:5070>", "m: <sip:10.0.2.2>",
  "Contact: <sip:a@[fd00:1::2]:5070>", ";expires=", ";transport=tcp", ";transport=udp", "Expires: 600\r\n", "Expires: 0\r\n",
  "Via: SIP/2.0/UDP 10.0.1.2:5062\r\n", "v: SIP/2.0/UDP ", "Content-Length: ", "l: ", "\r\n\r\n",
  "v=0\r\n", "c=IN IP4 10.0.1.2\r\n", "c=IN IP4 10.0.2.2\r\n", "c=IN IP6 fd00:1::2\r\n", "c=IN IP4 10.0.1.99\r\n",
  "m=audio 20000 RTP/AVP 0\r\n", "m=video 30002 RTP/AVP 0\r\n", "m=image 0 udptl\r\n", "m=audio ", "m=", "c=",
  "\r\n", "\n", "\r", " ", "\t", ",", ";", ":", "@", "<", ">", "[", "]", "sip:", "10.0.1.2", "10.0.2.2", "fd00:2::2",
  "0", "1023", "1024", "5060", "65535", "65536", "4294967296", "4294987296", "0x3c", "010",
];

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.nat({ max: 2 ** 33 }).map(String) },
);
const tokenText = fc.array(piece, { maxLength: 50 }).map((a) => a.join(""));

const MESSAGES = [
  request("INVITE", { body: sdp({ media: [{ type: "audio", port: 20000 }, { type: "video", port: 20002 }] }) }),
  request("INVITE", { cseq: 2, body: sdp({ address: "10.0.2.2", media: [{ type: "image", port: 30004 }] }) }),
  response(200, "OK", { body: sdp({ address: "10.0.2.2", media: [{ type: "audio", port: 30000 }] }) }),
  response(183, "Session Progress", { body: sdp({ address: "10.0.1.2", media: [{ type: "audio", port: 40000, address: "10.0.1.2" }] }) }),
  request("REGISTER", { cseq: 3, headers: ["Contact: <sip:alice@10.0.1.2:5070>;expires=600", "Expires: 60"] }),
  request("REGISTER", { cseq: 3, headers: ["Contact: <sip:bob@10.0.2.2:5070>", "Expires: 60"] }),
  response(200, "OK", { cseq: 3, cseqMethod: "REGISTER", headers: ["Contact: <sip:alice@10.0.1.2:5070>;expires=300"] }),
  response(487, "Request Terminated", { cseq: 1 }),
  request("BYE", { cseq: 4 }),
  request("UPDATE", { body: sdp({ media: [{ type: "audio", port: 21000 }, { type: "audio", port: 21002 }, { type: "audio", port: 21004 }] }) }),
];

/** A valid message with random edits: deletions, insertions of tokens, byte changes. */
const mutated = fc
  .tuple(fc.constantFrom(...MESSAGES), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), piece), { maxLength: 5 }))
  .map(([text, edits]) => {
    for (const [at, del, ins] of edits) {
      const p = at % (text.length + 1);
      text = text.slice(0, p) + ins + text.slice(p + del);
    }
    return text;
  });

const payload = fc.oneof(
  { weight: 3, arbitrary: mutated },
  { weight: 2, arbitrary: tokenText },
  { weight: 1, arbitrary: fc.constantFrom(...MESSAGES) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => String.fromCharCode(...b)) },
);

describe("properties of the text readers", () => {
  it("never throw and never report a match outside the message", () => {
    const m = new Match();
    const uri = new UriTarget();
    fc.assert(
      fc.property(payload, fc.nat({ max: 16 }), fc.constantFrom(4, 6), (text, offset, family) => {
        const body = latin1(text);
        const buf = new Uint8Array(offset + body.length + 8).fill(0x35);
        buf.set(body, offset);
        const start = offset;
        const end = offset + body.length;
        const inside = () => {
          expect(m.off).toBeGreaterThanOrEqual(start);
          expect(m.off + m.len).toBeLessThanOrEqual(end);
          expect(m.len).toBeGreaterThan(0);
        };
        for (const h of [CSEQ, CONTACT, VIA_UDP, CONTENT_LENGTH]) if (findHeader(h, buf, start, end, family, m) === Found.YES) inside();
        const list = new ListPosition();
        let from = start;
        for (let i = 0; i < 64 && parseHeaderUri(CONTACT, buf, from, end, family, list, m, uri) === Found.YES; i++) {
          inside();
          expect(uri.port).toBeGreaterThanOrEqual(1024);
          expect(uri.port).toBeLessThanOrEqual(65535);
          expect(uri.end).toBeGreaterThan(from);
          from = uri.end;
        }
        if (findSdpLine(SDP_MEDIA, null, buf, start, end, family, m) === Found.YES) inside();
        if (findSdpAddress(buf, start, end, family, m, new Uint32Array(4)) === Found.YES) inside();
      }),
      { numRuns: 3000 },
    );
  });
});

/** The same text for the IPv6 peers: SDP addresses bare, URI hosts in brackets. */
function toIpv6(text: string): string {
  return text
    .replaceAll("IN IP4 10.0.1.2", "IN IP6 fd00:1::2")
    .replaceAll("IN IP4 10.0.2.2", "IN IP6 fd00:2::2")
    .replaceAll("@10.0.1.2", "@[fd00:1::2]")
    .replaceAll("@10.0.2.2", "@[fd00:2::2]");
}

type Session = { h: UdpSip["h"]; client: string; server: string };

/** What may be expected at all: by whom, to where, how many. */
function checkExpectations(s: Session, directMedia: boolean): void {
  const perMaster = new Map<string, number>();
  for (const e of s.h.expectations()) {
    const key = `${e.master?.id}/${e.class}`;
    perMaster.set(key, (perMaster.get(key) ?? 0) + 1);
    expect(perMaster.get(key)!).toBeLessThanOrEqual(SIP_POLICIES[e.class]!.maxExpected);
  }
  for (const e of s.h.created()) {
    expect(e.tuple.dstPort).toBeGreaterThanOrEqual(1024);
    expect(e.tuple.dstPort).toBeLessThanOrEqual(65535);
    expect(e.mask.srcPort).toBe(0);
    const peers = [s.client, s.server];
    if (e.class === 0 || directMedia) {
      // Only a signalling peer, for itself, from the other peer.
      expect(peers).toContain(e.tuple.dst);
      expect(e.tuple.src).toBe(e.tuple.dst === s.client ? s.server : s.client);
    } else {
      expect(e.mask.src === "0.0.0.0" || e.mask.src === "::").toBe(true);
    }
    if (e.class !== 0) expect(e.tuple.protocol).toBe(17);
    expect(e.master).not.toBeNull();
  }
}

describe("properties of the helper in an engine", () => {
  const steps = fc.array(fc.record({ fromClient: fc.boolean(), text: payload, cut: fc.nat({ max: 3 }) }), { minLength: 1, maxLength: 12 });

  for (const variant of [
    { family: 4 as const, directMedia: true },
    { family: 4 as const, directMedia: false },
    { family: 6 as const, directMedia: true },
  ]) {
    it(`UDP: never throws, expects only what is allowed, within the class limits (${JSON.stringify(variant)})`, () => {
      fc.assert(
        fc.property(steps, (list) => {
          const s = new UdpSip({ family: variant.family, sip: { directMedia: variant.directMedia } });
          for (const { fromClient, text } of list) {
            const t = variant.family === 6 ? toIpv6(text) : text;
            if (fromClient) s.fromClient(t);
            else s.fromServer(t);
            checkExpectations(s, variant.directMedia);
          }
          expect(s.h.eventsOf("helper-error")).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });
  }

  it("TCP: never throws, expects only what is allowed, within the class limits, however segments are cut", () => {
    fc.assert(
      fc.property(steps, (list) => {
        const s = new TcpSip();
        const session = { h: s.h, client: "10.0.1.2", server: "10.0.2.2" };
        for (const { fromClient, text, cut } of list) {
          if (text.length === 0) continue;
          const segments = Math.min(cut + 1, text.length);
          if (fromClient) s.fromClient(text, segments);
          else s.fromServer(text, segments);
          checkExpectations(session, true);
        }
        expect(s.h.eventsOf("helper-error")).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("however many offers arrive, a call never holds more than 4 audio and 4 video expectations", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("audio", "video", "image"), fc.integer({ min: 1024, max: 65535 })), { minLength: 1, maxLength: 20 }), (offers) => {
        const s = new UdpSip();
        for (const [type, port] of offers) {
          s.fromClient(request("UPDATE", { body: sdp({ media: [{ type, port }] }) }));
          checkExpectations({ h: s.h, client: s.client, server: s.server }, true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
