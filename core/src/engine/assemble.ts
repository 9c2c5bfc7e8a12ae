import type { EngineConfig } from "../config.js";
import { ExpectationRegistry } from "../expect/registry.js";
import { HelperSet } from "../helper/helper-set.js";
import { HelperHost } from "../helper/host.js";
import type { Helper } from "../helper/types.js";
import { Defragmenter } from "../packet/defrag.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { PacketPolicy, PolicyPacket } from "../policy/types.js";
import { Nat } from "../nat/nat.js";
import { PayloadRewriter } from "../nat/rewrite.js";
import { TrackerRegistry } from "../proto/registry.js";
import type { ProtocolTracker } from "../proto/tracker.js";
import { ConnTable } from "../table/conn-table.js";
import { Collector } from "./collector.js";
import { Conntrack } from "./conntrack.js";
import type { EventHub } from "./event-hub.js";
import { HelperServices } from "./helper-services.js";
import { Outcome } from "./outcome.js";
import { PolicyStages } from "./policy-stages.js";
import { PolicyView } from "./policy-view.js";
import type { PacketResult } from "./result.js";
import { AttachTable, NotrackTable, type HelperAttachment, type NotrackRule } from "./rules.js";
import { Snapshots } from "./snapshots.js";
import type { EngineStats } from "./stats.js";

/** Engine-wide settings that are not part of {@link EngineConfig}. */
export interface EngineSetup {
  readonly attach: readonly HelperAttachment[] | undefined;
  readonly notrack: readonly NotrackRule[];
  readonly helperErrorVerdict: "accept" | "drop";
  readonly policy: PacketPolicy | undefined;
  /** The routing decision after destination NAT (`EngineOptions.route`). */
  readonly route: ((packet: PolicyPacket) => number) | undefined;
}

/** What the engine owns before its parts exist, and the parts share. */
export interface EngineShared {
  readonly result: PacketResult;
  readonly stats: EngineStats;
  readonly time: Float64Array<ArrayBuffer>;
  /** The interface cells the caller writes (`Engine.interfaces`). */
  readonly interfaces: Uint32Array<ArrayBuffer>;
  readonly events: EventHub;
  readonly packet: ParsedPacket;
}

/** The parts of one engine, wired to each other. */
export interface EngineParts {
  readonly config: EngineConfig;
  readonly trackers: TrackerRegistry;
  readonly services: Map<symbol, unknown>;
  readonly helperSet: HelperSet;
  readonly table: ConnTable;
  readonly notrack: NotrackTable;
  readonly snapshots: Snapshots;
  readonly outcome: Outcome;
  readonly expectations: ExpectationRegistry;
  readonly helpers: HelperHost;
  readonly defrag: Defragmenter;
  readonly conntrack: Conntrack;
  readonly stages: PolicyStages;
  readonly collector: Collector;
  /** The one view the policy hooks (and the router) read. */
  readonly view: PolicyView;
  /** The router, when the embedder gave one and a policy stage could read its answer. */
  readonly route: ((packet: PolicyPacket) => number) | null;
}

/**
 * Builds and wires an engine's parts (the composition of one engine; the
 * container gave the configuration, helpers and trackers). Parts that need
 * each other before both exist reach each other through closures read on
 * slow paths only.
 */
export function assembleEngine(given: EngineConfig, helperList: Helper[], trackerList: ProtocolTracker[], setup: EngineSetup, s: EngineShared): EngineParts {
  const { registry: trackers, config } = TrackerRegistry.forEngine(trackerList, given);
  const services = trackers.services();
  const helperSet = new HelperSet(helperList);
  const policy = setup.policy;
  const policyView = new PolicyView(s.result, s.interfaces);
  const translates = policy?.destinationNat !== undefined || policy?.sourceNat !== undefined;
  const table = new ConnTable(config.maxConnections, config.initialCapacity, config.hashSeed, translates);
  const nat = translates ? new Nat(table, trackers, policy!, policyView, config.hashSeed) : null;
  const attachments = setup.attach ?? helperList.flatMap((h) => (h.attach ?? []).map((r) => ({ ...r, helper: h.name })));
  const attach = new AttachTable(attachments, (n) => helperSet.indexOf(n), trackers);
  const notrack = new NotrackTable(setup.notrack, trackers);
  const snapshots = new Snapshots(table, trackers, helperSet.list, helperSet.names, s.time);
  const outcome = new Outcome(s.result, s.stats, table);
  s.result.bind(s.packet, helperSet.names);
  let expectations: ExpectationRegistry | null = null;
  let helpers: HelperHost | null = null;
  let conntrack: Conntrack | null = null;
  const hookServices = new HelperServices({
    table,
    trackers,
    expectations: () => expectations!,
    helperSet,
    helpers: () => helpers!,
    nat,
    rewriter: nat === null ? null : new PayloadRewriter(trackers),
    packet: s.packet,
    result: s.result,
    events: s.events,
    snapshots,
    stats: s.stats,
    time: s.time,
    services,
    conntrack: () => conntrack!,
    perSource: config.maxExpectationsPerSource ?? 0,
  });
  expectations = new ExpectationRegistry(config.maxExpectations, config.hashSeed ^ 0x5bd1e995, hookServices);
  const views = { table, trackers, helperNames: helperSet.names, time: s.time };
  helpers = new HelperHost(helperSet, table, views, s.events, snapshots, s.stats, setup.helperErrorVerdict, hookServices);
  const defrag = new Defragmenter(config.fragments, config.hashSeed, trackers);
  s.packet.time = s.time;
  conntrack = new Conntrack({
    table,
    trackers,
    expectations,
    helpers,
    nat,
    attach,
    outcome,
    result: s.result,
    events: s.events,
    snapshots,
    stats: s.stats,
    config,
    time: s.time,
  });
  const stages = new PolicyStages(policy, nat, policyView, table, conntrack, outcome, s.result);
  const collector = new Collector(table, conntrack, config.gcSweepSeconds, s.time);
  // Only the filter and source NAT read the output interface: without them routing here would be wasted.
  const route = setup.route !== undefined && (policy?.filter !== undefined || policy?.sourceNat !== undefined) ? setup.route : null;
  return { config, trackers, services, helperSet, table, notrack, snapshots, outcome, expectations, helpers, defrag, conntrack, stages, collector, view: policyView, route };
}
