import { DEFAULT_CONFIG, type DaemonConfig, type HelperConfig, type TrackerConfig } from "./types.js";

/** A configuration mistake: printed as one line, exit status 2. */
export class ConfigError extends Error {}

const ATTACH = /^(tcp|udp|udplite)\/(\d+)(?:-(\d+))?$/i;

/** Parses "tcp/21" or "tcp/6660-6669". */
export function parseAttach(text: string): { protocol: "tcp" | "udp" | "udplite"; port: number | [number, number] } {
  const m = ATTACH.exec(text.trim());
  if (!m) throw new ConfigError(`attach ${JSON.stringify(text)}: expected PROTO/PORT[-PORT], e.g. tcp/21`);
  const lo = Number(m[2]);
  const hi = m[3] === undefined ? lo : Number(m[3]);
  if (lo < 1 || hi > 65535 || hi < lo) throw new ConfigError(`attach ${JSON.stringify(text)}: ports must be 1-65535, low to high`);
  return { protocol: m[1]!.toLowerCase() as "tcp" | "udp" | "udplite", port: lo === hi ? lo : [lo, hi] };
}

function int(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new ConfigError(`${name}: expected an integer ${min}-${max}, got ${JSON.stringify(v)}`);
  return v;
}

/** One entry of a list setting as an object with only the `known` keys (a misspelt key does not silently do nothing). */
function entry(v: unknown, where: string, known: readonly string[]): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError(`${where}: expected an object`);
  const e = v as Record<string, unknown>;
  for (const k of Object.keys(e)) if (!known.includes(k)) throw new ConfigError(`${where}: unknown key "${k}" (known: ${known.join(", ")})`);
  if (e.options !== undefined && (typeof e.options !== "object" || e.options === null || Array.isArray(e.options))) throw new ConfigError(`${where}.options: expected an object`);
  return e;
}

/** The `export` and `options` of a helper or tracker entry, as given. */
function moduleSettings(e: Record<string, unknown>): { export?: string; options?: Record<string, unknown> } {
  return {
    ...(e.export !== undefined ? { export: String(e.export) } : {}),
    ...(e.options !== undefined ? { options: e.options as Record<string, unknown> } : {}),
  };
}

function helper(v: unknown, i: number): HelperConfig {
  const h = entry(v, `helpers[${i}]`, ["name", "module", "export", "options", "attach"]);
  if ((h.name === undefined) === (h.module === undefined)) throw new ConfigError(`helpers[${i}]: give exactly one of "name" and "module"`);
  const attach = h.attach === undefined ? undefined : Array.isArray(h.attach) ? h.attach.map(String) : [String(h.attach)];
  attach?.forEach(parseAttach);
  return {
    ...(h.name !== undefined ? { name: String(h.name) } : {}),
    ...(h.module !== undefined ? { module: String(h.module) } : {}),
    ...moduleSettings(h),
    ...(attach ? { attach } : {}),
  };
}

function tracker(v: unknown, i: number): TrackerConfig {
  const t = entry(v, `trackers[${i}]`, ["module", "export", "options"]);
  if (typeof t.module !== "string" || t.module === "") throw new ConfigError(`trackers[${i}]: give "module", a package name or a path`);
  return { module: t.module, ...moduleSettings(t) };
}

/** Checks a configuration object (a parsed config file merged with flags); fills defaults. */
export function validateConfig(raw: Record<string, unknown>): DaemonConfig {
  const known = new Set(Object.keys(DEFAULT_CONFIG));
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new ConfigError(`unknown setting "${k}" (known: ${[...known].join(", ")})`);
  const c = { ...DEFAULT_CONFIG, ...raw } as Record<string, unknown>;
  const queues = Array.isArray(c.queues) ? c.queues.map((q, i) => int(q, `queues[${i}]`, 0, 65535)) : [int(c.queues, "queues", 0, 65535)];
  if (queues.length === 0) throw new ConfigError("queues: give at least one queue");
  if (!Array.isArray(c.helpers)) throw new ConfigError("helpers: expected a list");
  const helpers = c.helpers.map(helper);
  if (helpers.length === 0) throw new ConfigError("no helpers: give --helper ftp (or a config file with \"helpers\")");
  if (!Array.isArray(c.trackers)) throw new ConfigError("trackers: expected a list");
  const trackers = c.trackers.map(tracker);
  if (c.verdicts !== "batch" && c.verdicts !== "single") throw new ConfigError(`verdicts: "batch" or "single", not ${JSON.stringify(c.verdicts)}`);
  if (c.mode !== "auto" && c.mode !== "cthelper" && c.mode !== "standin") throw new ConfigError(`mode: "auto", "cthelper" or "standin", not ${JSON.stringify(c.mode)}`);
  if (!["error", "warn", "info", "debug"].includes(String(c.logLevel))) throw new ConfigError(`logLevel: error, warn, info or debug`);
  return {
    queues: [...new Set(queues)],
    helpers,
    trackers,
    verdicts: c.verdicts,
    failOpen: c.failOpen === true,
    queueMaxLen: int(c.queueMaxLen, "queueMaxLen", 1, 1 << 20),
    verdictTimeoutMs: int(c.verdictTimeoutMs, "verdictTimeoutMs", 1, 60_000),
    events: c.events === true,
    statsIntervalSec: int(c.statsIntervalSec, "statsIntervalSec", 0, 86_400),
    mode: c.mode,
    zone: int(c.zone, "zone", 0, 65535),
    userspaceHelperPrefix: String(c.userspaceHelperPrefix),
    drainMs: int(c.drainMs, "drainMs", 0, 60_000),
    logLevel: c.logLevel as DaemonConfig["logLevel"],
  };
}
