import { describe, expect, it } from "vitest";
import { FilterVerdict, PacketState } from "@alg-sdk/core";
import type { PacketPolicy } from "@alg-sdk/core";
import { icmp, tcp, udp } from "@alg-sdk/testing";
import { arpReply, arpRequest, ethernet, formatMacAt, frameChecksumProblems, ipv4At, u16 } from "./support/frames.js";
import { GW_LAN_MAC, GW_WAN_MAC, LAN_HOST_MAC, WAN_HOST_MAC, twoLinkGateway } from "./support/topology.js";

const fromLan = (d: Uint8Array) => ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x0800, d);
const fromWan = (d: Uint8Array) => ethernet(GW_WAN_MAC, WAN_HOST_MAC, 0x0800, d);

/** Teaches the gateway where the WAN host is (it asks by ARP, the host answers). */
function resolveWanHost(t: ReturnType<typeof twoLinkGateway>, ts: number) {
  const asked = t.take("wan");
  t.gw.receive("wan", arpReply(WAN_HOST_MAC, "10.0.2.2", GW_WAN_MAC, "10.0.2.1"), ts);
  return asked;
}

describe("gateway: ARP", () => {
  it("answers a request for its own address with its MAC and ignores requests for others", () => {
    const t = twoLinkGateway();
    t.gw.receive("lan", arpRequest(LAN_HOST_MAC, "10.0.1.2", "10.0.1.1"), 1);
    const [reply] = t.take("lan");
    expect(reply).toBeDefined();
    expect(formatMacAt(reply!, 0)).toBe(LAN_HOST_MAC);
    expect(u16(reply!, 12)).toBe(0x0806);
    expect(u16(reply!, 20)).toBe(2);
    expect(formatMacAt(reply!, 22)).toBe(GW_LAN_MAC);
    expect(ipv4At(reply!, 28)).toBe("10.0.1.1");
    expect(ipv4At(reply!, 38)).toBe("10.0.1.2");
    t.gw.receive("lan", arpRequest(LAN_HOST_MAC, "10.0.1.2", "10.0.1.77"), 1);
    expect(t.take("lan")).toHaveLength(0);
    expect(t.gw.neighbours()).toEqual([expect.objectContaining({ interface: "lan", address: "10.0.1.2", mac: LAN_HOST_MAC, state: "reachable" })]);
  });
});

describe("gateway: IPv4 forwarding", () => {
  it("resolves the next hop, then forwards with TTL - 1, a valid header checksum and its own source MAC", () => {
    const t = twoLinkGateway();
    t.gw.receive("lan", fromLan(udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 5000, dport: 53, ttl: 64 })), 1);
    const asked = resolveWanHost(t, 1.1);
    expect(asked).toHaveLength(1);
    expect(u16(asked[0]!, 12)).toBe(0x0806);
    expect(ipv4At(asked[0]!, 38)).toBe("10.0.2.2");
    const [out] = t.take("wan");
    expect(out).toBeDefined();
    expect(formatMacAt(out!, 0)).toBe(WAN_HOST_MAC);
    expect(formatMacAt(out!, 6)).toBe(GW_WAN_MAC);
    expect(out![14 + 8]).toBe(63);
    expect(frameChecksumProblems(out!)).toEqual([]);
    expect(ipv4At(out!, 26)).toBe("10.0.1.2");
    expect(t.gw.stats.acceptedByState[PacketState.NEW]).toBe(1);
  });

  it("passes the reply back as ESTABLISHED", () => {
    const t = twoLinkGateway();
    t.gw.receive("lan", arpRequest(LAN_HOST_MAC, "10.0.1.2", "10.0.1.1"), 0.5);
    t.take("lan");
    t.gw.receive("lan", fromLan(udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 5000, dport: 53 })), 1);
    resolveWanHost(t, 1.1);
    t.take("wan");
    t.gw.receive("wan", fromWan(udp({ src: "10.0.2.2", dst: "10.0.1.2", sport: 53, dport: 5000 })), 1.2);
    const [back] = t.take("lan");
    expect(back).toBeDefined();
    expect(formatMacAt(back!, 0)).toBe(LAN_HOST_MAC);
    expect(t.gw.stats.acceptedByState[PacketState.ESTABLISHED]).toBe(1);
    expect([...t.gw.engine.connections()]).toHaveLength(1);
  });

  it("drops what the policy's filter drops, records the verdict and keeps no connection", () => {
    const dropNewFromWan: PacketPolicy = {
      filter: (p) => (p.state === PacketState.NEW && (p.src[0]! >>> 8) === 0x0a0002 ? FilterVerdict.DROP : FilterVerdict.ACCEPT),
    };
    const t = twoLinkGateway({ policy: dropNewFromWan });
    const events: string[] = [];
    t.gw.on((e) => events.push(`${e.record.verdict} ${e.record.reason}`));
    t.gw.receive("wan", fromWan(tcp({ src: "10.0.2.2", dst: "10.0.1.2", sport: 40000, dport: 22, seq: 1000, flags: "S" })), 1);
    expect(t.take("lan")).toHaveLength(0);
    expect(t.gw.engine.connectionCount).toBe(0);
    expect(t.gw.stats.engineDrops).toBe(1);
    expect(events).toEqual(["drop filtered"]);
    const [rec] = t.gw.verdicts();
    expect(rec).toMatchObject({ in: "wan", out: null, src: "10.0.2.2", dst: "10.0.1.2", state: "NEW", verdict: "drop", reason: "filtered" });
  });

  it("answers TTL 1 with ICMP time exceeded from the incoming interface and does not forward", () => {
    const t = twoLinkGateway();
    t.gw.receive("lan", arpRequest(LAN_HOST_MAC, "10.0.1.2", "10.0.1.1"), 0.5);
    t.take("lan");
    t.gw.receive("lan", fromLan(udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 33434, dport: 33434, ttl: 1 })), 1);
    expect(t.take("wan")).toHaveLength(0);
    const [err] = t.take("lan");
    expect(err).toBeDefined();
    expect(ipv4At(err!, 26)).toBe("10.0.1.1");
    expect(ipv4At(err!, 30)).toBe("10.0.1.2");
    expect(err![34]).toBe(11);
    // The IP header, the ICMP message and the datagram it quotes.
    expect(frameChecksumProblems(err!)).toEqual([]);
    expect(t.gw.stats.ttlExceeded).toBe(1);
    expect(t.gw.engine.connectionCount).toBe(0);
  });

  it("answers pings to its own addresses without tracking them", () => {
    const t = twoLinkGateway();
    t.gw.receive("lan", arpRequest(LAN_HOST_MAC, "10.0.1.2", "10.0.1.1"), 0.5);
    t.take("lan");
    t.gw.receive("lan", fromLan(icmp({ src: "10.0.1.2", dst: "10.0.1.1", type: 8, id: 7, seq: 1, payload: new Uint8Array(8) })), 1);
    const [reply] = t.take("lan");
    expect(reply).toBeDefined();
    expect(ipv4At(reply!, 26)).toBe("10.0.1.1");
    expect(ipv4At(reply!, 30)).toBe("10.0.1.2");
    expect(reply![34]).toBe(0);
    expect(frameChecksumProblems(reply!)).toEqual([]);
    expect(t.gw.engine.connectionCount).toBe(0);
  });

  it("gives up on a neighbour that never answers after three requests, one a second", () => {
    const t = twoLinkGateway();
    t.gw.receive("lan", fromLan(udp({ src: "10.0.1.2", dst: "10.0.2.9", sport: 5000, dport: 53 })), 10);
    for (let ts = 10.25; ts <= 14; ts += 0.25) t.gw.tick(ts);
    const arps = t.take("wan").filter((f) => u16(f, 12) === 0x0806);
    expect(arps).toHaveLength(3);
    expect(t.gw.stats.neighbourDrops).toBe(1);
    expect(t.gw.neighbours()).toHaveLength(0);
  });

  it("counts datagrams it has no route for", () => {
    const t = twoLinkGateway();
    t.gw.receive("lan", fromLan(udp({ src: "10.0.1.2", dst: "192.0.2.1", sport: 5000, dport: 53 })), 1);
    expect(t.gw.stats.noRoute).toBe(1);
    expect(t.gw.verdicts().at(-1)).toMatchObject({ verdict: "drop", reason: "no-route" });
  });

  it("follows a static route through its next hop", () => {
    const t = twoLinkGateway({ routes: [{ prefix: "0.0.0.0/0", via: "10.0.2.2", interface: "wan" }] });
    t.gw.receive("lan", fromLan(udp({ src: "10.0.1.2", dst: "192.0.2.1", sport: 5000, dport: 53 })), 1);
    const asked = resolveWanHost(t, 1.1);
    expect(ipv4At(asked[0]!, 38)).toBe("10.0.2.2");
    const [out] = t.take("wan");
    expect(formatMacAt(out!, 0)).toBe(WAN_HOST_MAC);
    expect(ipv4At(out!, 30)).toBe("192.0.2.1");
  });

  it("ignores frames for other MACs and bad IPv4 headers", () => {
    const t = twoLinkGateway();
    const d = udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 1, dport: 2 });
    t.gw.receive("lan", ethernet("02:99:99:99:99:99", LAN_HOST_MAC, 0x0800, d), 1);
    const bad = d.slice();
    bad[10] ^= 0xff;
    t.gw.receive("lan", fromLan(bad), 1);
    expect(t.gw.interfaces[0]!.stats.ignored).toBe(1);
    expect(t.gw.stats.malformed).toBe(1);
    expect(t.gw.engine.stats.packets).toBe(0);
  });
});
