import { describe, expect, it } from "vitest";
import { SERVER, UdpSip } from "./support/sip-session.js";
import { request, response, sdp } from "./support/sip-text.js";

const OFFER = sdp({ media: [{ type: "audio", port: 20000 }, { type: "video", port: 20002 }] });
const ANSWER = sdp({ address: SERVER, media: [{ type: "audio", port: 30000 }] });

/** A call set up: INVITE (CSeq 1) with an offer, 200 OK with an answer. */
function callUp(): UdpSip {
  const s = new UdpSip();
  s.fromClient(request("INVITE", { cseq: 1, body: OFFER }));
  s.fromServer(response(200, "OK", { cseq: 1, body: ANSWER }));
  return s;
}

const ports = (s: UdpSip) => s.pending().map((p) => Number(p.split(":")[1]!.split("/")[0])).sort((a, b) => a - b);

describe("call life cycle (sip_handlers)", () => {
  it("BYE removes every media expectation still pending, newest first, and keeps the signalling one", () => {
    const s = callUp();
    s.fromClient(request("REGISTER", { cseq: 7, headers: ["Contact: <sip:alice@10.0.1.2:5070>", "Expires: 600"] }));
    expect(ports(s)).toEqual([5070, 20000, 20001, 20002, 20003, 30000, 30001]);
    const before = s.h.destroyed().length;
    expect(s.fromClient(request("BYE", { cseq: 2 })).verdict).toBe("accept");
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:5070/signalling"]);
    const removed = s.h.destroyed().slice(before);
    expect(removed.every((d) => d.reason === "removed")).toBe(true);
    expect(removed.map((d) => d.expectation.tuple.dstPort)).toEqual([30001, 30000, 20003, 20002, 20001, 20000]);
    // Media that starts after the BYE is a new flow.
    expect(s.send(SERVER, 31000, "10.0.1.2", 20000, "rtp").state).toBe("NEW");
  });

  it("a BYE from the callee works the same", () => {
    const s = callUp();
    s.fromServer(request("BYE", { cseq: 100, uri: "sip:alice@10.0.1.2" }));
    expect(s.pending()).toEqual([]);
  });

  it("a re-INVITE replaces the call's media expectations with the new offer's", () => {
    const s = callUp();
    s.fromClient(request("INVITE", { cseq: 2, body: sdp({ media: [{ type: "audio", port: 22000 }] }) }));
    expect(ports(s)).toEqual([22000, 22001]);
  });

  it("CANCEL itself changes nothing; the 487 that ends the INVITE removes the media expectations", () => {
    const s = new UdpSip();
    s.fromClient(request("INVITE", { cseq: 5, body: OFFER }));
    s.fromServer(response(180, "Ringing", { cseq: 5 }));
    expect(s.fromClient(request("CANCEL", { cseq: 5 })).verdict).toBe("accept");
    expect(ports(s)).toEqual([20000, 20001, 20002, 20003]);
    s.fromServer(response(200, "OK", { cseq: 5, cseqMethod: "CANCEL" }));
    expect(ports(s)).toHaveLength(4);
    s.fromServer(response(487, "Request Terminated", { cseq: 5 }));
    expect(s.pending()).toEqual([]);
  });

  it("a rejection of another CSeq than the last INVITE's removes nothing", () => {
    const s = new UdpSip();
    s.fromClient(request("INVITE", { cseq: 5, body: OFFER }));
    s.fromServer(response(486, "Busy Here", { cseq: 4 }));
    expect(ports(s)).toHaveLength(4);
    s.fromServer(response(486, "Busy Here", { cseq: 5 }));
    expect(ports(s)).toEqual([]);
  });

  it("a dropped INVITE does not become the last INVITE", () => {
    const s = new UdpSip();
    s.fromClient(request("INVITE", { cseq: 1, body: OFFER }));
    // CSeq 2 has a media port below 1024: dropped (after removing the call's media, as Linux does first).
    expect(s.fromClient(request("INVITE", { cseq: 2, body: sdp({ media: [{ type: "audio", port: 80 }] }) })).verdict).toBe("drop");
    s.fromServer(response(200, "OK", { cseq: 1, body: ANSWER }));
    expect(ports(s)).toEqual([30000, 30001]);
    s.fromServer(response(500, "Error", { cseq: 2 }));
    expect(ports(s)).toEqual([30000, 30001]);
    s.fromServer(response(500, "Error", { cseq: 1 }));
    expect(ports(s)).toEqual([]);
  });

  it("provisional responses carry SDP too (183 Session Progress)", () => {
    const s = new UdpSip();
    s.fromClient(request("INVITE", { body: OFFER }));
    s.fromServer(response(183, "Session Progress", { body: ANSWER }));
    expect(ports(s)).toContain(30000);
  });

  it("UPDATE, PRACK and ACK requests and UPDATE / PRACK responses carry SDP", () => {
    const cases: [string, (s: UdpSip) => void][] = [
      ["UPDATE", (s) => s.fromClient(request("UPDATE", { body: OFFER }))],
      ["PRACK", (s) => s.fromClient(request("PRACK", { body: OFFER }))],
      ["ACK", (s) => s.fromClient(request("ACK", { body: OFFER }))],
      ["UPDATE response", (s) => s.fromServer(response(200, "OK", { cseqMethod: "UPDATE", body: ANSWER }))],
      ["PRACK response", (s) => s.fromServer(response(200, "OK", { cseqMethod: "PRACK", body: ANSWER }))],
    ];
    for (const [name, send] of cases) {
      const s = new UdpSip();
      send(s);
      expect(ports(s).length, name).toBeGreaterThan(0);
    }
  });

  it("SDP in other methods' requests or responses is not read (OPTIONS, MESSAGE, a response to BYE)", () => {
    const s = new UdpSip();
    s.fromClient(request("OPTIONS", { body: OFFER }));
    s.fromClient(request("MESSAGE", { body: OFFER }));
    s.fromServer(response(200, "OK", { cseqMethod: "BYE", body: ANSWER }));
    s.fromServer(response(200, "OK", { cseqMethod: "OPTIONS", body: ANSWER }));
    expect(s.pending()).toEqual([]);
  });

  it("a rejection of an UPDATE or PRACK with the INVITE's CSeq also removes the media (Linux compares with the INVITE's)", () => {
    const s = new UdpSip();
    s.fromClient(request("INVITE", { cseq: 3, body: OFFER }));
    s.fromServer(response(491, "Request Pending", { cseq: 3, cseqMethod: "UPDATE" }));
    expect(s.pending()).toEqual([]);
  });
});

describe("request and response lines", () => {
  it("methods are case-insensitive and must be followed by a space and a letter", () => {
    const s = new UdpSip();
    s.fromClient(request("invite", { body: OFFER }).replace("invite sip:", "invite sip:"));
    expect(ports(s)).toHaveLength(4);
    for (const line of ["INVITE  sip:bob@10.0.2.2", "INVITE <sip:bob@10.0.2.2>", "INVITEsip:bob@10.0.2.2", "INVITES sip:bob@10.0.2.2"]) {
      const t = new UdpSip();
      t.fromClient(request("INVITE", { body: OFFER }).replace(/^INVITE sip:bob@10\.0\.2\.2:5060/, line));
      expect(t.pending(), line).toEqual([]);
    }
  });

  it("a response's method is the word after its CSeq number, compared by prefix and without case", () => {
    const s = new UdpSip();
    s.fromServer(response(200, "OK", { cseqMethod: "inviteXYZ", body: ANSWER }));
    expect(ports(s)).toEqual([30000, 30001]);
  });

  it("a request or response without a CSeq number is dropped; so is one whose CSeq wraps to 0", () => {
    const bad = [
      () => request("INVITE", { body: OFFER }).replace(/CSeq: [^\r]*\r\n/, ""),
      () => request("BYE").replace("CSeq: 1 BYE", "CSeq: BYE"),
      () => response(200, "OK", { body: ANSWER }).replace(/CSeq: [^\r]*\r\n/, ""),
      () => request("INVITE", { cseq: "4294967296", body: OFFER }),
      () => response(200, "OK", { cseq: "4294967296" }),
    ];
    for (const make of bad) {
      const s = new UdpSip();
      const text = make();
      const r = text.startsWith("SIP") ? s.fromServer(text) : s.fromClient(text);
      expect(r.verdict, text.split("\r\n")[0]).toBe("drop");
    }
    const ok = new UdpSip();
    expect(ok.fromClient(request("INVITE", { cseq: "0", body: OFFER })).verdict).toBe("accept");
    expect(ok.logs()).toEqual([]);
  });

  it("only the first CSeq header counts", () => {
    const s = new UdpSip();
    const text = request("INVITE", { cseq: "x", body: OFFER }).replace("Call-ID", "CSeq: 1 INVITE\r\nCall-ID");
    // The CSeq without a number comes after the good one: the good one is used.
    expect(s.fromClient(text).verdict).toBe("accept");
    const t = new UdpSip();
    expect(t.fromClient(request("INVITE", { cseq: "x", body: OFFER }).replace("Content-Type", "CSeq: 1 INVITE\r\nContent-Type")).verdict).toBe("drop");
  });

  it("a status code of 0 or without digits drops the response", () => {
    for (const code of ["000", "abc"]) {
      const s = new UdpSip();
      expect(s.fromServer(response(code, "Odd", {})).verdict, code).toBe("drop");
      expect(s.logs()).toEqual(["dropping packet: cannot get code"]);
    }
  });

  it("payloads shorter than 'SIP/2.0 200' are not parsed; neither are unknown methods", () => {
    const s = new UdpSip();
    expect(s.fromClient("INVITE x").verdict).toBe("accept");
    expect(s.fromClient("HELLO sip:bob@10.0.2.2 SIP/2.0\r\n\r\n").verdict).toBe("accept");
    expect(s.fromServer("SIP/2.0 200").verdict).toBe("drop"); // 11 bytes: parsed, and it has no CSeq
    expect(s.pending()).toEqual([]);
  });
});
