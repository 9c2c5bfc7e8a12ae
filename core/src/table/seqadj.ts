import type { ConnTable } from "./conn-table.js";
import { Layout } from "./layout.js";

/**
 * Sequence adjustment of a connection whose payload a helper rewrote to
 * another length (Linux's `nf_conntrack_seqadj.c`): per direction one
 * correction point and the offsets before and after it, in the NAT
 * extension of the record. Offsets are signed 32-bit values.
 */

function at(t: ConnTable, s: number, dir: number): number {
  return t.extAt(s) + Layout.X_SEQADJ + dir * 3;
}

/** Signed sequence offset of direction `dir` for a segment starting at `seq` (`nf_ct_seq_offset`). */
export function seqOffset(t: ConnTable, s: number, dir: number, seq: number): number {
  if (t.extWords === 0) return 0;
  const o = at(t, s, dir);
  const u32 = t.u32;
  // After the correction point the new offset applies; at or before it, the old one.
  return ((u32[o]! - seq) | 0) < 0 ? u32[o + 2]! | 0 : u32[o + 1]! | 0;
}

/**
 * Word offset in `t.u32` of direction `dir`'s correction point; the offset
 * before it and the offset after it follow (read them `| 0`: signed).
 * An offset rather than an object: this is read for every adjusted packet.
 */
export function seqAdjustmentAt(t: ConnTable, s: number, dir: number): number {
  return at(t, s, dir);
}

/**
 * Records that the segment of direction `dir` starting at `seq` changed
 * length by `delta` bytes (`nf_ct_seqadj_set`). When no correction is
 * pending (the offsets are equal) or the segment lies past the correction
 * point, the point moves to `seq`: the old "after" offset becomes the
 * "before" offset and grows by `delta`. A rewrite at or before the point (a
 * retransmission of the rewritten segment) changes nothing.
 */
export function setSeqAdjustment(t: ConnTable, s: number, dir: number, seq: number, delta: number): void {
  if (delta === 0 || t.extWords === 0) return;
  const o = at(t, s, dir);
  const u32 = t.u32;
  const beforeOffset = u32[o + 1]! | 0;
  const afterOffset = u32[o + 2]! | 0;
  if (beforeOffset === afterOffset || ((u32[o]! - seq) | 0) < 0) {
    u32[o] = seq;
    u32[o + 1] = afterOffset;
    u32[o + 2] = (afterOffset + delta) | 0;
  }
}
