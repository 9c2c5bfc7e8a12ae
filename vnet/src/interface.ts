import { parseAddress } from "@alg-sdk/core";
import { parseMac } from "./mac.js";
import type { InterfaceConfig } from "./options.js";
import type { Prefix } from "./prefix.js";
import { parsePrefix } from "./prefix.js";

/** Per-interface counters. */
export class InterfaceStats {
  rxFrames = 0;
  rxBytes = 0;
  txFrames = 0;
  txBytes = 0;
  /** Frames for another MAC, or of a type the gateway does not handle. */
  ignored = 0;
}

/** An interface as the gateway uses it: parsed addresses, the sink, counters. */
export class GatewayInterface {
  readonly name: string;
  readonly mac: Uint8Array;
  readonly ipv4: Prefix | null;
  /** IPv4 address as a number (0 when none). */
  readonly ipv4Address: number;
  readonly ipv6: Prefix | null;
  /** fe80::/64 address made from the MAC (modified EUI-64), present when `ipv6` is. */
  readonly linkLocal: Uint32Array | null;
  readonly mtu: number;
  readonly stats = new InterfaceStats();
  /** Where frames leave; null until `connect`. */
  sink: ((frame: Uint8Array) => void) | null = null;

  constructor(readonly index: number, config: InterfaceConfig) {
    if (typeof config.name !== "string" || config.name === "") throw new RangeError("an interface needs a name");
    const mac = parseMac(config.mac);
    if (!mac || (mac[0]! & 1) !== 0) throw new RangeError(`interface ${config.name}: ${JSON.stringify(config.mac)} is not a unicast MAC`);
    this.name = config.name;
    this.mac = mac;
    this.ipv4 = config.ipv4 === undefined ? null : parsePrefix(config.ipv4);
    if (this.ipv4 && this.ipv4.family !== 4) throw new RangeError(`interface ${config.name}: ipv4 ${config.ipv4} is not IPv4`);
    this.ipv4Address = this.ipv4 ? this.ipv4.words[0]! : 0;
    this.ipv6 = config.ipv6 === undefined ? null : parsePrefix(config.ipv6);
    if (this.ipv6 && this.ipv6.family !== 6) throw new RangeError(`interface ${config.name}: ipv6 ${config.ipv6} is not IPv6`);
    this.linkLocal = this.ipv6 ? linkLocalFromMac(mac) : null;
    this.mtu = config.mtu ?? 1500;
    if (!Number.isInteger(this.mtu) || this.mtu < 1280 || this.mtu > 65535) {
      throw new RangeError(`interface ${config.name}: mtu ${config.mtu} is not 1280..65535`);
    }
  }
}

/**
 * The number the engine (and so the policy) knows the interface at
 * `position` by: one more than its position, since 0 means unknown.
 */
export function engineIndex(position: number): number {
  return position + 1;
}

/** fe80::/64 with the interface id made from the MAC, as SLAAC would (RFC 4291 appendix A). */
function linkLocalFromMac(mac: Uint8Array): Uint32Array {
  const text =
    `fe80::${(((mac[0]! ^ 2) << 8) | mac[1]!).toString(16)}:${((mac[2]! << 8) | 0xff).toString(16)}:` +
    `${((0xfe << 8) | mac[3]!).toString(16)}:${((mac[4]! << 8) | mac[5]!).toString(16)}`;
  return parseAddress(text)!.words;
}
