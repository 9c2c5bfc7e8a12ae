import { describe, expect, it } from "vitest";
import { icmpv6 } from "@alg-sdk/testing";
import { ethernet, formatMacAt, frameChecksumProblems, neighborAdvert, neighborSolicit } from "./support/frames.js";
import { GW_LAN_MAC, GW_WAN_MAC, LAN_HOST_MAC, WAN_HOST_MAC, twoLinkGateway } from "./support/topology.js";

/** An ICMPv6 echo request (type 128) with 8 bytes of data. */
const echo6 = (src: string, dst: string) => icmpv6({ src, dst, type: 128, id: 9, seq: 1, payload: new Uint8Array(8) });
/** The ICMPv6 checksum of the packet in `f` (IPv6 header at 14) verifies. */
const icmpv6Ok = (f: Uint8Array) => f[14 + 6] === 58 && frameChecksumProblems(f).length === 0;

describe("gateway: IPv6 neighbour discovery and forwarding", () => {
  it("answers a solicitation for its address with a valid solicited advertisement", () => {
    const t = twoLinkGateway();
    const ns = neighborSolicit({ src: "fd00:1::2", dst: "ff02::1:ff00:1" }, "fd00:1::1", LAN_HOST_MAC);
    t.gw.receive("lan", ethernet("33:33:ff:00:00:01", LAN_HOST_MAC, 0x86dd, ns), 1);
    const [na] = t.take("lan");
    expect(na).toBeDefined();
    expect(formatMacAt(na!, 0)).toBe(LAN_HOST_MAC);
    expect(na![14 + 7]).toBe(255);
    expect(na![54]).toBe(136);
    expect(icmpv6Ok(na!)).toBe(true);
    expect(formatMacAt(na!, 54 + 26)).toBe(GW_LAN_MAC);
  });

  it("solicits the next hop with a valid solicitation, then forwards with hop limit - 1", () => {
    const t = twoLinkGateway();
    const ping = echo6("fd00:1::2", "fd00:2::2");
    t.gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x86dd, ping), 1);
    const [ns] = t.take("wan");
    expect(ns).toBeDefined();
    expect(formatMacAt(ns!, 0)).toBe("33:33:ff:00:00:02");
    expect(ns![54]).toBe(135);
    expect(icmpv6Ok(ns!)).toBe(true);
    const na = neighborAdvert({ src: "fd00:2::2", dst: "fd00:2::1" }, "fd00:2::2", WAN_HOST_MAC);
    t.gw.receive("wan", ethernet(GW_WAN_MAC, WAN_HOST_MAC, 0x86dd, na), 1.1);
    const [out] = t.take("wan");
    expect(out).toBeDefined();
    expect(formatMacAt(out!, 0)).toBe(WAN_HOST_MAC);
    expect(out![14 + 7]).toBe(63);
    expect(t.gw.stats.malformed).toBe(0);
  });

  it("answers an echo request to its own address", () => {
    const t = twoLinkGateway();
    const ns = neighborSolicit({ src: "fd00:1::2", dst: "ff02::1:ff00:1" }, "fd00:1::1", LAN_HOST_MAC);
    t.gw.receive("lan", ethernet("33:33:ff:00:00:01", LAN_HOST_MAC, 0x86dd, ns), 1);
    t.take("lan");
    t.gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x86dd, echo6("fd00:1::2", "fd00:1::1")), 1);
    const [reply] = t.take("lan");
    expect(reply![54]).toBe(129);
    expect(icmpv6Ok(reply!)).toBe(true);
  });
});

describe("gateway: other neighbour discovery messages", () => {
  it("ignores router solicitations (short ND messages) without counting them as malformed", () => {
    const t = twoLinkGateway();
    // A router solicitation: the 8-byte header and a source link-layer address option (all-zero address).
    const rs = icmpv6({ src: "fe80::1", dst: "ff02::2", ttl: 255, type: 133, rest: 0, payload: [1, 1, 0, 0, 0, 0, 0, 0] });
    t.gw.receive("lan", ethernet("33:33:00:00:00:02", LAN_HOST_MAC, 0x86dd, rs), 1);
    expect(t.gw.stats.malformed).toBe(0);
    expect(t.take("lan")).toHaveLength(0);
  });
});
