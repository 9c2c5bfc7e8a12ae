import { createEngine } from "@alg-sdk/core";
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { ircHelper } from "@alg-sdk/helper-irc";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import type { SyntheticFrame } from "./synthetic.js";
import { syntheticGateway, syntheticPolicy } from "./synthetic-gateway.js";

export interface BenchResult {
  readonly frames: number;
  /** Seconds for all frames through the gateway (Ethernet, ARP, routing, engine). */
  readonly gatewaySeconds: number;
  readonly framesPerSecond: number;
  /** Seconds for the same IP datagrams through a bare engine with the same helpers and policy. */
  readonly engineSeconds: number;
  /** engineSeconds / gatewaySeconds: the engine's share of the gateway's time. */
  readonly engineShare: number;
  readonly forwarded: number;
  readonly dropped: number;
}

const now = () => performance.now() / 1000;

/**
 * Times `frames` through a fresh gateway, then the same datagrams through a
 * bare engine; the best of `rounds` runs of each (the first warms the JIT).
 * Frames are copied before each run, outside the timing (NAT rewrites in place).
 */
export function benchGateway(frames: readonly SyntheticFrame[], rounds = 3): BenchResult {
  let bestGateway = Infinity;
  let bestEngine = Infinity;
  let forwarded = 0;
  let dropped = 0;
  for (let r = 0; r < rounds; r++) {
    const copies = frames.map((f) => ({ side: f.side, bytes: f.bytes.slice() }));
    const gw = syntheticGateway({ engine: { maxConnections: 1 << 20 } });
    gw.connect("lan", () => {});
    gw.connect("wan", () => {});
    let ts = 1;
    const t0 = now();
    for (const f of copies) gw.receive(f.side, f.bytes, (ts += 1e-5));
    bestGateway = Math.min(bestGateway, now() - t0);
    forwarded = gw.stats.forwarded;
    dropped = gw.stats.engineDrops;

    const datagrams = frames.filter((f) => f.bytes[12] === 0x08 && f.bytes[13] === 0).map((f) => f.bytes.slice());
    const engine = createEngine({ helpers: [ftpHelper(), ircHelper(), icmpHelper()], policy: syntheticPolicy, maxConnections: 1 << 20 });
    ts = 1;
    const t1 = now();
    for (const d of datagrams) engine.processRange(d, 14, ((d[16]! << 8) | d[17]!), (ts += 1e-5));
    bestEngine = Math.min(bestEngine, now() - t1);
  }
  return {
    frames: frames.length,
    gatewaySeconds: bestGateway,
    framesPerSecond: frames.length / bestGateway,
    engineSeconds: bestEngine,
    engineShare: bestEngine / bestGateway,
    forwarded,
    dropped,
  };
}
