import type { ConnectionInfo, ExpectationInfo } from "@alg-sdk/core";
import type { Gateway } from "./gateway.js";
import { formatMac } from "./mac.js";
import type { NeighbourInfo } from "./neighbours.js";
import { ipv6Key } from "./prefix.js";
import type { GatewayStatsSnapshot } from "./stats.js";
import { copyStats } from "./stats.js";
import type { VerdictRecord } from "./verdict-log.js";

export interface InterfaceSnapshot {
  readonly name: string;
  readonly mac: string;
  readonly ipv4: string | null;
  readonly ipv6: string | null;
  readonly linkLocal: string | null;
  readonly mtu: number;
  readonly rxFrames: number;
  readonly rxBytes: number;
  readonly txFrames: number;
  readonly txBytes: number;
  readonly ignored: number;
}

/** The engine's counters, copied. */
export interface EngineCounters {
  readonly packets: number;
  /** Per PacketState (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED). */
  readonly byState: number[];
  readonly dropped: number;
  readonly connections: number;
  readonly expectations: number;
  readonly connectionsCreated: number;
  readonly connectionsDestroyed: number;
  readonly expectationsCreated: number;
  readonly expectationsMatched: number;
  readonly helperErrors: number;
}

/** Everything a view shows, at one instant. */
export interface GatewaySnapshot {
  readonly time: number;
  readonly interfaces: InterfaceSnapshot[];
  readonly routes: { prefix: string; via: string | null; interface: string }[];
  readonly neighbours: NeighbourInfo[];
  readonly connections: ConnectionInfo[];
  /** More connections exist than `connections` holds (see `maxConnections`). */
  readonly connectionsTruncated: boolean;
  readonly expectations: ExpectationInfo[];
  readonly engine: EngineCounters;
  readonly gateway: GatewayStatsSnapshot;
  readonly verdicts: VerdictRecord[];
}

export interface SnapshotOptions {
  /** Most connections copied (each is an object): default 10000. */
  readonly maxConnections?: number;
  /** Only verdicts after this sequence number. Default 0: all kept. */
  readonly verdictsAfter?: number;
}

/** A plain-data copy of the gateway's state, for views, tests and JSON. */
export function snapshotGateway(g: Gateway, options: SnapshotOptions = {}): GatewaySnapshot {
  const max = options.maxConnections ?? 10000;
  const connections: ConnectionInfo[] = [];
  let truncated = false;
  for (const c of g.engine.connections()) {
    if (connections.length >= max) {
      truncated = true;
      break;
    }
    connections.push(c);
  }
  const s = g.engine.stats;
  return {
    time: g.time,
    interfaces: g.interfaces.map((i) => ({
      name: i.name,
      mac: formatMac(i.mac),
      ipv4: i.ipv4?.text ?? null,
      ipv6: i.ipv6?.text ?? null,
      linkLocal: i.linkLocal ? ipv6Key(i.linkLocal) : null,
      mtu: i.mtu,
      ...i.stats,
    })),
    routes: g.routeTable(),
    neighbours: g.neighbours(),
    connections,
    connectionsTruncated: truncated,
    expectations: [...g.engine.pendingExpectations()],
    engine: {
      packets: s.packets,
      byState: Array.from(s.byState),
      dropped: s.dropped,
      connections: g.engine.connectionCount,
      expectations: g.engine.expectationCount,
      connectionsCreated: s.connectionsCreated,
      connectionsDestroyed: s.connectionsDestroyed,
      expectationsCreated: s.expectationsCreated,
      expectationsMatched: s.expectationsMatched,
      helperErrors: s.helperErrors,
    },
    gateway: copyStats(g.stats),
    verdicts: g.verdicts(options.verdictsAfter ?? 0),
  };
}
