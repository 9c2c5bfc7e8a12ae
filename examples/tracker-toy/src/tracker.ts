import { Reason, Status, TRACK_OK, TRACK_REOPEN, defineTracker } from "@alg-sdk/core";
import type { EngineConfig, ParsedPacket, ProtocolTracker, TrackerTable, TupleKeys } from "@alg-sdk/core";
import { TOY_HEADER, ToyType } from "./message.js";

/** The tracker's states, as the state byte holds them. */
export const ToyState = {
  NONE: 0,
  OPENING: 1,
  OPEN: 2,
  CLOSED: 3,
} as const;

const STATE_NAMES = ["NONE", "OPENING", "OPEN", "CLOSED"];

/** Options of {@link toyTracker}. */
export interface ToyTrackerOptions {
  /** The IP protocol number. Default 253 (experimentation). */
  readonly protocol?: number;
}

/** The message type of the packet being tracked: byte 4 of the header, which `decode` checked is there. */
function typeOf(p: ParsedPacket): number {
  return p.bytes[p.l4Offset + 4]!;
}

/** Reads the header: the keys are the sender's and the receiver's session ids. */
function decode(p: ParsedPacket): number {
  p.clearTransport();
  const b = p.bytes;
  const o = p.l4Offset;
  if (p.l4Length < TOY_HEADER) return Reason.TRUNCATED;
  const length = (b[o + 6]! << 8) | b[o + 7]!;
  if (length > p.l4Length - TOY_HEADER) return Reason.BAD_L4_HEADER;
  p.sport = (b[o]! << 8) | b[o + 1]!;
  p.dport = (b[o + 2]! << 8) | b[o + 3]!;
  p.payloadOffset = o + TOY_HEADER;
  p.payloadLength = length;
  return Reason.NONE;
}

/** Each packet: the state machine, the timer, ASSURED once accepted. */
function packet(t: TrackerTable, s: number, dir: number, p: ParsedPacket, cfg: EngineConfig): number {
  const now = p.time[0]!;
  const state = t.protoState(s);
  const type = typeOf(p);
  let next: number;
  let timeout: number;
  if (type === ToyType.CLOSE) {
    next = ToyState.CLOSED;
    timeout = cfg.timeouts.toyClosed!;
  } else if (state === ToyState.CLOSED) {
    // A new OPEN from the same ids starts a new session (like a SYN in TIME_WAIT); anything else is late.
    return type === ToyType.OPEN && dir === 0 ? TRACK_REOPEN : Reason.TRACKER_INVALID;
  } else if (type === ToyType.OPEN && dir === 0 && state !== ToyState.OPEN) {
    next = ToyState.OPENING;
    timeout = cfg.timeouts.toyOpening!;
  } else if (type === ToyType.ACCEPT && dir === 1 && state === ToyState.OPENING) {
    next = ToyState.OPEN;
    timeout = cfg.timeouts.toyOpen!;
  } else if (type === ToyType.DATA && state === ToyState.OPEN) {
    next = ToyState.OPEN;
    timeout = cfg.timeouts.toyOpen!;
  } else {
    // DATA before the session is accepted, an ACCEPT from the opener, an unknown type.
    return Reason.TRACKER_INVALID;
  }
  t.setProtoState(s, next);
  if (next === ToyState.OPEN) t.addStatus(s, Status.ASSURED);
  t.setExpires(s, now + timeout);
  return TRACK_OK;
}

function keys(sport: number, dport: number): TupleKeys {
  return { srcPort: sport, dstPort: dport, text: `from=${sport} to=${dport}` };
}

/**
 * A protocol tracker for the toy session protocol: only an OPEN starts a
 * session; the other side's ACCEPT makes it OPEN (and ASSURED); DATA is
 * valid only while OPEN; CLOSE ends it, and a new OPEN then starts afresh.
 * Timeouts (seconds, overridable by name in `createEngine({ timeouts })`):
 * `toyOpening` 10, `toyOpen` 300, `toyClosed` 5.
 *
 * @example
 * ```ts
 * import { createEngine } from "@alg-sdk/core";
 * import { toyTracker } from "@alg-sdk/example-tracker-toy";
 * const engine = createEngine({ trackers: [toyTracker()], timeouts: { toyOpen: 60 } });
 * ```
 */
export function toyTracker(options: ToyTrackerOptions = {}): ProtocolTracker {
  const protocol = options.protocol ?? 253;
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 255) throw new RangeError(`protocol must be 0..255, got ${String(protocol)}`);
  return defineTracker({
    name: "toy",
    protocols: [protocol],
    timeouts: { toyOpening: 10, toyOpen: 300, toyClosed: 5 },
    states: STATE_NAMES,
    decode,
    // Only an OPEN may start a session.
    canCreate: (p) => (typeOf(p) === ToyType.OPEN ? Reason.NONE : Reason.TRACKER_INVALID),
    packet,
    // A session being opened or closed may give way to others when the table is full.
    canEarlyDrop: (t, s) => t.protoState(s) !== ToyState.OPEN,
    keys,
  });
}
