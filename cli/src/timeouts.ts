import { DEFAULT_TIMEOUTS, type Timeouts } from "@alg-sdk/core";
import { UsageError } from "./errors.js";

/** `tcp-established` → `tcpEstablished`: option names follow the sysctls' spelling. */
function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Names `--timeout NAME=SECONDS` accepts, with their defaults. */
export function timeoutNames(): { name: string; seconds: number }[] {
  return Object.entries(DEFAULT_TIMEOUTS).map(([k, v]) => ({ name: kebab(k), seconds: v }));
}

/**
 * Parses the `--timeout` arguments (`tcp-established=3600`, repeatable).
 * With `othersAllowed` (a `--tracker-module` is loaded) a name that is not
 * built in is kept for the engine to check against the trackers' own.
 */
export function parseTimeouts(args: readonly string[], othersAllowed = false): Partial<Timeouts> & Record<string, number> {
  const out: Record<string, number> = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq < 0) throw new UsageError(`--timeout ${JSON.stringify(arg)}: expected NAME=SECONDS, e.g. tcp-established=3600`);
    const name = arg.slice(0, eq).trim();
    const key = camel(name);
    if (!othersAllowed && !Object.hasOwn(DEFAULT_TIMEOUTS, key)) {
      throw new UsageError(
        `--timeout: unknown timeout ${JSON.stringify(name)} (known: ${timeoutNames().map((t) => t.name).join(", ")})`,
      );
    }
    const text = arg.slice(eq + 1).trim();
    const seconds = Number(text);
    if (text === "" || !Number.isFinite(seconds) || seconds <= 0) {
      throw new UsageError(`--timeout ${name}: ${JSON.stringify(text)} is not a positive number of seconds`);
    }
    out[key] = seconds;
  }
  return out;
}
