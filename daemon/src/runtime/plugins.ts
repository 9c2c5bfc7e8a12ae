import { createEngine, type Engine, type EngineOptions } from "@alg-sdk/core";
import type { DaemonConfig } from "../config/types.js";
import { ConfigError } from "../config/validate.js";
import { buildHelpers, type HelperSet } from "./helper-set.js";
import { buildTrackers, type TrackerSet } from "./tracker-set.js";

/** The helpers and trackers of a configuration, and the engine made of them. */
export interface Plugins {
  readonly helperSet: HelperSet;
  readonly trackerSet: TrackerSet;
  readonly engine: Engine;
}

/** Loads a configuration's helpers and trackers and creates their engine; throws ConfigError on a mistake. */
export async function buildPlugins(config: DaemonConfig): Promise<Plugins> {
  const helperSet = await buildHelpers(config.helpers);
  const trackerSet = await buildTrackers(config.trackers);
  const options: EngineOptions = {
    helpers: helperSet.helpers as EngineOptions["helpers"],
    trackers: trackerSet.trackers as EngineOptions["trackers"],
    attach: helperSet.attach,
    helperErrorVerdict: "accept",
    // The engine never sees the data connections, so its copies of expectations are never matched and
    // stay until their timeout: room for 65,536 keeps a busy server (about 200 new ones a second at
    // 300 s) from filling the table, where a full table would make helpers drop (as nf_ct_expect_max does).
    maxExpectations: 65536,
  };
  try {
    return { helperSet, trackerSet, engine: createEngine(options) };
  } catch (e) {
    // createEngine refuses only its options: a helper or tracker of the wrong shape, attach rules it cannot use.
    throw new ConfigError(`the engine refuses the configuration: ${(e as Error).message}`);
  }
}

/** `ftp, irc` and, when there are any, `; trackers toy (protocol 253) from ./toy.mjs`. */
export function pluginNames(p: Plugins): string {
  const trackers = p.trackerSet.description.length > 0 ? `; trackers ${p.trackerSet.description.join(", ")}` : "";
  return `${p.helperSet.facts.map((f) => f.name).join(", ")}${trackers}`;
}
