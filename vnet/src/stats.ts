/** Counters of the gateway's own work (the engine keeps its own in `engine.stats`). */
export class GatewayStats {
  /** Datagrams forwarded from one interface to another. */
  forwarded = 0;
  /** Forwarded or dropped datagrams per engine state (index = PacketState). */
  readonly acceptedByState = new Float64Array(5);
  readonly droppedByState = new Float64Array(5);
  /** Dropped by the engine (the policy's filter, a helper, INVALID checks with a drop verdict). */
  engineDrops = 0;
  /** Fragments the engine holds for reassembly. */
  fragmentsHeld = 0;
  /** No route to the destination. */
  noRoute = 0;
  /** TTL or hop limit ran out (ICMP time exceeded sent when enabled). */
  ttlExceeded = 0;
  /** Larger than the outgoing interface's MTU and not fragmentable (IPv4 with DF, IPv6): dropped, ICMP sent. */
  tooBig = 0;
  /** IPv4 fragments sent for datagrams larger than the outgoing MTU (the engine reassembles what arrives in fragments). */
  fragmentsSent = 0;
  /** Bad Ethernet, ARP, IPv4 or IPv6 headers (never given to the engine). */
  malformed = 0;
  /** Echo requests to the gateway's own addresses, answered. */
  echoAnswered = 0;
  /** Other datagrams for the gateway itself (it runs no services). */
  localDropped = 0;
  /** Frames held for an unresolved neighbour and then dropped. */
  neighbourDrops = 0;
  arpRequestsIn = 0;
  arpRepliesOut = 0;
  arpRequestsOut = 0;
  ndSolicitsIn = 0;
  ndAdvertsOut = 0;
  ndSolicitsOut = 0;
  /** Frames for an interface name the gateway does not have. */
  unknownInterface = 0;
  /** A sink (the embedder's send function) threw; the frame counts as sent. */
  sinkErrors = 0;
}

/** A plain copy of {@link GatewayStats}, for snapshots and views. */
export type GatewayStatsSnapshot = {
  readonly [K in keyof GatewayStats]: GatewayStats[K] extends Float64Array ? number[] : GatewayStats[K];
};

export function copyStats(s: GatewayStats): GatewayStatsSnapshot {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = v instanceof Float64Array ? Array.from(v) : v;
  return out as GatewayStatsSnapshot;
}
