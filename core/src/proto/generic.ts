import { PacketKind, TRACK_OK, type ProtocolTracker, type TupleKeys } from "./tracker.js";
import { Reason } from "../constants.js";

const NO_KEYS: TupleKeys = Object.freeze({ srcPort: 0, dstPort: 0, text: "" });

/**
 * Every protocol without a tracker of its own (Linux's generic l4proto):
 * one flow per address pair, no keys, one timeout, no state.
 */
export const genericTracker: ProtocolTracker = {
  name: "generic",
  protocols: [],
  hasPorts: false,
  minHeaderLength: 1,
  decode(p) {
    p.clearTransport();
    p.payloadOffset = p.l4Offset;
    p.payloadLength = p.l4Length;
    return Reason.NONE;
  },
  decodeQuoted(p, end) {
    return p.l4Offset > end ? Reason.ICMP_ERROR_TOO_SHORT : Reason.NONE;
  },
  classify() {
    return PacketKind.TRACK;
  },
  quotable() {
    return Reason.NONE;
  },
  invert(p) {
    p.replySport = 0;
    p.replyDport = 0;
    return Reason.NONE;
  },
  invertKeys(_sport, _dport, out) {
    out[0] = 0;
    out[1] = 0;
    return Reason.NONE;
  },
  canCreate() {
    return Reason.NONE;
  },
  init() {},
  packet(t, s, _dir, p, cfg) {
    t.setExpires(s, p.time[0]! + cfg.timeouts.generic);
    return TRACK_OK;
  },
  canEarlyDrop() {
    return false;
  },
  stateName() {
    return "";
  },
  keys() {
    return NO_KEYS;
  },
  checksumOk() {
    return true;
  },
};
