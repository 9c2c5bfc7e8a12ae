import type { TrackerTable } from "../tracker-table.js";

/**
 * SCTP's fields in a connection's tracker-private areas (Linux's
 * `struct ip_ct_sctp`), read and written through {@link TrackerTable}.
 */

/** Verification tag packets of direction `dir` must carry (word 0 of the direction's area). */
export function vtag(t: TrackerTable, s: number, dir: number): number {
  return t.dirU32(s, dir, 0);
}
export function setVtag(t: TrackerTable, s: number, dir: number, v: number): void {
  t.setDirU32(s, dir, 0, v);
}

/** An INIT was seen from direction `dir` and not yet completed by a COOKIE ACK (byte 4 of the direction's area). */
export function initSeen(t: TrackerTable, s: number, dir: number): boolean {
  return t.dirU8(s, dir, 4) !== 0;
}
export function setInitSeen(t: TrackerTable, s: number, dir: number, seen: boolean): void {
  t.setDirU8(s, dir, 4, seen ? 1 : 0);
}

/** A HEARTBEAT with an unknown tag was let through, waiting for its ACK from the other side (`SCTP_FLAG_HEARTBEAT_VTAG_FAILED`). */
export function heartbeatTagFailed(t: TrackerTable, s: number): boolean {
  return t.sharedU8(s, 0) !== 0;
}
export function setHeartbeatTagFailed(t: TrackerTable, s: number, failed: boolean): void {
  t.setSharedU8(s, 0, failed ? 1 : 0);
}

/** Direction of that HEARTBEAT (`last_dir`). */
export function heartbeatDir(t: TrackerTable, s: number): number {
  return t.sharedU8(s, 1);
}
export function setHeartbeatDir(t: TrackerTable, s: number, dir: number): void {
  t.setSharedU8(s, 1, dir);
}
