import type { TrackerConfig } from "../config/types.js";
import { loadPluginModule } from "./plugin-module.js";

/** The third-party protocol trackers of a configuration, loaded. */
export interface TrackerSet {
  /** Passed to createEngine as they are: the engine checks their shape and says what is wrong. */
  readonly trackers: readonly unknown[];
  /** One line each for the log: `toy (protocol 253) from examples/tracker-toy`. */
  readonly description: readonly string[];
}

/** Loads every `--tracker-module`; throws ConfigError when a module cannot give a tracker. */
export async function buildTrackers(configs: readonly TrackerConfig[]): Promise<TrackerSet> {
  const trackers: unknown[] = [];
  const description: string[] = [];
  for (const c of configs) {
    const tracker = await loadPluginModule("tracker", c);
    trackers.push(tracker);
    const t = tracker as { name?: unknown; protocols?: unknown } | null;
    const name = typeof t?.name === "string" ? t.name : "(unnamed tracker)";
    const protocols = Array.isArray(t?.protocols) ? ` (protocol ${t.protocols.join(", ")})` : "";
    description.push(`${name}${protocols} from ${c.module}`);
  }
  return { trackers, description };
}
