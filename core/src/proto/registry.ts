import { genericTracker } from "./generic.js";
import { icmpTracker, icmpv6Tracker } from "./icmp.js";
import { tcpTracker } from "./tcp/tracker.js";
import type { ProtocolTracker } from "./tracker.js";
import { udpliteTracker, udpTracker } from "./udp.js";

/** The trackers every engine starts with; `generic` takes every other protocol number. */
export const BUILT_IN_TRACKERS: readonly ProtocolTracker[] = [tcpTracker, udpTracker, udpliteTracker, icmpTracker, icmpv6Tracker];

/**
 * Protocol number to tracker: a 256-entry array, so the per-packet lookup
 * is one indexed load. Trackers registered later take their numbers over
 * from the built-in ones (a package can replace or add a protocol).
 */
export class TrackerRegistry {
  private readonly byNumber: ProtocolTracker[] = new Array<ProtocolTracker>(256).fill(genericTracker);
  private readonly byName = new Map<string, ProtocolTracker>([["generic", genericTracker]]);

  constructor(trackers: readonly ProtocolTracker[] = BUILT_IN_TRACKERS) {
    for (const t of trackers) this.register(t);
  }

  /** Adds `tracker` for its protocol numbers; throws a TypeError when it is malformed. */
  register(tracker: ProtocolTracker): void {
    checkTracker(tracker);
    for (const n of tracker.protocols) this.byNumber[n] = tracker;
    this.byName.set(tracker.name, tracker);
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
}

/** Names of protocols tracked generically that output still names. */
const KNOWN_GENERIC: Readonly<Record<number, string>> = { 47: "gre", 50: "esp", 51: "ah", 132: "sctp" };

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

function checkTracker(t: ProtocolTracker): void {
  if (t === null || typeof t !== "object") throw new TypeError("a tracker must be an object");
  if (typeof t.name !== "string" || !/^[a-z][a-z0-9-]*$/.test(t.name)) throw new TypeError(`tracker name ${JSON.stringify(t.name)} must be lower-case letters, digits and dashes`);
  if (!Array.isArray(t.protocols) || t.protocols.length === 0) throw new TypeError(`tracker "${t.name}": protocols must list at least one protocol number`);
  for (const n of t.protocols) {
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new TypeError(`tracker "${t.name}": protocol ${String(n)} is not 0..255`);
  }
  for (const f of FUNCTIONS) {
    if (typeof t[f] !== "function") throw new TypeError(`tracker "${t.name}": ${f} must be a function`);
  }
  if (typeof t.hasPorts !== "boolean") throw new TypeError(`tracker "${t.name}": hasPorts must be a boolean`);
  if (!Number.isInteger(t.minHeaderLength) || t.minHeaderLength < 1) throw new TypeError(`tracker "${t.name}": minHeaderLength must be a positive integer`);
}

/** The registry of the built-in trackers, for code that decodes without an engine. */
export const defaultTrackers = new TrackerRegistry();

/** A printable name for protocol number `proto` ("tcp", "udp", "icmpv6", "gre", `unknown-N`). */
export function protocolName(proto: number): string {
  return defaultTrackers.nameOf(proto);
}
