import { Reason } from "../constants.js";
import type { ProtoTracker } from "./tracker.js";
import { TRACK_OK } from "./tracker.js";
import { D_EXPIRES } from "../table/layout.js";

/** Every protocol without a tracker of its own: one flow per address pair, one timeout. */
export const genericTracker: ProtoTracker = {
  canCreate() {
    return Reason.NONE;
  },
  init() {},
  packet(t, s, _dir, p, cfg) {
    t.f64[(s << 4) + D_EXPIRES] = p.time[0]! + cfg.timeouts.generic;
    return TRACK_OK;
  },
  stateName() {
    return "";
  },
};
