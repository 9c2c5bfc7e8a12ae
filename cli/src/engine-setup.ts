import { createEngine, type Engine } from "@alg-sdk/core";
import type { CliOptions } from "./args.js";
import { UsageError } from "./errors.js";
import { loadHelpers } from "./helpers.js";
import type { Firewall } from "./rules/evaluate.js";
import { loadFirewall } from "./rules/load.js";

/** What every command builds from the options before reading packets. */
export interface Setup {
  readonly engine: Engine;
  /** Printable helper list: `ftp (tcp/21)`, … */
  readonly helpers: string[];
  readonly firewall: { readonly file: string; readonly fw: Firewall } | null;
}

/** Loads helpers and rules and creates the engine; every mistake is a UsageError raised before any output. */
export async function setUp(o: CliOptions): Promise<Setup> {
  const firewall = o.rules === null ? null : { file: o.rules, fw: await loadFirewall(o.rules) };
  const h = await loadHelpers(o.helpers, o.switches);
  let engine: Engine;
  try {
    engine = createEngine({
      helpers: h.helpers,
      // Always explicit: the list already holds each helper's default rules unless --helper moved it.
      attach: h.attach,
      tcp: o.tcp,
      checksums: o.checksums,
      timeouts: o.timeouts,
      ...(o.maxConnections !== undefined ? { maxConnections: o.maxConnections, initialCapacity: Math.min(1024, o.maxConnections) } : {}),
      ...(o.maxExpectations !== undefined ? { maxExpectations: o.maxExpectations } : {}),
    });
  } catch (error) {
    if (error instanceof RangeError || (error instanceof Error && /helper/.test(error.message))) throw new UsageError(error.message);
    throw error;
  }
  return { engine, helpers: h.description, firewall };
}
