import { engineIndex } from "./interface.js";
import type { EngineOptions, Helper, HelperAttachment, PacketPolicy } from "@alg-sdk/core";

/** One network interface of the gateway. */
export interface InterfaceConfig {
  /** Name used by `receive`, `connect`, routes and events ("lan", "wan"). */
  readonly name: string;
  /** The gateway's MAC on this link, `02:00:00:00:01:01`. */
  readonly mac: string;
  /** The gateway's IPv4 address and the link's prefix, `10.0.1.1/24`. */
  readonly ipv4?: string;
  /** The gateway's IPv6 address and prefix, `fd00:1::1/64`; a link-local address from the MAC is added. */
  readonly ipv6?: string;
  /** Largest IP datagram sent on the link. Default 1500. */
  readonly mtu?: number;
}

/** A route beyond the connected prefixes: `{ prefix: "0.0.0.0/0", via: "10.0.2.254", interface: "wan" }`. */
export interface RouteConfig {
  readonly prefix: string;
  /** Next hop; omitted: the destination is on the link. */
  readonly via?: string;
  readonly interface: string;
}

/** Everything `createGateway` accepts. */
export interface GatewayOptions {
  readonly interfaces: readonly InterfaceConfig[];
  readonly routes?: readonly RouteConfig[];
  /**
   * Time source in seconds. The gateway reads it once per frame and gives
   * that time to the engine, so a test can drive time by hand. Default: 0
   * for ever (pass times to `receive` and `tick` instead).
   */
  readonly clock?: () => number;
  /** Helpers for the engine (FTP, IRC, ICMP, …); attached by their default rules unless `attach` says otherwise. */
  readonly helpers?: readonly Helper<any>[];
  readonly attach?: readonly HelperAttachment[];
  /**
   * Filter and NAT decisions (hand-written, or compiled by @alg-sdk/rules).
   * The policy sees the interfaces as numbers: an interface's position in
   * `interfaces` plus one (`PolicyPacket.inInterface` is the one the frame
   * came in on, `outInterface` the one the route after destination NAT
   * leads to). Give `policyInterfaces(interfaces)` to `compileRules` so
   * rules can say `iifname "wan"`, `oifname "wan" masquerade`.
   */
  readonly policy?: PacketPolicy;
  /** Any other engine setting (table size, timeouts, checksums). */
  readonly engine?: Omit<EngineOptions, "helpers" | "attach" | "policy" | "clock" | "route">;
  /** Seconds a resolved neighbour is kept without traffic from it. Default 300. */
  readonly neighbourTimeout?: number;
  /** Most neighbours per interface; the least recently used goes first. Default 1024. */
  readonly maxNeighbours?: number;
  /** Frames held per unresolved neighbour while ARP/ND asks for it. Default 16. */
  readonly maxPendingFrames?: number;
  /** Answers (ARP/ND requests) sent before an unresolved neighbour's frames are dropped. Default 3, one per second. */
  readonly resolveAttempts?: number;
  /** Entries kept in the verdict log (drops, new and related connections). Default 512. */
  readonly verdictLogSize?: number;
  /** Send ICMP time exceeded when a forwarded packet's TTL / hop limit runs out. Default true. */
  readonly timeExceeded?: boolean;
}

/**
 * An interface as a policy names it: `{ name, index, addresses }`, the
 * shape `@alg-sdk/rules`' `compileRules(text, { interfaces })` takes.
 */
export interface PolicyInterface {
  /** The interface's name, as in `InterfaceConfig.name` (what `iifname` / `oifname` say). */
  readonly name: string;
  /** The number the gateway gives the engine for it: its position in `interfaces` plus one. */
  readonly index: number;
  /** The gateway's own addresses on it (IPv4 then IPv6, without the prefix length), for `masquerade`. */
  readonly addresses: readonly string[];
}

/**
 * The gateway's interfaces as its policy sees them, for compiling rules
 * that name them:
 * `compileRules(text, { interfaces: policyInterfaces(options.interfaces) })`.
 */
export function policyInterfaces(interfaces: readonly InterfaceConfig[]): PolicyInterface[] {
  return interfaces.map((c, i) => ({
    name: c.name,
    index: engineIndex(i),
    addresses: [c.ipv4, c.ipv6].flatMap((a) => (a === undefined ? [] : [a.split("/")[0]!])),
  }));
}
