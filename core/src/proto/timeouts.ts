import { DEFAULT_TIMEOUTS, type EngineConfig } from "../config.js";
import type { ProtocolTracker } from "./tracker.js";

/**
 * An engine's timeouts with its trackers' own: the built-in ones, every
 * registered tracker's defaults (`ProtocolTracker.timeouts`), and the
 * caller's overrides of either by name. A name nobody declared, or a
 * non-positive value, is refused (RangeError); a tracker declaring a
 * built-in name or another tracker's name is malformed (TypeError).
 */
export function settleTimeouts(given: EngineConfig["timeouts"], trackers: readonly ProtocolTracker[]): EngineConfig["timeouts"] {
  const owner = new Map<string, string>();
  const defaults = new Map<string, number>();
  for (const t of trackers) {
    for (const [name, seconds] of Object.entries(t.timeouts ?? {})) {
      if (Object.hasOwn(DEFAULT_TIMEOUTS, name)) throw new TypeError(`tracker "${t.name}": timeout ${name} is a built-in timeout`);
      const other = owner.get(name);
      // A tracker of the same name replacing another may declare the same timeouts.
      if (other !== undefined && other !== t.name) throw new TypeError(`tracker "${t.name}": timeout ${name} belongs to tracker "${other}"`);
      owner.set(name, t.name);
      defaults.set(name, seconds);
    }
  }
  const out: Record<string, number> = { ...given };
  for (const [name, seconds] of Object.entries(out)) {
    if (!Object.hasOwn(DEFAULT_TIMEOUTS, name) && !owner.has(name)) {
      throw new RangeError(`unknown timeout ${JSON.stringify(name)}: neither built in nor declared by a registered tracker`);
    }
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) {
      throw new RangeError(`timeout ${name} must be a positive number of seconds, got ${String(seconds)}`);
    }
  }
  for (const [name, seconds] of defaults) if (!Object.hasOwn(out, name)) out[name] = seconds;
  return out as EngineConfig["timeouts"];
}
