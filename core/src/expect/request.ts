import { parseAddress } from "../address.js";
import { ExpectFlag, type AddressInput, type ConnectionQuery, type ExpectationQuery, type ExpectationRequest, type ExpectPolicy, type ExpectRefusal } from "../helper/types.js";
import type { TrackerRegistry } from "../proto/registry.js";

/** A request checked and turned into numbers, ready to become an `Expectation`. */
export interface CheckedRequest {
  readonly cls: number;
  readonly proto: number;
  readonly src: Uint32Array;
  readonly srcMask: Uint32Array;
  readonly sport: number;
  readonly sportMask: number;
  readonly dst: Uint32Array;
  readonly dport: number;
  readonly flags: number;
  /** Helper index + 1 to attach to the expected connection, or 0. */
  readonly assignHelper: number;
  readonly timeout: number;
  readonly searchPort: boolean;
  readonly skipMaster: boolean;
}

/** What the checks need to know about the master and the engine. */
export interface RequestScope {
  readonly family: number;
  readonly masterProto: number;
  readonly policies: readonly ExpectPolicy[];
  readonly trackers: TrackerRegistry;
  /** Helper index of a name, or -1. */
  helperIndex(name: string): number;
}

const KNOWN_FLAGS = ExpectFlag.PERMANENT | ExpectFlag.INACTIVE;

/**
 * Checks a helper's expectation request field by field (a helper's request
 * is input too: it is never trusted to be well formed) and turns it into
 * numbers. Returns the refusal reason of the first bad field; a request
 * that throws while being read (a getter, a proxy) is a "bad-request".
 * Each field is read once.
 */
export function checkRequest(req: ExpectationRequest, scope: RequestScope): CheckedRequest | ExpectRefusal {
  try {
    return readRequest(req, scope);
  } catch {
    return "bad-request";
  }
}

function readRequest(req: ExpectationRequest, scope: RequestScope): CheckedRequest | ExpectRefusal {
  if (req === null || typeof req !== "object") return "bad-request";
  const cls = req.class ?? 0;
  if (typeof cls !== "number" || !Number.isInteger(cls) || cls < 0 || cls >= scope.policies.length) return "unknown-class";
  const policy = scope.policies[cls]!;

  let proto = scope.masterProto;
  const protocol = req.protocol;
  if (protocol !== undefined) {
    if (typeof protocol === "string") proto = scope.trackers.numberOf(protocol);
    else if (typeof protocol === "number" && Number.isInteger(protocol) && protocol >= 0 && protocol <= 255) proto = protocol;
    else proto = -1;
    if (proto < 0) return "bad-protocol";
  }

  const dst = addressWords(req.dst, scope.family);
  if (typeof dst === "string") return dst;
  const srcInput = req.src;
  const anySrc = srcInput === null || srcInput === undefined;
  const src = anySrc ? new Uint32Array(4) : addressWords(srcInput, scope.family);
  if (typeof src === "string") return src;
  const srcMask = new Uint32Array(4);
  if (!anySrc) srcMask.fill(0xffffffff, 0, scope.family === 4 ? 1 : 4);

  const dstPort = req.dstPort;
  if (!isPort(dstPort)) return "bad-port";
  const srcPort = req.srcPort;
  const anyPort = srcPort === null || srcPort === undefined;
  if (!anyPort && !isPort(srcPort)) return "bad-port";

  const flags = req.flags ?? 0;
  if (typeof flags !== "number" || !Number.isInteger(flags) || (flags & ~KNOWN_FLAGS) !== 0) return "bad-request";

  let assignHelper = 0;
  const helper = req.helper;
  if (helper !== undefined) {
    const i = typeof helper === "string" ? scope.helperIndex(helper) : -1;
    if (i < 0) return "unknown-helper";
    assignHelper = i + 1;
  }

  const searchPort = req.searchPort;
  if (searchPort !== undefined && typeof searchPort !== "boolean") return "bad-request";
  const skipMaster = req.skipMaster;
  if (skipMaster !== undefined && typeof skipMaster !== "boolean") return "bad-request";
  const timeout = req.timeout ?? policy.timeout;
  if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0) return "bad-timeout";

  return {
    cls,
    proto,
    src,
    srcMask,
    sport: anyPort ? 0 : srcPort,
    sportMask: anyPort ? 0 : 0xffff,
    dst,
    dport: dstPort,
    flags,
    assignHelper,
    timeout,
    searchPort: searchPort === true,
    skipMaster: skipMaster === true,
  };
}

/** A lookup tuple checked and turned into numbers. */
export interface CheckedQuery {
  readonly proto: number;
  readonly src: Uint32Array;
  readonly sport: number;
  readonly dst: Uint32Array;
  readonly dport: number;
}

/**
 * Checks the tuple of a lookup (an expectation's, or a connection's to kill)
 * as {@link checkRequest} checks a request; null when a field is malformed
 * (a lookup answers "none" then). `masterProto` is the protocol when the
 * query names none (-1: it must).
 */
export function checkQuery(q: ExpectationQuery | ConnectionQuery, family: number, masterProto: number, trackers: TrackerRegistry): CheckedQuery | null {
  if (q === null || typeof q !== "object") return null;
  let proto = masterProto;
  if (typeof q.protocol === "string") proto = trackers.numberOf(q.protocol);
  else if (typeof q.protocol === "number") proto = Number.isInteger(q.protocol) && q.protocol >= 0 && q.protocol <= 255 ? q.protocol : -1;
  else if (q.protocol !== undefined) proto = -1;
  if (proto < 0) return null;
  const dst = addressWords(q.dst, family);
  if (typeof dst === "string") return null;
  const src = q.src === null || q.src === undefined ? new Uint32Array(4) : addressWords(q.src, family);
  if (typeof src === "string") return null;
  const sport = q.srcPort ?? 0;
  if (!isPort(q.dstPort) || !isPort(sport)) return null;
  return { proto, src, sport, dst, dport: q.dstPort };
}

export function isPort(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 65535;
}

/** Four address words from text or words, checked against the master's family. */
export function addressWords(input: AddressInput, family: number): Uint32Array | ExpectRefusal {
  if (typeof input === "string") {
    const parsed = parseAddress(input);
    if (parsed === null) return "bad-address";
    return parsed.family === family ? parsed.words : "bad-family";
  }
  if (input === null || typeof input !== "object" || typeof (input as ArrayLike<number>).length !== "number") return "bad-address";
  const n = family === 4 ? 1 : 4;
  if (input.length < n) return "bad-address";
  const w = new Uint32Array(4);
  for (let i = 0; i < n; i++) {
    const v = input[i];
    if (typeof v !== "number" || !Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) return "bad-address";
    w[i] = v >>> 0;
  }
  return w;
}
