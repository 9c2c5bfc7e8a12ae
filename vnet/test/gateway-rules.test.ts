import { compileRules } from "@alg-sdk/rules";
import { tcp, udp } from "@alg-sdk/testing";
import { describe, expect, it } from "vitest";
import { arpReply, arpRequest, ethernet, ipv4At } from "./support/frames.js";
import { GW_LAN_MAC, GW_WAN_MAC, LAN_HOST_MAC, WAN_HOST_MAC, twoLinkGateway } from "./support/topology.js";

const IPV4 = 0x0800;

/** A home router in nft's words, compiled by the shared rules package. */
const RULES = `
ip saddr 10.0.1.0/24 snat to 10.0.2.1
ct state established,related accept
ct state invalid drop
ip saddr 10.0.1.0/24 accept
drop
`;

/** The gateway with the rules' policy, both neighbours resolved. */
function router() {
  const t = twoLinkGateway({ policy: compileRules(RULES), engine: { hashSeed: 1 } });
  t.gw.receive("lan", arpRequest(LAN_HOST_MAC, "10.0.1.2", "10.0.1.1"), 0.1);
  t.gw.receive("wan", arpRequest(WAN_HOST_MAC, "10.0.2.2", "10.0.2.1"), 0.1);
  t.take("lan");
  t.take("wan");
  return t;
}

describe("gateway with a policy compiled from rules (@alg-sdk/rules)", () => {
  it("masquerades the LAN (snat to), lets the answer back (ct state established), drops what the WAN opens", () => {
    const t = router();
    t.gw.receive("lan", ethernet(GW_LAN_MAC, LAN_HOST_MAC, IPV4, udp({ src: "10.0.1.2", dst: "10.0.2.2", sport: 5000, dport: 53, payload: "q" })), 1);
    let out = t.take("wan");
    if (out.length === 0) {
      // The gateway asked who has 10.0.2.2: answer, and the queued datagram leaves.
      t.gw.receive("wan", arpReply(WAN_HOST_MAC, "10.0.2.2", GW_WAN_MAC, "10.0.2.1"), 1.1);
      out = t.take("wan");
    }
    const sent = out.find((f) => f[12] === 0x08 && f[13] === 0x00)!;
    expect(ipv4At(sent, 26)).toBe("10.0.2.1");
    const sport = (sent[34]! << 8) | sent[35]!;

    t.gw.receive("wan", ethernet(GW_WAN_MAC, WAN_HOST_MAC, IPV4, udp({ src: "10.0.2.2", dst: "10.0.2.1", sport: 53, dport: sport, payload: "a" })), 1.2);
    const back = t.take("lan").find((f) => f[12] === 0x08 && f[13] === 0x00)!;
    expect(ipv4At(back, 30)).toBe("10.0.1.2");

    t.gw.receive("wan", ethernet(GW_WAN_MAC, WAN_HOST_MAC, IPV4, tcp({ src: "10.0.2.2", dst: "10.0.1.2", sport: 40000, dport: 22, flags: "S", seq: 1 })), 1.3);
    expect(t.take("lan")).toEqual([]);
    // The log keeps a firewall's decisions (new connections and drops); the answer is counted as ESTABLISHED.
    expect(t.gw.verdicts().map((v) => `${v.state} ${v.verdict} ${v.reason ?? ""} ${v.translated}`.trim())).toEqual(["NEW accept  true", "NEW drop filtered false"]);
    expect(t.gw.stats.acceptedByState[1]).toBe(1);
  });
});
