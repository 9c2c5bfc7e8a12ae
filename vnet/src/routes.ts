import type { GatewayInterface } from "./interface.js";
import type { Prefix } from "./prefix.js";
import { parsePrefix, prefixContains } from "./prefix.js";
import type { RouteConfig } from "./options.js";

/** One entry of the routing table. */
export interface Route {
  readonly prefix: Prefix;
  readonly via: Uint32Array | null;
  readonly iface: GatewayInterface;
}

/**
 * Longest-prefix-match routing over the connected prefixes of the
 * interfaces and the configured routes. Small tables (a gateway of a
 * virtual network has a handful), so a sorted list is enough.
 */
export class RouteTable {
  private readonly v4: Route[] = [];
  private readonly v6: Route[] = [];

  constructor(interfaces: readonly GatewayInterface[], routes: readonly RouteConfig[]) {
    for (const i of interfaces) {
      if (i.ipv4) this.add({ prefix: i.ipv4, via: null, iface: i });
      if (i.ipv6) this.add({ prefix: i.ipv6, via: null, iface: i });
    }
    for (const r of routes) {
      const iface = interfaces.find((i) => i.name === r.interface);
      if (!iface) throw new RangeError(`route ${r.prefix}: no interface named ${JSON.stringify(r.interface)}`);
      const prefix = parsePrefix(r.prefix);
      let via: Uint32Array | null = null;
      if (r.via !== undefined) {
        const hop = parsePrefix(r.via);
        if (hop.family !== prefix.family) throw new RangeError(`route ${r.prefix}: next hop ${r.via} is of another family`);
        via = hop.words;
      }
      this.add({ prefix, via, iface });
    }
    // Longest prefix first: the first match is the best.
    this.v4.sort((a, b) => b.prefix.bits - a.prefix.bits);
    this.v6.sort((a, b) => b.prefix.bits - a.prefix.bits);
  }

  private add(r: Route): void {
    (r.prefix.family === 4 ? this.v4 : this.v6).push(r);
  }

  /** The route for destination `words` of `family`, or null. */
  lookup(family: number, words: Uint32Array): Route | null {
    const list = family === 4 ? this.v4 : this.v6;
    for (let i = 0; i < list.length; i++) if (prefixContains(list[i]!.prefix, words)) return list[i]!;
    return null;
  }

  /** Every route, for snapshots. */
  all(): readonly Route[] {
    return [...this.v4, ...this.v6];
  }
}
