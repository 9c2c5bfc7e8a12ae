import type { DependencyContainer } from "tsyringe";
import type { EngineConfig, FragmentOptions, TcpOptions, Timeouts } from "../config.js";
import { DEFAULT_FRAGMENT_OPTIONS, DEFAULT_TCP_OPTIONS, DEFAULT_TIMEOUTS } from "../config.js";
import type { Helper } from "../helper/types.js";
import type { HelperAttachment, NotrackRule } from "./rules.js";
import type { PacketPolicy, PolicyPacket } from "../policy/types.js";
import type { ProtocolTracker } from "../proto/tracker.js";
import { randomSeed } from "./random-seed.js";

/** Everything `createEngine` accepts. Every field is optional; defaults are Linux's. */
export interface EngineOptions {
  /** Helpers to register (attach them with `attach`, or by their own `attach` rules). */
  readonly helpers?: readonly Helper<any, any>[];
  /**
   * Protocol trackers to add to the built-in ones (TCP, UDP, UDP-Lite, ICMP,
   * ICMPv6, SCTP, GRE); a later one takes a protocol number over.
   */
  readonly trackers?: readonly ProtocolTracker[];
  /**
   * Which new connections get which helper. Omitted: every registered
   * helper's own `attach` rules (FTP on tcp/21, …). An empty list attaches none.
   */
  readonly attach?: readonly HelperAttachment[];
  /** Packets that are never tracked (UNTRACKED). */
  readonly notrack?: readonly NotrackRule[];
  /** Most connections held (`nf_conntrack_max`). Default 262144. */
  readonly maxConnections?: number;
  /** Slots allocated up front; the table doubles as needed up to the maximum. Default 1024. */
  readonly initialCapacity?: number;
  /** Most expectations pending in all (`nf_ct_expect_max`). Default 4096. */
  readonly maxExpectations?: number;
  /**
   * Beyond Linux, off by default: most expectations pending for one source
   * (the address that opened the master connection; an IPv6 source counts
   * by its /64). Over it, that source's oldest pending expectation is
   * evicted, so one host cannot fill `maxExpectations` and block other
   * users' data connections. 0 or omitted: no such limit (Linux).
   */
  readonly maxExpectationsPerSource?: number;
  /**
   * Timeouts in seconds: the built-in ones (`Timeouts`, named after Linux's
   * sysctls) and those registered trackers declare, by name. An unknown
   * name or a non-positive value is a RangeError.
   */
  readonly timeouts?: Partial<Timeouts> & Readonly<Record<string, number>>;
  readonly tcp?: Partial<TcpOptions>;
  readonly fragments?: Partial<FragmentOptions>;
  /**
   * Seed of the tuple hashes (connections, expectations, fragments, NAT's
   * source index) and of NAT's random port choices. Default: a random
   * 32-bit value drawn once per engine from `globalThis.crypto.getRandomValues`
   * (`Math.random` where the runtime has no Web Crypto), as Linux seeds its
   * hash randomly: senders cannot craft tuples that collide. Set it to make
   * runs reproducible (tests, replays compared byte for byte); a seed known
   * to senders re-opens hash flooding (see docs/security.md).
   */
  readonly hashSeed?: number;
  /**
   * Seconds of packet time in which the incremental garbage collector visits
   * every table slot once (expired connections are also removed when a
   * packet finds them). 0 turns the sweep off. Default 30.
   */
  readonly gcSweepSeconds?: number;
  /**
   * Time source, in seconds, for calls to `process` without a timestamp.
   * Default: none, and such calls use `engine.time[0]`.
   */
  readonly clock?: () => number;
  /**
   * Verify checksums as Linux does with `nf_conntrack_checksum=1`: a bad IPv4
   * header checksum drops the packet (Linux discards it before conntrack), a
   * bad TCP, UDP, UDP-Lite, ICMP or ICMPv6 checksum makes it INVALID. Off by
   * default: captures taken on a sending host carry offloaded (unfilled)
   * checksums, and summing every payload costs time.
   */
  readonly checksums?: boolean;
  /**
   * Hooks for destination NAT, the forward filter and source NAT (see
   * {@link PacketPolicy}). The filter sees every packet after destination
   * NAT; a DROP sets the verdict, and on a connection's first packet the
   * connection is discarded (never confirmed), as in Linux.
   */
  readonly policy?: PacketPolicy;
  /**
   * The embedder's routing decision, for policies that match the output
   * interface (`PolicyPacket.outInterface`). The engine calls it after
   * destination NAT and before the filter, where Linux routes a forwarded
   * datagram, with the packet as it is then (`dst` already translated; the
   * view is the filter's, with `outInterface` 0), and stores the answer in
   * `engine.interfaces[1]` for the filter and source NAT to see. Return the
   * output interface's index (0: unknown). It is called only when the
   * policy has a filter or source NAT, for every packet those stages see;
   * it must not keep the packet nor call the engine. A router that throws
   * counts as 0. Omitted: the output interface is whatever the caller wrote
   * into `engine.interfaces[1]` before `process`.
   */
  readonly route?: (packet: PolicyPacket) => number;
  /** Verdict for a packet whose helper threw: "accept" (default) or "drop". */
  readonly helperErrorVerdict?: "accept" | "drop";
  /** Parent container for the engine's child container (default: tsyringe's root container). */
  readonly container?: DependencyContainer;
}

/** Engine options with every default filled in. */
export function resolveConfig(o: EngineOptions): EngineConfig {
  const positive = (v: number | undefined, d: number, name: string): number => {
    if (v === undefined) return d;
    if (!Number.isFinite(v) || v < 1) throw new RangeError(`${name} must be a positive number, got ${v}`);
    return Math.floor(v);
  };
  return {
    maxConnections: positive(o.maxConnections, 262144, "maxConnections"),
    initialCapacity: positive(o.initialCapacity, 1024, "initialCapacity"),
    maxExpectations: positive(o.maxExpectations, 4096, "maxExpectations"),
    maxExpectationsPerSource: o.maxExpectationsPerSource === 0 ? 0 : positive(o.maxExpectationsPerSource, 0, "maxExpectationsPerSource"),
    timeouts: { ...DEFAULT_TIMEOUTS, ...o.timeouts },
    tcp: { ...DEFAULT_TCP_OPTIONS, ...o.tcp },
    fragments: { ...DEFAULT_FRAGMENT_OPTIONS, ...o.fragments },
    hashSeed: seed(o.hashSeed),
    gcSweepSeconds: o.gcSweepSeconds ?? 30,
    clock: o.clock,
    checksums: o.checksums ?? false,
  };
}

/** The given seed as a 32-bit integer, or a random one. */
function seed(v: number | undefined): number {
  if (v === undefined) return randomSeed();
  if (typeof v !== "number" || !Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
    throw new RangeError(`hashSeed must be an integer from 0 to 4294967295, got ${String(v)}`);
  }
  return v | 0;
}
