import { describe, expect, it } from "vitest";
import { checksumOk, ethernet, formatMacAt, icmpEcho, ipv6, neighborAdvert, neighborSolicit, u16 } from "./support/frames.js";
import { GW_LAN_MAC, GW_WAN_MAC, LAN_HOST_MAC, WAN_HOST_MAC, twoLinkGateway } from "./support/topology.js";

const ICMPV6 = 58;
/** An ICMPv6 echo request body (type 128). */
const echo6 = () => {
  const m = icmpEcho(8, 9, 1);
  m[0] = 128;
  return m;
};
/** The ICMPv6 checksum of the packet in `f` (IPv6 header at 14) verifies. */
function icmpv6Ok(f: Uint8Array): boolean {
  const len = u16(f, 18);
  let pseudo = 0;
  for (let i = 22; i < 54; i += 2) pseudo += u16(f, i);
  pseudo += len + ICMPV6;
  return checksumOk(f, 54, 54 + len, pseudo);
}

describe("gateway: IPv6 neighbour discovery and forwarding", () => {
  it("answers a solicitation for its address with a valid solicited advertisement", () => {
    const t = twoLinkGateway();
    const ns = ipv6("fd00:1::2", "ff02::1:ff00:1", ICMPV6, neighborSolicit("fd00:1::1", LAN_HOST_MAC), 255);
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
    const ping = ipv6("fd00:1::2", "fd00:2::2", ICMPV6, echo6(), 64);
    t.gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x86dd, ping), 1);
    const [ns] = t.take("wan");
    expect(ns).toBeDefined();
    expect(formatMacAt(ns!, 0)).toBe("33:33:ff:00:00:02");
    expect(ns![54]).toBe(135);
    expect(icmpv6Ok(ns!)).toBe(true);
    const na = ipv6("fd00:2::2", "fd00:2::1", ICMPV6, neighborAdvert("fd00:2::2", WAN_HOST_MAC), 255);
    t.gw.receive("wan", ethernet(GW_WAN_MAC, WAN_HOST_MAC, 0x86dd, na), 1.1);
    const [out] = t.take("wan");
    expect(out).toBeDefined();
    expect(formatMacAt(out!, 0)).toBe(WAN_HOST_MAC);
    expect(out![14 + 7]).toBe(63);
    expect(t.gw.stats.malformed).toBe(0);
  });

  it("answers an echo request to its own address", () => {
    const t = twoLinkGateway();
    const ns = ipv6("fd00:1::2", "ff02::1:ff00:1", ICMPV6, neighborSolicit("fd00:1::1", LAN_HOST_MAC), 255);
    t.gw.receive("lan", ethernet("33:33:ff:00:00:01", LAN_HOST_MAC, 0x86dd, ns), 1);
    t.take("lan");
    t.gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x86dd, ipv6("fd00:1::2", "fd00:1::1", ICMPV6, echo6())), 1);
    const [reply] = t.take("lan");
    expect(reply![54]).toBe(129);
    expect(icmpv6Ok(reply!)).toBe(true);
  });
});

describe("gateway: other neighbour discovery messages", () => {
  it("ignores router solicitations (short ND messages) without counting them as malformed", () => {
    const t = twoLinkGateway();
    const rs = new Uint8Array(16);
    rs[0] = 133;
    rs[8] = 1;
    rs[9] = 1;
    t.gw.receive("lan", ethernet("33:33:00:00:00:02", LAN_HOST_MAC, 0x86dd, ipv6("fe80::1", "ff02::2", ICMPV6, rs, 255)), 1);
    expect(t.gw.stats.malformed).toBe(0);
    expect(t.take("lan")).toHaveLength(0);
  });
});
