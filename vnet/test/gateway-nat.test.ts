import { describe, expect, it } from "vitest";
import { natTarget } from "@alg-sdk/core";
import { udp } from "@alg-sdk/testing";
import { arpReply, arpRequest, ethernet, ipv4At } from "./support/frames.js";
import { GW_LAN_MAC, GW_WAN_MAC, LAN_HOST_MAC, WAN_HOST_MAC, twoLinkGateway } from "./support/topology.js";

const wan = natTarget({ address: "10.0.2.1" });

describe("gateway with source NAT", () => {
  it("masquerades the LAN behind its WAN address and takes replies to that address back to the LAN host", () => {
    const t = twoLinkGateway({ policy: { sourceNat: (p) => (p.src[0]! >>> 8 === 0x0a0001 ? wan : null) } });
    t.gw.receive("lan", arpRequest(LAN_HOST_MAC, "10.0.1.2", "10.0.1.1"), 0.5);
    t.take("lan");
    t.gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, 0x0800, udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 5000, dport: 53 })), 1);
    t.take("wan");
    t.gw.receive("wan", arpReply(WAN_HOST_MAC, "10.0.2.2", GW_WAN_MAC, "10.0.2.1"), 1.1);
    const [out] = t.take("wan");
    expect(ipv4At(out!, 26)).toBe("10.0.2.1");
    const sport = (out![34]! << 8) | out![35]!;
    t.gw.receive("wan", ethernet(GW_WAN_MAC, WAN_HOST_MAC, 0x0800, udp({ src: "10.0.2.2", dst: "10.0.2.1", sport: 53, dport: sport })), 1.2);
    const [back] = t.take("lan");
    expect(back).toBeDefined();
    expect(ipv4At(back!, 30)).toBe("10.0.1.2");
    expect(t.gw.verdicts()[0]).toMatchObject({ translated: true });
  });
});
