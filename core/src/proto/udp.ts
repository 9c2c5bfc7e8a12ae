import { Reason, Status } from "../constants.js";
import type { EngineConfig } from "../config.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ConnTable } from "../table/conn-table.js";
import type { ProtoTracker } from "./tracker.js";
import { TRACK_OK } from "./tracker.js";
import { D_CREATED, D_EXPIRES, H_STATUS } from "../table/layout.js";

/** Seconds after its first packet before a replied flow gets the long timeout (Linux: 2 s). */
const STREAM_AFTER = 2;

/**
 * UDP (nf_conntrack_proto_udp.c): unreplied flows get the short timeout.
 * Every packet after a reply has been seen makes the flow ASSURED; it gets
 * the replied timeout once the flow is more than two seconds old, so a
 * single request/response exchange (DNS) still expires quickly.
 */
export const udpTracker: ProtoTracker = {
  canCreate() {
    return Reason.NONE;
  },
  init() {},
  packet(t, s, _dir, p, cfg) {
    refresh(t, s, p, cfg, false);
    return TRACK_OK;
  },
  stateName() {
    return "";
  },
};

/** UDP-Lite: the checksum is mandatory, and a replied flow is a stream at once. */
export const udpliteTracker: ProtoTracker = {
  canCreate(p) {
    return hasChecksum(p.bytes, p.l4Offset) ? Reason.NONE : Reason.BAD_CHECKSUM;
  },
  init() {},
  packet(t, s, _dir, p, cfg) {
    if (!hasChecksum(p.bytes, p.l4Offset)) return Reason.BAD_CHECKSUM;
    refresh(t, s, p, cfg, true);
    return TRACK_OK;
  },
  stateName() {
    return "";
  },
};

/**
 * The timer and ASSURED rule both share: after a reply every packet assures
 * the flow, and a stream (UDP-Lite at once, UDP after two seconds) gets the
 * replied timeout. Time is read from the packet, not passed as a float.
 */
function refresh(t: ConnTable, s: number, p: ParsedPacket, cfg: EngineConfig, streamAtOnce: boolean): void {
  const now = p.time[0]!;
  const status = t.u16[(s << 6) + H_STATUS]!;
  if ((status & Status.SEEN_REPLY) !== 0) {
    const stream = streamAtOnce || now > t.f64[(s << 4) + D_CREATED]! + STREAM_AFTER;
    t.f64[(s << 4) + D_EXPIRES] = now + (stream ? cfg.timeouts.udpReplied : cfg.timeouts.udpUnreplied);
    t.u16[(s << 6) + H_STATUS] = status | Status.ASSURED;
  } else {
    t.f64[(s << 4) + D_EXPIRES] = now + cfg.timeouts.udpUnreplied;
  }
}

function hasChecksum(b: Uint8Array, l4: number): boolean {
  return (b[l4 + 6]! | b[l4 + 7]!) !== 0;
}
