import { HELPER_API_VERSION, type Helper } from "./types.js";

/** Most helpers one engine takes (the record keeps the helper in one byte). */
export const MAX_HELPERS = 254;
/** Most expectation classes per helper (Linux's NF_CT_MAX_EXPECT_CLASSES). */
export const MAX_CLASSES = 4;

/**
 * The helpers of one engine, checked once at creation: a helper written
 * for another version of the interface, or malformed, is refused with a
 * message that names it, rather than misbehaving later.
 */
export class HelperSet {
  readonly list: readonly Helper[];
  readonly names: readonly string[];
  /** Indexes of the helpers with a relation hook, in registration order. */
  readonly relaters: readonly number[];

  constructor(helpers: readonly Helper[]) {
    if (helpers.length > MAX_HELPERS) throw new RangeError(`at most ${MAX_HELPERS} helpers per engine`);
    const names = new Set<string>();
    for (const h of helpers) {
      checkHelper(h);
      if (names.has(h.name)) throw new Error(`two helpers are named "${h.name}"`);
      names.add(h.name);
    }
    this.list = helpers;
    this.names = helpers.map((h) => h.name);
    this.relaters = helpers.flatMap((h, i) => (typeof h.relate === "function" ? [i] : []));
  }

  /** Index of helper `name`, or -1. */
  indexOf(name: string): number {
    return this.names.indexOf(name);
  }
}

const HOOKS = ["createState", "onPacket", "onConnectionDestroyed", "onExpectationMatched", "onExpectationExpired", "relate"] as const;

function checkHelper(h: Helper): void {
  if (h === null || typeof h !== "object") throw new TypeError("a helper must be an object");
  const label = typeof h.name === "string" && h.name !== "" ? `helper "${h.name}"` : "a helper";
  const version = (h as { apiVersion?: unknown }).apiVersion;
  if (version !== HELPER_API_VERSION) {
    throw new TypeError(
      version === undefined
        ? `${label} was written for helper API v1 (it has no apiVersion): this engine runs v2 helpers. ` +
            "Rebuild it against @alg-sdk/core 0.2 (see docs/writing-a-helper.md, \"Moving from v1\")."
        : `${label} declares helper API v${String(version)}, but this engine runs v${HELPER_API_VERSION}`,
    );
  }
  if (typeof h.name !== "string" || h.name === "") throw new TypeError("a helper needs a non-empty name");
  if (!Array.isArray(h.policies) || h.policies.length > MAX_CLASSES) {
    throw new RangeError(`${label}: policies must be an array of at most ${MAX_CLASSES} classes`);
  }
  h.policies.forEach((p, i) => {
    if (p === null || typeof p !== "object") throw new TypeError(`${label}: policy ${i} must be an object`);
    if (!Number.isInteger(p.maxExpected) || p.maxExpected < 0) throw new RangeError(`${label}: policy ${i} maxExpected must be an integer >= 0`);
    if (typeof p.timeout !== "number" || !Number.isFinite(p.timeout) || p.timeout <= 0) {
      throw new RangeError(`${label}: policy ${i} timeout must be a positive number of seconds`);
    }
  });
  for (const hook of HOOKS) {
    if (h[hook] !== undefined && typeof h[hook] !== "function") throw new TypeError(`${label}: ${hook} must be a function`);
  }
  if (h.attach !== undefined && !Array.isArray(h.attach)) throw new TypeError(`${label}: attach must be an array of rules`);
  if (h.onPartialMatch !== undefined && h.onPartialMatch !== "drop" && h.onPartialMatch !== "accept") {
    throw new TypeError(`${label}: onPartialMatch must be "drop" or "accept"`);
  }
}
