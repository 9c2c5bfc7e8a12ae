// The two-guest topology: a client guest on the LAN, a server guest on the
// WAN, the gateway between them. The gateway can be replaced while the
// guests run (same MACs and addresses), to compare configurations without
// booting again.
import type { EngineEvent } from "@alg-sdk/core";
import type { GatewayOptions, VerdictRecord } from "@alg-sdk/vnet";
import { createGateway, type Gateway } from "@alg-sdk/vnet";
import { connectV86, type V86Link } from "@alg-sdk/v86";
import type { Guest } from "./guest.js";

export const INTERFACES: GatewayOptions["interfaces"] = [
  { name: "lan", mac: "02:00:00:00:01:01", ipv4: "10.0.1.1/24", ipv6: "fd00:1::1/64" },
  { name: "wan", mac: "02:00:00:00:02:01", ipv4: "10.0.2.1/24", ipv6: "fd00:2::1/64" },
];
export const CLIENT_ARGS = "role=client addr=10.0.1.2/24 gw=10.0.1.1 addr6=fd00:1::2/64 gw6=fd00:1::1";
export const SERVER_ARGS = "role=server addr=10.0.2.2/24 gw=10.0.2.1 addr6=fd00:2::2/64 gw6=fd00:2::1";

export class Network {
  gateway!: Gateway;
  events: EngineEvent[] = [];
  verdicts: VerdictRecord[] = [];
  private links: V86Link[] = [];
  private readonly t0 = performance.now();
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(readonly client: Guest, readonly server: Guest, options: Omit<GatewayOptions, "interfaces" | "clock">) {
    this.use(options);
    // Unanswered ARP / ND requests are repeated from the gateway's tick.
    this.ticker = setInterval(() => this.gateway.tick(), 250);
  }

  /** Puts a new gateway between the guests (the old one's connections are gone, as after a firewall restart). */
  use(options: Omit<GatewayOptions, "interfaces" | "clock">): Gateway {
    for (const l of this.links) l.disconnect();
    this.gateway = createGateway({ ...options, interfaces: INTERFACES, clock: () => (performance.now() - this.t0) / 1000 });
    this.gateway.engine.on((e) => this.events.push(e));
    this.gateway.on((e) => this.verdicts.push(e.record));
    this.links = [connectV86(this.client.emulator, this.gateway, "lan"), connectV86(this.server.emulator, this.gateway, "wan")];
    this.clear();
    return this.gateway;
  }

  clear(): void {
    this.events = [];
    this.verdicts = [];
  }

  /** Connections that came from an expectation, as conn-new events show them. */
  relatedConnections() {
    return this.events.flatMap((e) => (e.type === "conn-new" && e.connection.expected ? [e.connection] : []));
  }

  stop(): void {
    clearInterval(this.ticker);
    for (const l of this.links) l.disconnect();
  }
}
