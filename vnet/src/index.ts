/**
 * @packageDocumentation
 * `@alg-sdk/vnet`: a gateway for virtual networks (emulators, simulated
 * links). Ethernet frames in and out on named interfaces; ARP, neighbour
 * discovery and IPv4/IPv6 forwarding done here; connection tracking, ALG
 * helpers, NAT and filtering done by `@alg-sdk/core`'s engine.
 */
import { Gateway } from "./gateway.js";
import type { GatewayOptions } from "./options.js";

/** Creates a gateway (throws a RangeError naming a bad option). */
export function createGateway(options: GatewayOptions): Gateway {
  return new Gateway(options);
}

export { Gateway } from "./gateway.js";
export type { GatewayOptions, InterfaceConfig, PolicyInterface, RouteConfig } from "./options.js";
export { policyInterfaces } from "./options.js";
export type { GatewayEvent, GatewayEventListener } from "./events.js";
export { GatewayStats } from "./stats.js";
export type { GatewayStatsSnapshot } from "./stats.js";
export { GatewayReason } from "./verdict-log.js";
export type { VerdictRecord } from "./verdict-log.js";
export type { NeighbourInfo } from "./neighbours.js";
export { snapshotGateway } from "./snapshot.js";
export type { EngineCounters, GatewaySnapshot, InterfaceSnapshot, SnapshotOptions } from "./snapshot.js";
export { formatMac, parseMac } from "./mac.js";
export { parsePrefix } from "./prefix.js";
export type { Prefix } from "./prefix.js";
