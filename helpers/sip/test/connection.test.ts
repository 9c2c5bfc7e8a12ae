import { describe, expect, it } from "vitest";
import { SIP_POLICIES, SIP_PORT, SIP_TIMEOUT, SipClass, sipHelper } from "../src/index.js";
import { SERVER, TcpSip, UdpSip } from "./support/sip-session.js";
import { request, sdp } from "./support/sip-text.js";

const timeoutOf = (s: UdpSip, port = 5060) => [...s.h.engine.connections()].find((c) => c.original.dstPort === port)!.timeout;

describe("the SIP connection's own timeout (nf_ct_refresh with sip_timeout)", () => {
  it("every UDP datagram with a payload sets it to 3600 s, even one too short to parse", () => {
    const s = new UdpSip();
    s.fromClient("hi");
    expect(timeoutOf(s)).toBeCloseTo(SIP_TIMEOUT, 6);
    s.wait(1000);
    s.fromServer(request("OPTIONS"));
    expect(timeoutOf(s)).toBeCloseTo(3600, 6);
  });

  it("an empty datagram leaves UDP's own timeout", () => {
    const s = new UdpSip();
    s.fromClient("");
    expect(timeoutOf(s)).toBeLessThan(200);
  });

  it("follows the timeout option, and a dropped message still refreshes (Linux refreshes before parsing)", () => {
    const s = new UdpSip({ sip: { timeout: 60 } });
    s.fromClient(request("OPTIONS"));
    expect(timeoutOf(s)).toBeCloseTo(60, 6);
    s.wait(30);
    const r = s.fromClient(request("INVITE", { body: sdp({ media: [{ type: "audio", port: 80 }] }) }));
    expect(r.verdict).toBe("drop");
    expect(timeoutOf(s)).toBeCloseTo(60, 6);
  });

  it("UDP datagrams are parsed in any state: the first of a connection (NEW) included", () => {
    const s = new UdpSip();
    expect(s.fromServer(request("INVITE", { body: sdp({ address: SERVER }) })).state).toBe("NEW");
    expect(s.pending()).toHaveLength(2);
  });
});

describe("Via (the forced_dport Linux keeps for its NAT)", () => {
  it("a request whose Via names the sender's address with another port than its source port is noted", () => {
    const s = new UdpSip({ engine: {}, clientPort: 40000 });
    s.h.engine.on(() => {}, { types: ["helper-log"] });
    s.fromClient(request("OPTIONS", { via: "10.0.1.2:5060" }));
    expect(s.logs()).toEqual(["Via names port 5060"]);
  });

  it("not when the port is the source port, the address another host's, the transport TCP, or in a response", () => {
    const s = new UdpSip({ clientPort: 40000 });
    s.fromClient(request("OPTIONS", { via: "10.0.1.2:40000" }));
    s.fromClient(request("OPTIONS", { via: "10.0.1.99:5060" }));
    s.fromClient(request("OPTIONS", { via: "10.0.1.2:5060" }).replace("SIP/2.0/UDP", "SIP/2.0/TCP"));
    s.fromServer("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.2.2:5070\r\nCSeq: 1 OPTIONS\r\n\r\n");
    expect(s.logs()).toEqual([]);
  });

  it("the compact 'v:' form counts, and a Via port below 1024 is ignored", () => {
    const s = new UdpSip({ clientPort: 40000 });
    s.fromClient(request("OPTIONS", { via: "10.0.1.2:80" }));
    expect(s.logs()).toEqual([]);
    s.fromClient(request("OPTIONS", { via: "10.0.1.2:5062" }).replace("Via:", "v:"));
    expect(s.logs()).toEqual(["Via names port 5062"]);
  });
});

describe("attachment and options", () => {
  it("attaches to UDP and TCP on port 5060 by default", () => {
    const u = new UdpSip();
    expect(u.fromClient(request("OPTIONS")).helper).toBe("sip");
    const t = new TcpSip();
    expect(t.h.records[0]!.helper).toBe("sip");
    expect(SIP_PORT).toBe(5060);
  });

  it("ports replaces 5060 (Linux's ports= parameter)", () => {
    const s = new UdpSip({ sip: { ports: [5080] }, serverPort: 5080 });
    expect(s.fromClient(request("INVITE", { body: sdp() })).helper).toBe("sip");
    expect(s.pending()).toHaveLength(2);
    const other = new UdpSip({ sip: { ports: [5080] } });
    expect(other.fromClient(request("INVITE", { body: sdp() })).helper).toBeNull();
    expect(other.pending()).toEqual([]);
    const tcp = new TcpSip({ sip: { ports: [5080] }, serverPort: 5080 });
    expect(tcp.h.records[0]!.helper).toBe("sip");
  });

  it("its default rules are UDP and TCP per port; explicit engine attach rules replace them (e.g. SIP over UDP only)", () => {
    expect(sipHelper({ ports: [5060, 5080] }).attach).toEqual([
      { protocol: "udp", port: 5060 },
      { protocol: "tcp", port: 5060 },
      { protocol: "udp", port: 5080 },
      { protocol: "tcp", port: 5080 },
    ]);
    const udpOnly = { attach: [{ protocol: "udp", port: 5060, helper: "sip" }] } as const;
    const u = new UdpSip({ engine: udpOnly });
    expect(u.fromClient(request("OPTIONS")).helper).toBe("sip");
    const t = new TcpSip({ engine: udpOnly });
    expect(t.h.records[0]!.helper).toBeNull();
  });

  it("refuses bad options when the helper is made", () => {
    expect(() => sipHelper({ ports: [0] })).toThrow(RangeError);
    expect(() => sipHelper({ ports: [65536] })).toThrow(RangeError);
    expect(() => sipHelper({ ports: [] })).toThrow(RangeError);
    expect(() => sipHelper({ timeout: 0 })).toThrow(RangeError);
    expect(() => sipHelper({ timeout: Number.NaN })).toThrow(RangeError);
    expect(() => sipHelper({ externalMedia: "yes" as never })).toThrow(TypeError);
    expect(() => sipHelper({ externalMedia: false, directMedia: false, directSignalling: false, ports: [5060, 5060] })).not.toThrow();
  });

  it("has Linux's four expectation classes and their limits", () => {
    expect(SipClass).toEqual({ SIGNALLING: 0, AUDIO: 1, VIDEO: 2, IMAGE: 3 });
    expect(SIP_POLICIES.map((p) => [p.name, p.maxExpected, p.timeout])).toEqual([
      ["signalling", 1, 180],
      ["audio", 4, 180],
      ["video", 4, 180],
      ["image", 2, 180],
    ]);
    expect(sipHelper().policies).toBe(SIP_POLICIES);
    expect(sipHelper()).toMatchObject({ name: "sip", apiVersion: 2 });
  });
});
