import { describe, expect, it } from "vitest";
import { loadTrace, natLabels, parseExpectLine } from "./support/linux-trace.js";

// The shared reader of the Linux-labelled traces: the conformance suites are only as strict as it is.

describe("test/support/linux-trace", () => {
  it("reads an expect.log line with ports: tuple, mask and master ports in that order", () => {
    const e = parseExpectLine(
      "[1795581213.935994]\t    [NEW] 300 proto=6 src=10.0.2.2 dst=10.0.1.2 sport=0 dport=47225 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.0.1.2 master-dst=10.0.2.2 sport=59638 dport=21 class=0 helper=ftp",
    );
    expect(e).toEqual({
      event: "NEW",
      timeout: 300,
      proto: 6,
      tuple: { src: "10.0.2.2", dst: "10.0.1.2", sport: 0, dport: 47225, keys: "ports" },
      mask: { src: "255.255.255.255", dst: "255.255.255.255", sport: 0, dport: 65535, keys: "ports" },
      master: { src: "10.0.1.2", dst: "10.0.2.2", sport: 59638, dport: 21, keys: "ports" },
      class: 0,
      helper: "ftp",
    });
  });

  it("reads GRE call-id keys (hex) and an odd timestamp field", () => {
    const e = parseExpectLine(
      "[1796522798.83743 ]\t[DESTROY] 299 proto=47 src=10.0.1.2 dst=10.0.2.2 srckey=0x4001 dstkey=0x8001 mask-src=255.255.255.255 mask-dst=255.255.255.255 srckey=0xffff dstkey=0xffff master-src=10.0.1.2 master-dst=10.0.2.2 sport=41723 dport=1723 class=0 helper=pptp",
    );
    expect([e.event, e.timeout, e.tuple, e.mask.sport, e.master.keys]).toEqual([
      "DESTROY",
      299,
      { src: "10.0.1.2", dst: "10.0.2.2", sport: 0x4001, dport: 0x8001, keys: "gre" },
      0xffff,
      "ports",
    ]);
  });

  it("refuses a line it cannot read completely rather than skip part of it", () => {
    const line = "[1]\t    [NEW] 300 proto=6 src=1.1.1.1 dst=2.2.2.2 sport=0 dport=1 mask-src=0.0.0.0 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=1.1.1.1 master-dst=2.2.2.2 sport=3 dport=4 class=0 helper=x";
    expect(() => parseExpectLine(line)).not.toThrow();
    expect(() => parseExpectLine(line + " zone=3")).toThrow(/unknown key zone/);
    expect(() => parseExpectLine(line + " PERMANENT")).toThrow(/unknown token/);
    expect(() => parseExpectLine(line.replace(" helper=x", ""))).toThrow(/without helper/);
    expect(() => parseExpectLine("[1]\t[UPDATE] 300 proto=6")).toThrow(/unreadable/);
  });

  it("loads a scenario: one label per packet, the optional files when present", () => {
    const pptp = loadTrace("gre-pptp-ipv4");
    expect(pptp.packets.length).toBeGreaterThan(0);
    expect(pptp.labels.map((l) => l.index)).toEqual(pptp.packets.map((_, i) => i));
    expect(pptp.expectLog).toHaveLength(4);
    expect(pptp.conntrackLog!.length).toBeGreaterThan(0);
    expect(pptp.replayArgs).toContain("pptp");
    const loose = loadTrace("tcp-loose-off");
    expect([loose.expectLog, loose.conntrackLog, loose.helperParams]).toEqual([[], undefined, undefined]);
    expect(() => natLabels(loose)).toThrow(/not a NAT trace/);
    expect(natLabels(loadTrace("nat-icmp-snat-ipv4")).some((l) => l.egress_hex !== null)).toBe(true);
  });
});
