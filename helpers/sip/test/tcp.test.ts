import { helperHarness, tcpConversation } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { sipHelper } from "../src/index.js";
import { TcpSip, latin1 } from "./support/sip-session.js";
import { request, response, sdp } from "./support/sip-text.js";

const INVITE = request("INVITE", { body: sdp() });
const REGISTER = request("REGISTER", { cseq: 2, headers: ["Contact: <sip:alice@10.0.1.2:5070;transport=tcp>", "Expires: 600"] });

describe("SIP over TCP (sip_help_tcp)", () => {
  it("a message in one segment is parsed: media are UDP expectations, a TCP Contact a TCP signalling expectation", () => {
    const s = new TcpSip();
    s.fromClient(INVITE);
    s.fromClient(REGISTER);
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20000/audio", "10.0.2.2->10.0.1.2:20001/audio", "10.0.2.2->10.0.1.2:5070/signalling"]);
    const signalling = s.h.expectations().find((e) => e.class === 0)!;
    expect(signalling.tuple.protocol).toBe(6);
  });

  it("several messages in one segment are all parsed, each by its Content-Length", () => {
    const s = new TcpSip();
    const [r] = s.fromClient(INVITE + REGISTER + request("UPDATE", { body: sdp({ media: [{ type: "video", port: 22000 }] }) }));
    expect(r!.verdict).toBe("accept");
    expect(s.pending()).toHaveLength(5);
  });

  it("a message split over two segments is not parsed (Linux does not reassemble)", () => {
    const s = new TcpSip();
    s.fromClient(INVITE, [INVITE.length - 40]);
    expect(s.pending()).toEqual([]);
    // Neither is a message that starts inside a segment after an incomplete one.
    s.fromClient("x".repeat(10) + INVITE);
    expect(s.pending()).toEqual([]);
  });

  it("a complete first message is parsed even if the segment ends inside the next one", () => {
    const s = new TcpSip();
    s.fromClient(INVITE + REGISTER.slice(0, 60));
    expect(s.pending()).toHaveLength(2);
  });

  it("framing needs a Content-Length (full or compact 'l') and the empty line ending the headers", () => {
    const s = new TcpSip();
    s.fromClient(request("INVITE", { body: sdp(), contentLength: null }));
    s.fromClient(INVITE.replace("\r\n\r\n", "\r\n"));
    expect(s.pending()).toEqual([]);
    s.fromClient(INVITE.replace("Content-Length:", "l:"));
    expect(s.pending()).toHaveLength(2);
  });

  it("a Content-Length beyond the segment leaves the message unparsed; a short one cuts the body off", () => {
    const body = sdp();
    const s = new TcpSip();
    s.fromClient(request("INVITE", { body, contentLength: body.length + 1 }));
    expect(s.pending()).toEqual([]);
    // The body ends before the m= line: no media line is seen.
    s.fromClient(request("INVITE", { body, contentLength: body.indexOf("m=") - 2 }));
    expect(s.pending()).toEqual([]);
  });

  it("a message the helper drops drops the whole segment, after the messages before it took effect", () => {
    const s = new TcpSip();
    const bad = request("BYE", { contentLength: 0 }).replace(/CSeq: [^\r]*\r\n/, "");
    const [r] = s.fromClient(INVITE + bad);
    expect(r).toMatchObject({ verdict: "drop", reason: "helper-drop" });
    expect(s.pending()).toHaveLength(2);
  });

  it("a Content-Length that wraps the 32-bit length to 0 stops framing instead of looping", () => {
    const head = request("BYE", { contentLength: "XXXXXXXXXX" });
    const headersEnd = head.indexOf("\r\n\r\n") + 4;
    const wrapped = head.replace("XXXXXXXXXX", String(2 ** 32 - headersEnd));
    expect(wrapped.indexOf("\r\n\r\n") + 4).toBe(headersEnd);
    const s = new TcpSip();
    const [r] = s.fromClient(wrapped + INVITE);
    expect(r!.verdict).toBe("accept");
    expect(s.pending()).toEqual([]);
  });

  it("only established connections are parsed: data on a SYN is not", () => {
    const h = helperHarness({ helpers: [sipHelper()] });
    const c = tcpConversation({ clientPort: 40000, serverPort: 5060 });
    const [r] = h.run(c.raw("client", { flags: "S", payload: latin1(INVITE) }));
    expect(r).toMatchObject({ state: "NEW", helper: "sip" });
    expect(h.expectations()).toEqual([]);
  });

  it("responses over TCP work too: the callee's answer", () => {
    const s = new TcpSip();
    s.fromClient(INVITE);
    s.fromServer(response(200, "OK", { body: sdp({ address: "10.0.2.2", media: [{ type: "audio", port: 30000 }] }) }));
    expect(s.pending()).toHaveLength(4);
  });

  it("each data segment sets the connection's timeout to sip_timeout; a pure ACK gives TCP's own back", () => {
    const s = new TcpSip({ sip: { timeout: 900 } });
    const conn = () => [...s.h.engine.connections()].find((c) => c.original.dstPort === 5060)!;
    const established = conn().timeout;
    s.fromClient("OPTIONS sip:bob@10.0.2.2 SIP/2.0\r\n\r\n");
    expect(conn().timeout).toBeCloseTo(900, 6);
    s.h.run(s.c.ackFrom("server"));
    expect(conn().timeout).toBeCloseTo(established, 0);
  });

  it("a message written with compact header names (v, f, t, i, m, c, l) is framed and parsed", () => {
    const body = sdp();
    const compact = [
      "INVITE sip:bob@10.0.2.2 SIP/2.0",
      "v: SIP/2.0/TCP 10.0.1.2:40000",
      "f: <sip:alice@10.0.1.2>;tag=1",
      "t: <sip:bob@10.0.2.2>",
      "i: c1@10.0.1.2",
      "CSeq: 1 INVITE",
      "m: <sip:alice@10.0.1.2:40000;transport=tcp>",
      "c: application/sdp",
      `l: ${body.length}`,
      "",
      body,
    ].join("\r\n");
    const s = new TcpSip();
    s.fromClient(compact + compact.replace("CSeq: 1 INVITE", "CSeq: 2 INVITE").replace("m=audio 20000", "m=audio 22000"));
    // Both messages were seen: the second INVITE replaced the first one's media.
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:22000/audio", "10.0.2.2->10.0.1.2:22001/audio"]);
  });
});
