import { tftpHelper } from "@alg-sdk/helper-tftp";
import { helperHarness } from "@alg-sdk/testing";
import { sipHelper } from "../src/index.js";
import { describe, expect, it } from "vitest";
import { CLIENT, SERVER, UdpSip, latin1 } from "./support/sip-session.js";
import { request, response, sdp } from "./support/sip-text.js";

const invite = (body: string) => request("INVITE", { body });

describe("SDP media expectations (process_sdp, set_expected_rtp_rtcp)", () => {
  it("an offer expects RTP and RTCP of each media line from the other peer, in its class, for 180 s", () => {
    const s = new UdpSip();
    const r = s.fromClient(invite(sdp({ media: [{ type: "audio", port: 20000 }, { type: "video", port: 20002 }, { type: "image", port: 20004 }] })));
    expect(r).toMatchObject({ state: "NEW", verdict: "accept", helper: "sip" });
    expect(s.pending()).toEqual([
      "10.0.2.2->10.0.1.2:20000/audio",
      "10.0.2.2->10.0.1.2:20001/audio",
      "10.0.2.2->10.0.1.2:20002/video",
      "10.0.2.2->10.0.1.2:20003/video",
      "10.0.2.2->10.0.1.2:20004/image",
      "10.0.2.2->10.0.1.2:20005/image",
    ]);
    for (const e of s.h.expectations()) {
      expect(e).toMatchObject({ helper: "sip", flags: 0, mask: { srcPort: 0 }, tuple: { protocol: 17 } });
      expect(e.timeout).toBeCloseTo(180, 6);
      expect(e.class).toBe({ audio: 1, video: 2, image: 3 }[e.className]);
    }
  });

  it("the media flow's first packet is RELATED, from any source port, and its reply ESTABLISHED", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp()));
    expect(s.send(SERVER, 31234, CLIENT, 20000, "rtp")).toMatchObject({ state: "RELATED", expected: true, helper: null });
    expect(s.send(CLIENT, 20000, SERVER, 31234, "rtp")).toMatchObject({ state: "ESTABLISHED", direction: "reply", expected: true });
    // RTP consumed its expectation; RTCP's is still there.
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20001/audio"]);
  });

  it("an odd port expects RTP on the even port below it and RTCP on the odd one", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp({ media: [{ type: "audio", port: 20001 }] })));
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20000/audio", "10.0.2.2->10.0.1.2:20001/audio"]);
  });

  it("a media line's own c= overrides the session's", () => {
    const s = new UdpSip({ sip: { directMedia: false } });
    s.fromClient(invite(sdp({ address: "10.0.1.2", media: [{ type: "audio", port: 20000, address: "10.0.1.9" }, { type: "video", port: 20002 }] })));
    expect(s.pending()).toEqual(["*->10.0.1.2:20002/video", "*->10.0.1.2:20003/video", "*->10.0.1.9:20000/audio", "*->10.0.1.9:20001/audio"]);
  });

  it("a media line without any address (no session c=, no media c=) drops the message", () => {
    const s = new UdpSip();
    const r = s.fromClient(invite(sdp({ address: null })));
    expect(r).toMatchObject({ verdict: "drop", reason: "helper-drop" });
    expect(s.pending()).toEqual([]);
  });

  it("port 0 (a disabled stream) is skipped; ports below 1024 or above 65535 drop the message", () => {
    const s = new UdpSip();
    expect(s.fromClient(invite(sdp({ media: [{ type: "audio", port: 0 }, { type: "video", port: 20002 }] }))).verdict).toBe("accept");
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20002/video", "10.0.2.2->10.0.1.2:20003/video"]);
    for (const port of [80, 1023, 65536, 70000]) {
      const t = new UdpSip();
      expect(t.fromClient(invite(sdp({ media: [{ type: "audio", port }] }))).verdict, String(port)).toBe("drop");
      expect(t.pending()).toEqual([]);
    }
  });

  it("a port written with more digits than 32 bits hold wraps as Linux's unsigned int does", () => {
    const s = new UdpSip();
    // 4294987296 = 2^32 + 20000.
    expect(s.fromClient(invite(sdp({ media: [{ type: "audio", port: 4294987296 }] }))).verdict).toBe("accept");
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20000/audio", "10.0.2.2->10.0.1.2:20001/audio"]);
  });

  it("other media types are skipped, and type names are case-sensitive", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp({ media: [{ type: "application", port: 5000 }, { type: "Audio", port: 20000 }, { type: "text", port: 20010 }] })));
    expect(s.pending()).toEqual([]);
    expect(s.h.last!.verdict).toBe("accept");
  });

  it("at most three media lines of one message get expectations", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp({ media: [20000, 20002, 20004, 20006].map((port, i) => ({ type: i % 2 ? "video" : "audio", port })) })));
    expect(s.pending().map((p) => p.split(":")[1])).toEqual(["20000/audio", "20001/audio", "20002/video", "20003/video", "20004/audio", "20005/audio"]);
  });

  it("no v= line means no session description: nothing is expected", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp().replace("v=0\r\n", "")));
    expect(s.pending()).toEqual([]);
  });

  it("an IPv4 session reads only 'IN IP4' connection lines, and that text is case-sensitive", () => {
    for (const connection of ["IN IP6 fd00::1", "in ip4 10.0.1.2", "IN IP4 10.0.1.x"]) {
      const s = new UdpSip();
      // The session c= does not parse and there is no other: the media line has no address.
      expect(s.fromClient(invite(sdp({ connection }))).verdict, connection).toBe("drop");
    }
  });

  it("an unparsable media-level c= falls back to the session address", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp({ media: [{ type: "audio", port: 20000, connection: "IN IP6 fd00::1" }] })));
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20000/audio", "10.0.2.2->10.0.1.2:20001/audio"]);
  });

  it("the 200 OK's answer expects the other way round", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp()));
    s.fromServer(response(200, "OK", { body: sdp({ address: SERVER, media: [{ type: "audio", port: 30000 }] }) }));
    expect(s.pending()).toEqual([
      "10.0.1.2->10.0.2.2:30000/audio",
      "10.0.1.2->10.0.2.2:30001/audio",
      "10.0.2.2->10.0.1.2:20000/audio",
      "10.0.2.2->10.0.1.2:20001/audio",
    ]);
  });
});

describe("direct media (sip_direct_media)", () => {
  it("default: media announced for another address than the sender's is not expected, and the message passes", () => {
    const s = new UdpSip();
    const r = s.fromClient(invite(sdp({ address: "10.0.1.99" })));
    expect(r.verdict).toBe("accept");
    expect(s.pending()).toEqual([]);
    // Nor when the sender announces its peer's address (a forged answer).
    s.fromServer(response(200, "OK", { body: sdp({ address: CLIENT, media: [{ type: "audio", port: 40000 }] }) }));
    expect(s.pending()).toEqual([]);
  });

  it("only the other signalling peer can open the media flow", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp()));
    expect(s.send("10.0.2.77", 30000, CLIENT, 20000, "rtp").state).toBe("NEW");
    expect(s.send(SERVER, 30000, CLIENT, 20000, "rtp").state).toBe("RELATED");
  });

  it("off: any announced address, from any source", () => {
    const s = new UdpSip({ sip: { directMedia: false } });
    s.fromClient(invite(sdp({ address: "192.0.2.10" })));
    expect(s.pending()).toEqual(["*->192.0.2.10:20000/audio", "*->192.0.2.10:20001/audio"]);
    expect(s.send("198.51.100.1", 4000, "192.0.2.10", 20000, "rtp").state).toBe("RELATED");
  });

  it("sip_external_media: with direct media off, media reached through the signalling peer's interface is not expected", () => {
    const seen: string[] = [];
    const sameSide = (media: Uint32Array, to: Uint32Array, family: 4 | 6) => {
      seen.push(`${family} ${media[0]! >>> 24}.${(media[0]! >>> 16) & 255} -> ${to[0]! >>> 24}`);
      return media[0]! >>> 24 === 10;
    };
    const s = new UdpSip({ sip: { directMedia: false, externalMedia: sameSide } });
    s.fromClient(invite(sdp({ address: "10.9.9.9", media: [{ type: "audio", port: 20000 }, { type: "video", port: 20002, address: "192.0.2.10" }] })));
    expect(s.pending()).toEqual(["*->192.0.2.10:20002/video", "*->192.0.2.10:20003/video"]);
    expect(seen).toEqual(["4 10.9 -> 10", "4 192.0 -> 10"]);
  });

  it("externalMedia is not consulted while direct media is on (Linux's else-if)", () => {
    let calls = 0;
    const s = new UdpSip({ sip: { externalMedia: () => (calls++, true) } });
    s.fromClient(invite(sdp()));
    expect(calls).toBe(0);
    expect(s.pending()).toHaveLength(2);
  });
});

describe("limits and clashes", () => {
  it("per class at most 4 audio (and 4 video) per call: the oldest is evicted", () => {
    const s = new UdpSip();
    s.fromClient(request("UPDATE", { body: sdp({ media: [{ type: "audio", port: 20000 }] }) }));
    s.fromClient(request("UPDATE", { body: sdp({ media: [{ type: "audio", port: 20010 }] }) }));
    s.fromClient(request("UPDATE", { body: sdp({ media: [{ type: "audio", port: 20020 }] }) }));
    expect(s.pending().map((p) => p.split(":")[1])).toEqual(["20010/audio", "20011/audio", "20020/audio", "20021/audio"]);
    expect(s.h.destroyed().map((d) => [d.expectation.tuple.dstPort, d.reason])).toEqual([
      [20000, "evicted"],
      [20001, "evicted"],
    ]);
  });

  it("at most 2 image expectations: a second fax stream replaces the first", () => {
    const s = new UdpSip();
    s.fromClient(request("UPDATE", { body: sdp({ media: [{ type: "image", port: 20000 }] }) }));
    s.fromClient(request("UPDATE", { body: sdp({ media: [{ type: "image", port: 20010 }] }) }));
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20010/image", "10.0.2.2->10.0.1.2:20011/image"]);
  });

  it("the same port for two media types: the second is taken as already expected (-EALREADY), not dropped", () => {
    const s = new UdpSip();
    const r = s.fromClient(invite(sdp({ media: [{ type: "audio", port: 20000 }, { type: "video", port: 20000 }] })));
    expect(r.verdict).toBe("accept");
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20000/audio", "10.0.2.2->10.0.1.2:20001/audio"]);
  });

  it("media another call of the same peers already expects (same class) is not expected twice", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp()));
    // A second SIP connection between the same hosts (another client port) announces the same media.
    const other = new UdpSip({ clientPort: 5062 }, s.h);
    other.ts = s.ts;
    const r = other.fromClient(invite(sdp()));
    expect(r).toMatchObject({ state: "NEW", verdict: "accept", helper: "sip" });
    expect(s.h.created()).toHaveLength(2);
  });

  it("the same media under another class on another call counts as already expected (SKIP_MASTER), not a clash", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp({ media: [{ type: "audio", port: 20000 }] })));
    const other = new UdpSip({ clientPort: 5062 }, s.h);
    other.ts = s.ts;
    expect(other.fromClient(invite(sdp({ media: [{ type: "video", port: 20000 }] }))).verdict).toBe("accept");
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20000/audio", "10.0.2.2->10.0.1.2:20001/audio"]);
  });

  it("an expectation the engine refuses drops the message and takes back the RTP one", () => {
    // TFTP (another helper) expects 10.0.2.2 -> 10.0.1.2:20001 first; SIP without direct media would expect anyone -> 20001: a clash.
    const s = new UdpSip({ sip: { directMedia: false }, others: [tftpHelper()] });
    s.send(CLIENT, 20001, SERVER, 69, latin1("\x00\x01file\x00octet\x00"));
    const r = s.fromClient(invite(sdp()));
    expect(r).toMatchObject({ verdict: "drop", reason: "helper-drop" });
    expect(s.h.created().map((e) => `${e.helper}:${e.tuple.dstPort}`)).toEqual(["tftp:20001", "sip:20000"]);
    expect(s.h.destroyed().map((d) => `${d.expectation.helper}:${d.expectation.tuple.dstPort}:${d.reason}`)).toEqual(["sip:20000:removed"]);
    expect(s.logs()).toContain("dropping packet: cannot add expectation for voice");
  });

  it("never expects media for a packet the helper does not see (no helper on media flows)", () => {
    const s = new UdpSip();
    s.fromClient(invite(sdp()));
    s.send(SERVER, 30000, CLIENT, 20000, "rtp");
    // An SDP-looking payload on the media flow opens nothing.
    s.send(CLIENT, 20000, SERVER, 30000, invite(sdp({ media: [{ type: "audio", port: 40000 }] })));
    expect(s.pending()).toEqual(["10.0.2.2->10.0.1.2:20001/audio"]);
  });

  it("one helper object serving two engines keeps their calls apart", () => {
    const helper = sipHelper();
    const a = new UdpSip({}, helperHarness({ helpers: [helper] }));
    const b = new UdpSip({ clientPort: 5062 }, helperHarness({ helpers: [helper] }));
    a.fromClient(invite(sdp()));
    // Another flow first, so that b's SIP connection has another id than a's.
    b.send("10.0.1.7", 4000, SERVER, 4000, "x");
    b.fromClient(invite(sdp()));
    expect(a.pending()).toHaveLength(2);
    expect(b.pending()).toHaveLength(2);
  });
});
