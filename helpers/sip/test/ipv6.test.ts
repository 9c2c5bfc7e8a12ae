import { describe, expect, it } from "vitest";
import { CLIENT6, SERVER6, UdpSip } from "./support/sip-session.js";
import { request, response, sdp } from "./support/sip-text.js";

const register = (contact: string) => request("REGISTER", { uri: "sip:[fd00:2::2]", via: "[fd00:1::2]:5060", headers: [contact, "Expires: 600"] });

describe("SIP over IPv6", () => {
  it("SDP 'IN IP6' addresses are expected like IPv4 ones, whatever their text form", () => {
    for (const address of ["fd00:1::2", "FD00:1:0:0:0:0:0:2", "fd00:0001::0002"]) {
      const s = new UdpSip({ family: 6 });
      s.fromClient(request("INVITE", { via: "[fd00:1::2]:5060", body: sdp({ address }) }));
      expect(s.pending(), address).toEqual(["fd00:2::2->fd00:1::2:20000/audio", "fd00:2::2->fd00:1::2:20001/audio"]);
    }
    const s = new UdpSip({ family: 6 });
    s.fromClient(request("INVITE", { body: sdp({ address: CLIENT6 }) }));
    expect(s.send(SERVER6, 30000, CLIENT6, 20000, "rtp")).toMatchObject({ state: "RELATED", expected: true });
  });

  it("an IPv6 session reads only 'IN IP6' lines: an IPv4 address leaves the media line without one", () => {
    const s = new UdpSip({ family: 6 });
    expect(s.fromClient(request("INVITE", { body: sdp({ address: "10.0.1.2" }) })).verdict).toBe("drop");
  });

  it("the 200 OK's answer from the callee", () => {
    const s = new UdpSip({ family: 6 });
    s.fromClient(request("INVITE", { body: sdp({ address: CLIENT6 }) }));
    s.fromServer(response(200, "OK", { body: sdp({ address: SERVER6, media: [{ type: "video", port: 30000 }] }) }));
    expect(s.pending()).toContain("fd00:1::2->fd00:2::2:30000/video");
  });

  it("a Contact's IPv6 address must be in brackets", () => {
    const s = new UdpSip({ family: 6 });
    s.fromClient(register("Contact: <sip:alice@[fd00:1::2]:5070>"));
    expect(s.pending()).toEqual(["fd00:2::2->fd00:1::2:5070/signalling"]);
    const t = new UdpSip({ family: 6 });
    t.fromClient(register("Contact: <sip:alice@fd00:1::2>"));
    expect(t.pending()).toEqual([]);
    expect(t.h.records.every((r) => r.verdict === "accept")).toBe(true);
  });

  it("IPv4 addresses mean nothing on an IPv6 connection", () => {
    const s = new UdpSip({ family: 6 });
    s.fromClient(register("Contact: <sip:alice@10.0.1.2:5070>"));
    expect(s.pending()).toEqual([]);
  });
});
