import type { EngineConfig } from "../config.js";
import { genericTracker } from "./generic.js";
import { greTracker } from "./gre/tracker.js";
import { icmpTracker, icmpv6Tracker } from "./icmp.js";
import { sctpTracker } from "./sctp/tracker.js";
import { tcpTracker } from "./tcp/tracker.js";
import { settleTimeouts } from "./timeouts.js";
import type { ProtocolTracker, TrackerEnvironment } from "./tracker.js";
import { udpliteTracker, udpTracker } from "./udp.js";

/**
 * The trackers every engine starts with (Linux's built-in l4protos);
 * `generic` takes every other protocol number.
 */
export const BUILT_IN_TRACKERS: readonly ProtocolTracker[] = [
  tcpTracker,
  udpTracker,
  udpliteTracker,
  icmpTracker,
  icmpv6Tracker,
  sctpTracker,
  greTracker(),
];

/**
 * Protocol number to tracker: a 256-entry array, so the per-packet lookup
 * is one indexed load. Trackers registered later take their numbers over
 * from earlier ones (a package can replace or add a protocol). With an
 * environment (an engine's), a tracker with per-engine state is registered
 * as the copy its `instantiate` makes.
 */
export class TrackerRegistry {
  private readonly byNumber: ProtocolTracker[] = new Array<ProtocolTracker>(256).fill(genericTracker);
  private readonly byName = new Map<string, ProtocolTracker>([["generic", genericTracker]]);

  constructor(
    trackers: readonly ProtocolTracker[] = BUILT_IN_TRACKERS,
    private readonly env?: TrackerEnvironment,
  ) {
    for (const t of trackers) this.register(t);
  }

  /**
   * An engine's registry: the built-in trackers and `added`, checked, with
   * the configuration's timeouts completed by the trackers' own (see
   * `settleTimeouts`); per-engine trackers are instantiated with that
   * configuration.
   */
  static forEngine(added: readonly ProtocolTracker[], config: EngineConfig): { registry: TrackerRegistry; config: EngineConfig } {
    const all = [...BUILT_IN_TRACKERS, ...added];
    for (const t of all) checkTracker(t);
    const settled: EngineConfig = { ...config, timeouts: settleTimeouts(config.timeouts, all) };
    return { registry: new TrackerRegistry(all, { config: settled }), config: settled };
  }

  /** Adds `tracker` for its protocol numbers; throws a TypeError when it is malformed. */
  register(tracker: ProtocolTracker): void {
    checkTracker(tracker);
    let t = tracker;
    if (this.env !== undefined && t.instantiate !== undefined) {
      t = t.instantiate(this.env);
      checkTracker(t);
      if (t.name !== tracker.name) throw new TypeError(`tracker "${tracker.name}": instantiate returned a tracker named "${t.name}"`);
    }
    for (const n of t.protocols) this.byNumber[n] = t;
    this.byName.set(t.name, t);
  }

  /** The tracker of protocol `proto` (generic when none is registered). */
  get(proto: number): ProtocolTracker {
    return this.byNumber[proto & 255]!;
  }

  /** Protocol number of a tracker name ("tcp" → 6), or -1. */
  numberOf(name: string): number {
    const t = this.byName.get(name);
    return t === undefined || t.protocols.length === 0 ? -1 : t.protocols[0]!;
  }

  /** Name of protocol `proto` for output: the tracker's, or `unknown-N` for generic ones. */
  nameOf(proto: number): string {
    const t = this.get(proto);
    return t === genericTracker ? genericName(proto) : t.name;
  }

  /** The trackers that handle at least one protocol number now, in protocol-number order, each once. */
  active(): ProtocolTracker[] {
    return [...new Set(this.byNumber.filter((t) => t !== genericTracker))];
  }

  /**
   * The services the active trackers offer, by token key; when two offer the
   * same token, the one registered for the higher protocol number wins
   * (slow path: built once per engine).
   */
  services(): Map<symbol, unknown> {
    const out = new Map<symbol, unknown>();
    for (const t of this.active()) for (const o of t.services ?? []) out.set(o.token.key, o.service);
    return out;
  }
}

/** Names of protocols tracked generically that output still names. */
const KNOWN_GENERIC: Readonly<Record<number, string>> = { 50: "esp", 51: "ah" };

function genericName(proto: number): string {
  return KNOWN_GENERIC[proto] ?? `unknown-${proto}`;
}

const FUNCTIONS = [
  "decode",
  "decodeQuoted",
  "classify",
  "quotable",
  "invert",
  "invertKeys",
  "canCreate",
  "init",
  "packet",
  "canEarlyDrop",
  "stateName",
  "keys",
  "checksumOk",
] as const;

const OPTIONAL_FUNCTIONS = ["natRewrite", "natPayloadChanged", "adjustSequence", "instantiate"] as const;

function checkTracker(t: ProtocolTracker): void {
  if (t === null || typeof t !== "object") throw new TypeError("a tracker must be an object");
  if (typeof t.name !== "string" || !/^[a-z][a-z0-9-]*$/.test(t.name)) throw new TypeError(`tracker name ${JSON.stringify(t.name)} must be lower-case letters, digits and dashes`);
  if (t.name === "generic") throw new TypeError(`tracker name "generic" is reserved for protocols without a tracker`);
  if (!Array.isArray(t.protocols) || t.protocols.length === 0) throw new TypeError(`tracker "${t.name}": protocols must list at least one protocol number`);
  for (const n of t.protocols) {
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new TypeError(`tracker "${t.name}": protocol ${String(n)} is not 0..255`);
  }
  for (const f of FUNCTIONS) {
    if (typeof t[f] !== "function") throw new TypeError(`tracker "${t.name}": ${f} must be a function`);
  }
  for (const f of OPTIONAL_FUNCTIONS) {
    if (t[f] !== undefined && typeof t[f] !== "function") throw new TypeError(`tracker "${t.name}": ${f} must be a function when given`);
  }
  if (typeof t.hasPorts !== "boolean") throw new TypeError(`tracker "${t.name}": hasPorts must be a boolean`);
  if (!Number.isInteger(t.minHeaderLength) || t.minHeaderLength < 1) throw new TypeError(`tracker "${t.name}": minHeaderLength must be a positive integer`);
  if (t.timeouts !== undefined) {
    if (t.timeouts === null || typeof t.timeouts !== "object") throw new TypeError(`tracker "${t.name}": timeouts must be an object of seconds`);
    for (const [name, v] of Object.entries(t.timeouts)) {
      if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new TypeError(`tracker "${t.name}": timeout ${name} must be a positive number of seconds`);
    }
  }
  if (t.services !== undefined) {
    if (!Array.isArray(t.services)) throw new TypeError(`tracker "${t.name}": services must be a list of offerService(token, service)`);
    for (const o of t.services) {
      if (o === null || typeof o !== "object" || typeof o.token?.key !== "symbol") throw new TypeError(`tracker "${t.name}": services must be a list of offerService(token, service)`);
    }
  }
}

/** The registry of the built-in trackers, for code that decodes without an engine. */
export const defaultTrackers = new TrackerRegistry();

/** A printable name for protocol number `proto` ("tcp", "udp", "icmpv6", "gre", `unknown-N`). */
export function protocolName(proto: number): string {
  return defaultTrackers.nameOf(proto);
}
