import { createEngine, type Engine, type ProtocolTracker } from "@alg-sdk/core";
import type { RulesPolicy } from "@alg-sdk/rules";
import type { CliOptions } from "./args.js";
import { UsageError } from "./errors.js";
import { loadHelpers } from "./helpers/load.js";
import { loadRules } from "./rules-load.js";
import { loadTrackers } from "./trackers/load.js";

/** A `--rules` file and the policy compiled from it (which the engine runs and which counts what it decided). */
export interface LoadedRules {
  readonly file: string;
  readonly policy: RulesPolicy;
}

/** What every command builds from the options before reading packets. */
export interface Setup {
  readonly engine: Engine;
  /** Printable helper list: `ftp (tcp/21)`, … */
  readonly helpers: string[];
  /** Printable list of the `--tracker-module` trackers: `toy (protocol 253) from ./toy.js`. */
  readonly trackers: string[];
  readonly rules: LoadedRules | null;
}

/** Loads helpers and rules and creates the engine; every mistake is a UsageError raised before any output. */
export async function setUp(o: CliOptions): Promise<Setup> {
  const rules = o.rules === null ? null : { file: o.rules, policy: await loadRules(o.rules) };
  const h = await loadHelpers(o.helpers, o.switches, o.helperModules);
  const t = await loadTrackers(o.trackerModules);
  let engine: Engine;
  try {
    engine = createEngine({
      helpers: h.helpers,
      trackers: t.trackers as ProtocolTracker[],
      // Always explicit: the list already holds each helper's default rules unless --helper moved it.
      attach: h.attach,
      tcp: o.tcp,
      checksums: o.checksums,
      timeouts: o.timeouts,
      // The engine runs the rules: NAT on a connection's first packet, the filter on every packet.
      ...(rules !== null ? { policy: rules.policy } : {}),
      ...(o.maxConnections !== undefined ? { maxConnections: o.maxConnections, initialCapacity: Math.min(1024, o.maxConnections) } : {}),
      ...(o.maxExpectations !== undefined ? { maxExpectations: o.maxExpectations } : {}),
      ...(o.maxExpectationsPerSource !== undefined ? { maxExpectationsPerSource: o.maxExpectationsPerSource } : {}),
      // Random unless given, as Linux seeds its hash: --hash-seed makes NAT's random choices reproducible.
      ...(o.hashSeed !== undefined ? { hashSeed: o.hashSeed } : {}),
    });
  } catch (error) {
    // Bad options (a timeout no tracker declares), or a --helper-module / --tracker-module whose plugin the engine refuses.
    if (error instanceof RangeError || (error instanceof Error && /helper|tracker/.test(error.message))) throw new UsageError(error.message);
    throw error;
  }
  return { engine, helpers: h.description, trackers: t.description, rules };
}
