import type { EngineConfig } from "../config.js";
import type { ParsedPacket } from "../packet/parsed-packet.js";
import type { ConnTable } from "../table/conn-table.js";

/**
 * What a tracker's `packet` returns besides a {@link Reason} (> 0 = INVALID,
 * the connection untouched) or `TRACK_OK`.
 */
export const TRACK_OK = 0;
/** The packet starts a new connection over a dead one (a SYN in TIME_WAIT): destroy it and look again. */
export const TRACK_REOPEN = -1;
/** Accept the packet with its state, then destroy the connection (a RST before any reply). */
export const TRACK_KILL = -2;

/**
 * One transport protocol's state machine, a small table of functions in the
 * manner of Open vSwitch's `conntrack-*.c`. Trackers keep their state in the
 * table's typed arrays (`protoState`, and the `td*` / `tcp*` fields for TCP).
 */
export interface ProtoTracker {
  /**
   * A packet that matched no connection: may it create one? Returns
   * `Reason.NONE` or the reason it is INVALID. Runs before a slot is taken.
   */
  canCreate(p: ParsedPacket, cfg: EngineConfig): number;
  /** Sets up the protocol state of freshly allocated slot `s` for its first packet (its time is `p.time[0]`). */
  init(t: ConnTable, s: number, p: ParsedPacket, cfg: EngineConfig): void;
  /**
   * A packet of connection `s` in direction `dir` (including the first one,
   * right after `init`). Updates the protocol state and the expiry
   * (`t.expires[s]`) and returns `TRACK_OK`, `TRACK_REOPEN`, `TRACK_KILL` or an
   * INVALID reason (> 0).
   */
  packet(t: ConnTable, s: number, dir: number, p: ParsedPacket, cfg: EngineConfig): number;
  /** Printable name of protocol state `state` (for `conntrack -L` style output), or "" if none. */
  stateName(state: number): string;
}
