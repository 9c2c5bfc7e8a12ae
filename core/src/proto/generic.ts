import { type ProtocolTracker, type TupleKeys, PacketKindCode, TrackResult } from "./tracker.js";
import { ReasonCode } from "../constants.js";

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
    return ReasonCode.NONE;
  },
  decodeQuoted(p, end) {
    return p.l4Offset > end ? ReasonCode.ICMP_ERROR_TOO_SHORT : ReasonCode.NONE;
  },
  classify() {
    return PacketKindCode.TRACK;
  },
  quotable() {
    return ReasonCode.NONE;
  },
  invert(p) {
    p.replySport = 0;
    p.replyDport = 0;
    return ReasonCode.NONE;
  },
  invertKeys(_sport, _dport, out) {
    out[0] = 0;
    out[1] = 0;
    return ReasonCode.NONE;
  },
  canCreate() {
    return ReasonCode.NONE;
  },
  init() {},
  packet(t, s, _dir, p, cfg) {
    t.setExpires(s, p.time[0]! + cfg.timeouts.generic);
    return TrackResult.OK;
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
