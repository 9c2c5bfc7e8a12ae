import { Reason, Status } from "../constants.js";
import type { ProtoTracker } from "./tracker.js";
import { TRACK_OK } from "./tracker.js";

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
  packet(t, s, _dir, _p, now, cfg) {
    const status = t.status[s]!;
    if ((status & Status.SEEN_REPLY) !== 0) {
      t.expires[s] = now + (now > t.created[s]! + STREAM_AFTER ? cfg.timeouts.udpReplied : cfg.timeouts.udpUnreplied);
      t.status[s] = status | Status.ASSURED;
    } else {
      t.expires[s] = now + cfg.timeouts.udpUnreplied;
    }
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
  packet(t, s, _dir, p, now, cfg) {
    if (!hasChecksum(p.bytes, p.l4Offset)) return Reason.BAD_CHECKSUM;
    const status = t.status[s]!;
    if ((status & Status.SEEN_REPLY) !== 0) {
      t.expires[s] = now + cfg.timeouts.udpReplied;
      t.status[s] = status | Status.ASSURED;
    } else {
      t.expires[s] = now + cfg.timeouts.udpUnreplied;
    }
    return TRACK_OK;
  },
  stateName() {
    return "";
  },
};

function hasChecksum(b: Uint8Array, l4: number): boolean {
  return (b[l4 + 6]! | b[l4 + 7]!) !== 0;
}
