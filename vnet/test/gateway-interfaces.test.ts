import { compileRules } from "@alg-sdk/rules";
import { tcp, udp } from "@alg-sdk/testing";
import { createGateway, policyInterfaces, type InterfaceConfig } from "@alg-sdk/vnet";
import { describe, expect, it } from "vitest";
import { arpRequest, ethernet, ipv4At } from "./support/frames.js";

const IPV4 = 0x0800;
const GW_MAC = { lan: "02:00:00:00:01:01", dmz: "02:00:00:00:03:01", wan: "02:00:00:00:02:01" } as const;
const HOST_MAC = { lan: "02:00:00:00:01:02", dmz: "02:00:00:00:03:02", wan: "02:00:00:00:02:02" } as const;
const HOST_IP = { lan: "10.0.1.2", dmz: "10.0.3.2", wan: "10.0.2.2" } as const;
type Side = keyof typeof GW_MAC;

const INTERFACES: readonly InterfaceConfig[] = [
  { name: "lan", mac: GW_MAC.lan, ipv4: "10.0.1.1/24" },
  { name: "wan", mac: GW_MAC.wan, ipv4: "10.0.2.1/24" },
  { name: "dmz", mac: GW_MAC.dmz, ipv4: "10.0.3.1/24" },
];

/**
 * A router in nft's words: everything leaving by wan is masqueraded, the
 * WAN may open only the published web server (DNAT'd into the DMZ), and
 * the inside networks talk to each other untranslated.
 */
const RULES = `
iifname "wan" tcp dport 8080 dnat to 10.0.3.2:80
oifname "wan" masquerade
iifname "wan" oifname "dmz" ct state new tcp dport 80 accept
iifname "wan" ct state new drop
`;

/** The three-link gateway with the rules compiled against its interfaces; every host's MAC known. */
function router() {
  const gw = createGateway({
    interfaces: INTERFACES,
    policy: compileRules(RULES, { interfaces: policyInterfaces(INTERFACES) }),
    engine: { hashSeed: 1 },
  });
  const sent: Record<Side, Uint8Array[]> = { lan: [], dmz: [], wan: [] };
  for (const side of ["lan", "dmz", "wan"] as const) {
    gw.connect(side, (f) => sent[side].push(f));
    gw.receive(side, arpRequest(HOST_MAC[side], HOST_IP[side], INTERFACES.find((i) => i.name === side)!.ipv4!.split("/")[0]!), 0.1);
  }
  /** IPv4 frames the gateway sent on `side` since the last call. */
  const take = (side: Side) => sent[side].splice(0).filter((f) => f[12] === 0x08 && f[13] === 0x00);
  const send = (side: Side, datagram: Uint8Array, ts: number) => gw.receive(side, ethernet(GW_MAC[side], HOST_MAC[side], IPV4, datagram), ts);
  take("lan");
  take("dmz");
  take("wan");
  return { gw, take, send };
}

/** "src:sport > dst:dport" of the IPv4 frame `f`. */
function flow(f: Uint8Array): string {
  const port = (o: number) => (f[o]! << 8) | f[o + 1]!;
  return `${ipv4At(f, 26)}:${port(34)} > ${ipv4At(f, 30)}:${port(36)}`;
}

describe("gateway policy by interface (iifname / oifname, masquerade)", () => {
  it("gives the rules compiler its interfaces: index = position + 1, addresses without the prefix length", () => {
    expect(policyInterfaces(INTERFACES)).toEqual([
      { name: "lan", index: 1, addresses: ["10.0.1.1"] },
      { name: "wan", index: 2, addresses: ["10.0.2.1"] },
      { name: "dmz", index: 3, addresses: ["10.0.3.1"] },
    ]);
  });

  it("masquerades a LAN connection leaving by wan to wan's address, and translates the answer back", () => {
    const t = router();
    t.send("lan", udp({ src: HOST_IP.lan, dst: HOST_IP.wan, sport: 5000, dport: 53, payload: "q" }), 1);
    const [out] = t.take("wan");
    expect(out).toBeDefined();
    expect(ipv4At(out!, 26)).toBe("10.0.2.1");
    const sport = (out![34]! << 8) | out![35]!;
    t.send("wan", udp({ src: HOST_IP.wan, dst: "10.0.2.1", sport: 53, dport: sport, payload: "a" }), 1.1);
    expect(t.take("lan").map(flow)).toEqual(["10.0.2.2:53 > 10.0.1.2:5000"]);
  });

  it("drops a NEW connection coming in on wan (iifname \"wan\" ct state new drop)", () => {
    const t = router();
    t.send("wan", tcp({ src: HOST_IP.wan, dst: HOST_IP.lan, sport: 40000, dport: 22, flags: "S", seq: 1 }), 1);
    expect(t.take("lan")).toEqual([]);
    expect(t.gw.verdicts().map((v) => `${v.in} ${v.state} ${v.verdict} ${v.reason ?? ""}`)).toEqual(["wan NEW drop filtered"]);
  });

  it("does not translate between the inside networks: lan to dmz leaves by dmz, not wan", () => {
    const t = router();
    t.send("lan", tcp({ src: HOST_IP.lan, dst: HOST_IP.dmz, sport: 40000, dport: 80, flags: "S", seq: 1 }), 1);
    expect(t.take("dmz").map(flow)).toEqual(["10.0.1.2:40000 > 10.0.3.2:80"]);
    expect(t.take("wan")).toEqual([]);
    expect(t.gw.verdicts().map((v) => `${v.in}>${v.out} ${v.state} ${v.verdict} ${v.translated}`)).toEqual(["lan>dmz NEW accept false"]);
  });

  it("routes after destination NAT: a connection to wan's address DNAT'd into the DMZ meets the filter with oifname dmz", () => {
    const t = router();
    t.send("wan", tcp({ src: HOST_IP.wan, dst: "10.0.2.1", sport: 40000, dport: 8080, flags: "S", seq: 1 }), 1);
    // Routed before the translation it would have gone out by wan, and `iifname "wan" ct state new drop` would have dropped it.
    expect(t.take("dmz").map(flow)).toEqual(["10.0.2.2:40000 > 10.0.3.2:80"]);
    t.send("dmz", tcp({ src: HOST_IP.dmz, dst: HOST_IP.wan, sport: 80, dport: 40000, flags: "SA", seq: 9, ack: 2 }), 1.1);
    // The answer leaves by wan: un-DNAT'd to the published address, and not masqueraded again (only new connections are).
    expect(t.take("wan").map(flow)).toEqual(["10.0.2.1:8080 > 10.0.2.2:40000"]);
  });
});
