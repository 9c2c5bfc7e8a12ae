import type { GatewayOptions } from "@alg-sdk/vnet";
import { createGateway } from "@alg-sdk/vnet";

export const GW_LAN_MAC = "02:00:00:00:01:01";
export const GW_WAN_MAC = "02:00:00:00:02:01";
export const LAN_HOST_MAC = "02:00:00:00:01:02";
export const WAN_HOST_MAC = "02:00:00:00:02:02";

/** A gateway between 10.0.1.0/24 (lan) and 10.0.2.0/24 (wan), with what it sends on each side collected. */
export function twoLinkGateway(extra: Partial<GatewayOptions> = {}) {
  const sent: Record<"lan" | "wan", Uint8Array[]> = { lan: [], wan: [] };
  const gw = createGateway({
    interfaces: [
      { name: "lan", mac: GW_LAN_MAC, ipv4: "10.0.1.1/24", ipv6: "fd00:1::1/64" },
      { name: "wan", mac: GW_WAN_MAC, ipv4: "10.0.2.1/24", ipv6: "fd00:2::1/64" },
    ],
    ...extra,
  });
  gw.connect("lan", (f) => sent.lan.push(f));
  gw.connect("wan", (f) => sent.wan.push(f));
  const take = (side: "lan" | "wan") => sent[side].splice(0);
  return { gw, sent, take };
}
