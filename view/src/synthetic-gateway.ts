import type { PacketPolicy } from "@alg-sdk/core";
import { FilterVerdict, PacketState } from "@alg-sdk/core";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { ircHelper } from "@alg-sdk/helper-irc";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import type { GatewayOptions } from "@alg-sdk/vnet";
import { createGateway, type Gateway } from "@alg-sdk/vnet";
import { SYNTH_GATEWAY_LAN_MAC, SYNTH_GATEWAY_WAN_MAC } from "./synthetic.js";

/** The WAN may open nothing; INVALID is dropped; the LAN may open anything. */
export const syntheticPolicy: PacketPolicy = {
  filter: (p) => {
    if (p.state === PacketState.ESTABLISHED || p.state === PacketState.RELATED) return FilterVerdict.ACCEPT;
    if (p.state === PacketState.NEW && p.src[0]! >>> 16 === 0x0a00) return FilterVerdict.ACCEPT;
    return FilterVerdict.DROP;
  },
};

/** The gateway the synthetic traffic expects: 10.0.0.0/16 on lan, 10.1.0.0/16 on wan. */
export function syntheticGateway(extra: Partial<GatewayOptions> = {}): Gateway {
  return createGateway({
    interfaces: [
      { name: "lan", mac: SYNTH_GATEWAY_LAN_MAC, ipv4: "10.0.0.1/16" },
      { name: "wan", mac: SYNTH_GATEWAY_WAN_MAC, ipv4: "10.1.0.1/16" },
    ],
    helpers: [ftpHelper(), ircHelper(), icmpHelper()],
    policy: syntheticPolicy,
    ...extra,
  });
}
